/**
 * Vite config of the browser demo. Workspace packages resolve through their `source` export
 * condition (`src/index.ts`), so the page needs no package build; the committed Fashion-MNIST
 * slice (`fixtures/fashion-mnist/*.gz`, gzipped IDX) is the public folder, served at the site root
 * and copied into `dist/` by `vite build`.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: fileURLToPath(new URL('../../fixtures/fashion-mnist', import.meta.url)),
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2_000 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

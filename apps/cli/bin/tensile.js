#!/usr/bin/env node
// The `tensile` executable: runs src/main.ts under tsx with the `source` export condition, so the
// workspace packages are used from their TypeScript sources without a build step. Ctrl-C reaches
// the child (same process group), which checkpoints and exits 130; this wrapper passes its status on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// Resolve tsx from this package, so the command works from any working directory.
const tsx = import.meta.resolve('tsx');
const child = spawn(
  process.execPath,
  ['--conditions=source', '--import', tsx, main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
});

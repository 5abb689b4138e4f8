/**
 * Where the repository's committed fixtures live (`<repo>/fixtures/`), found relative to this file
 * (the same depth from `src/node/` and `dist/node/`). Only useful inside the Tensile monorepo: the
 * published package does not include the fixtures, so loaders take explicit paths too.
 */
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of `<repo>/fixtures/<parts…>`.
 *
 * @example
 * fixturesPath('fashion-mnist')  // '/work/main/fixtures/fashion-mnist'
 */
export function fixturesPath(...parts: string[]): string {
  const root = new URL('../../../../fixtures/', import.meta.url);
  return fileURLToPath(new URL(parts.join('/'), root));
}

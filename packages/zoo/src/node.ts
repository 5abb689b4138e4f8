/**
 * `@tensile/zoo/node` — model weights in files and at URLs (Node): `saveWeights`, `loadWeights`
 * with the download cache, and `defaultCacheDir`. The main entry `@tensile/zoo` stays
 * browser-safe (`weightsToBytes` / `weightsFromBytes`).
 *
 * @example
 * import { loadWeights, saveWeights } from '@tensile/zoo/node';
 * await saveWeights(model, 'out/lenet5.safetensors');
 * const restored = await loadWeights(lenet5.init(random.key(0)), 'out/lenet5.safetensors');
 *
 * @packageDocumentation
 */
export { cachePath, defaultCacheDir } from './node/cache-dir.js';
export type { DownloadOptions } from './node/download.js';
export {
  type LoadWeightsOptions,
  loadWeights,
  saveWeights,
  type WeightsSource,
} from './node/weights-files.js';

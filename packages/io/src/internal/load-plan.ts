/**
 * Turning validated header entries into tensors in two phases, so a load either fully succeeds or
 * leaves nothing behind: `planLoad` decides each tensor's loaded dtype from the header alone
 * (refusing dtypes Tensile or the backend cannot hold), then `materialize` converts every tensor's
 * bytes on the host (refusing out-of-range values) before it creates the first tensor, and
 * disposes what it created if the backend fails part-way.
 */
import { type DType, fromHost, getBackend, type Tensor } from '@tensile/core';
import { SafetensorsError } from '../errors.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from '../header.js';
import { decodeElements, type Float16Mode, type HostArray, loadedDType } from './conversions.js';

/** Options shared by every loader. */
export interface LoadOptions {
  /** Backend the tensors are created on (default: the current default backend). */
  readonly backend?: string;
  /**
   * How F16 tensors load: `'auto'` (default) keeps float16 when the backend has it and widens to
   * float32 otherwise; `'float32'` always widens; `'float16'` requires a backend with float16.
   */
  readonly float16?: Float16Mode;
}

/** One tensor to load: where its bytes are and the dtype it becomes. */
export interface PlannedTensor {
  readonly info: SafetensorsTensorInfo;
  readonly dtype: DType;
}

/**
 * Decide the loaded dtype of each named tensor, refusing any that cannot be loaded.
 *
 * @example
 * const plan = planLoad(header, Object.keys(header.tensors), {}, 'decodeSafetensors: ');
 */
export function planLoad(
  header: SafetensorsHeader,
  names: Iterable<string>,
  options: LoadOptions,
  at: string,
): Map<string, PlannedTensor> {
  const backend = getBackend(options.backend);
  const has = (dtype: DType) => backend.capabilities.dtypes.includes(dtype);
  const mode = options.float16 ?? 'auto';
  if (!['auto', 'float32', 'float16'].includes(mode)) {
    throw new SafetensorsError(
      `${at}float16 must be 'auto', 'float32' or 'float16', got ${JSON.stringify(mode)}`,
    );
  }
  if (mode === 'float16' && !has('float16')) {
    throw new SafetensorsError(
      `${at}float16: 'float16' was asked for but backend '${backend.name}' has no float16`,
    );
  }
  const plan = new Map<string, PlannedTensor>();
  for (const name of names) {
    const info = header.tensors[name] as SafetensorsTensorInfo;
    const dtype = loadedDType(info.dtype, mode !== 'float32' && has('float16'));
    if (dtype === undefined) {
      throw new SafetensorsError(
        `${at}tensor '${name}' has dtype ${info.dtype}, which Tensile cannot load`,
      );
    }
    if (!has(dtype)) {
      throw new SafetensorsError(
        `${at}tensor '${name}' (${info.dtype}) loads as ${dtype}, which backend '${backend.name}' does not support`,
      );
    }
    plan.set(name, { info, dtype });
  }
  return plan;
}

/**
 * Create the planned tensors from the file's bytes; all-or-nothing.
 *
 * @example
 * const tensors = materialize(bytes, header, plan, {}, 'decodeSafetensors: ');
 */
export function materialize(
  bytes: Uint8Array,
  header: SafetensorsHeader,
  plan: ReadonlyMap<string, PlannedTensor>,
  options: LoadOptions,
  at: string,
): Map<string, Tensor> {
  const host = new Map<string, HostArray>();
  for (const [name, { info, dtype }] of plan) {
    const [begin, end] = info.dataOffsets;
    const count = info.shape.reduce((n, d) => n * d, 1);
    const data = bytes.subarray(header.dataStart + begin, header.dataStart + end);
    host.set(
      name,
      decodeElements(info.dtype, dtype, data, count, `${at}tensor '${name}' (${info.dtype})`),
    );
  }
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, { info, dtype }] of plan) {
      tensors.set(
        name,
        fromHost(host.get(name) as HostArray, info.shape, dtype, { backend: options.backend }),
      );
    }
  } catch (error) {
    for (const tensor of tensors.values()) tensor.dispose();
    throw error;
  }
  return tensors;
}

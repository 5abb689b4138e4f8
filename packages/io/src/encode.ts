/**
 * Tensors → safetensors bytes (browser-safe: no file system). Reads each tensor with
 * `await t.data()`, converts it to its stored dtype and lays the file out exactly as the reference
 * writer does (see `internal/header-layout.ts`), so the result is byte-identical to
 * `safetensors.torch.save` for the same tensors and a metadata map with at most one key.
 */
import { Tensor } from '@tensile/core';
import { bitsPerElement, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { assertLittleEndianHost, encodeElements, storableAs } from './internal/conversions.js';
import { layoutHeader } from './internal/header-layout.js';

/** Options of `encodeSafetensors`. */
export interface EncodeOptions {
  /**
   * Stored dtype per tensor name, for the conversions `storableAs` allows: float32 as `'F16'` or
   * `'BF16'` (rounded to nearest even), int32 or bool as `'U8'`, float16 as `'F32'`. Tensors not
   * listed are stored as their own dtype (float32 → F32, float16 → F16, int32 → I32,
   * uint32 → U32, bool → BOOL).
   */
  readonly storeAs?: Readonly<Record<string, SafetensorsDType>>;
}

/**
 * Serialize named tensors (and an optional string→string metadata map) to safetensors bytes.
 *
 * @example
 * const bytes = await encodeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { format: 'pt' });
 * const halves = await encodeSafetensors({ w }, undefined, { storeAs: { w: 'F16' } });
 */
export async function encodeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const who = 'encodeSafetensors';
  assertLittleEndianHost(who);
  const storeAs = options.storeAs ?? {};
  for (const name of Object.keys(storeAs)) {
    if (!Object.hasOwn(tensors, name)) {
      throw new SafetensorsError(`${who}: storeAs names '${name}', which is not among the tensors`);
    }
  }
  const plan = Object.entries(tensors).map(([name, tensor]) => {
    const context = `${who}: tensor '${name}'`;
    if (!(tensor instanceof Tensor)) {
      throw new SafetensorsError(`${context} is not a Tensor (got ${typeof tensor})`);
    }
    if (name === '__metadata__') {
      throw new SafetensorsError(`${context}: the name '__metadata__' is reserved by the format`);
    }
    const dtype = Object.hasOwn(storeAs, name)
      ? (storeAs[name] as SafetensorsDType)
      : (storableAs(tensor.dtype)[0] as SafetensorsDType);
    if (!storableAs(tensor.dtype).includes(dtype)) {
      throw new SafetensorsError(
        `${context}: a ${tensor.dtype} tensor cannot be stored as ${dtype} (allowed: ${storableAs(tensor.dtype).join(', ')})`,
      );
    }
    return { name, tensor, dtype, context };
  });

  // Lay out (and validate names and metadata) before reading any tensor back.
  const { header, placed, dataLength } = layoutHeader(
    plan.map(({ name, tensor, dtype }) => ({
      name,
      dtype,
      shape: tensor.shape,
      byteLength: (tensor.size * bitsPerElement(dtype)) / 8,
    })),
    metadata,
    who,
  );
  const byName = new Map(plan.map((entry) => [entry.name, entry]));
  const out = new Uint8Array(header.byteLength + dataLength);
  out.set(header, 0);
  for (const { name, begin } of placed) {
    const { tensor, dtype, context } = byName.get(name) as (typeof plan)[number];
    out.set(
      encodeElements(await tensor.data(), tensor.dtype, dtype, context),
      header.byteLength + begin,
    );
  }
  return out;
}

/**
 * Level 0 of the trace stack: runs each primitive's `impl` on concrete
 * arrays. With `debugNans` on, every float result is checked and the
 * primitive that first produced a NaN is named in the error.
 */

import { NanError } from '../errors.js';
import type { Params, Primitive } from '../primitives/spec.js';
import { implRules } from '../primitives/table.js';
import { DeviceArray } from './device-array.js';
import type { Tensor } from './tensor.js';
import { installEvalTrace, Trace } from './trace.js';

const flags = { debugNans: false };

/**
 * Check every primitive's float outputs for NaN and throw naming the primitive (slow: reads back).
 *
 * @example
 * setDebugNans(true);
 */
export function setDebugNans(on: boolean): void {
  flags.debugNans = on;
}

class EvalTrace extends Trace {
  pure(x: Tensor): Tensor {
    return x;
  }

  processPrimitive<P extends Primitive>(
    primitive: P,
    tracers: Tensor[],
    params: Params<P>,
  ): Tensor[] {
    const outs = (implRules[primitive] as (a: DeviceArray[], p: Params<P>) => DeviceArray[])(
      tracers as DeviceArray[],
      params,
    );
    if (flags.debugNans) checkNans(primitive, tracers, outs);
    return outs;
  }
}

function checkNans(primitive: string, inputs: Tensor[], outs: DeviceArray[]): void {
  for (const o of outs) {
    if (o.dtype !== 'float32' || !o.backend.readSync) continue;
    const data = o.dataSync() as Float32Array;
    if (data.some(Number.isNaN)) {
      throw new NanError(
        `debugNans: '${primitive}' produced NaN from inputs ${inputs.map((i) => i.aval.toString()).join(', ')}`,
      );
    }
  }
}

installEvalTrace((main) => new EvalTrace(main));

export { DeviceArray };

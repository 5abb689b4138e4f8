/**
 * Rules of the `jit` primitive: a call of a staged program. On concrete
 * arrays it runs the cached `Executable`; under another transformation the
 * program is simply re-applied to the tracers (inlined), so `grad(jit(f))`
 * and `vmap(jit(f))` work and `jit(grad(f))` compiles the whole step.
 */
import type { Backend } from '../../backend.js';
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { evalJaxpr } from '../../jaxpr/eval.js';
import { Executable } from '../../jaxpr/executable.js';
import type { Jaxpr } from '../../jaxpr/jaxpr.js';
import { jvpFlat } from '../../transforms/jvp.js';
import { vmapFlat } from '../../transforms/vmap.js';
import type { PrimitiveRules } from '../rules.js';

const executables = new WeakMap<Jaxpr, Map<string, Executable>>();

/** The executable of `jaxpr` for a donation pattern (compiled once, then cached). */
export function executableFor(
  jaxpr: Jaxpr,
  donated: readonly boolean[],
  _backend?: Backend,
): Executable {
  let byDonation = executables.get(jaxpr);
  if (!byDonation) {
    byDonation = new Map();
    executables.set(jaxpr, byDonation);
  }
  const key = donated.map((d) => (d ? 1 : 0)).join('');
  let exe = byDonation.get(key);
  if (!exe) {
    exe = new Executable(jaxpr, donated);
    byDonation.set(key, exe);
  }
  return exe;
}

/**
 * Free the buffers the executables of `jaxpr` keep for reuse (called when `jit` drops the
 * program from its cache).
 *
 * @example
 * releaseExecutables(entry.jaxpr);
 */
export function releaseExecutables(jaxpr: Jaxpr): void {
  for (const exe of executables.get(jaxpr)?.values() ?? []) exe.dispose();
  executables.delete(jaxpr);
}

/** Rules of `jit`. */
export const jitRules: PrimitiveRules<'jit'> = {
  abstractEval: (_avals, { jaxpr }) => jaxpr.outAvals,
  impl: (args: DeviceArray[], { jaxpr, donated }) => executableFor(jaxpr, donated).run(args),
  jvp: (primals, tangents, { jaxpr }) =>
    jvpFlat((...xs: Tensor[]) => evalJaxpr(jaxpr, xs), primals, tangents, false),
  vmap: (args, dims, { jaxpr }, axisSize) => {
    const outs = vmapFlat(
      (...xs: Tensor[]) => evalJaxpr(jaxpr, xs),
      axisSize,
      args,
      dims,
      (n) => new Array(n).fill(0),
    );
    return [outs, outs.map(() => 0)];
  },
};

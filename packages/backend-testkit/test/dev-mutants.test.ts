import { createCpuBackend } from '@tensile/backend-cpu';
import type { Backend, OutputSpec, StridedView } from '@tensile/core';
import { describe } from 'vitest';
import { registerBackendMethodTests } from '../src/internal/backend-methods.js';
import { Registrar } from '../src/internal/registrar.js';
import { resolveTolerances } from '../src/options.js';

const contiguous = (shape: readonly number[]) => {
  const s: number[] = []; let st = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = st; st *= shape[d]; }
  return s;
};

function mutant(): Backend {
  const cpu = createCpuBackend({ name: 'mutant' });
  const scratch = (dtype: OutputSpec['dtype'], shape: readonly number[], bytes: number): OutputSpec => ({ buffer: cpu.alloc(Math.max(bytes, 4)), dtype, shape });
  return {
    ...cpu,
    binary: (op, a, b, out) => {
      if (op === 'lt' && a.dtype === 'uint32') return cpu.binary(op, { ...a, dtype: 'int32' }, { ...b, dtype: 'int32' }, out);
      return cpu.binary(op, a, b, out);
    },
    unary: (op, x, out) => {
      cpu.unary(op, x, out);
      if (op === 'exp' && x.dtype === 'float32') {
        const size = out.shape.reduce((a, b) => a * b, 1);
        const f = scratch('float32', [], 4); cpu.fill(f, 1 + 3e-5);
        const tmp = scratch('float32', out.shape, size * 4);
        cpu.copy({ ...out, strides: contiguous(out.shape), offset: 0 }, tmp);
        cpu.binary('mul', { ...tmp, strides: contiguous(out.shape), offset: 0 }, { ...f, shape: out.shape, strides: out.shape.map(() => 0), offset: 0 }, out);
        cpu.free(f.buffer); cpu.free(tmp.buffer);
      }
    },
    dotGeneral: (a, b, dims, out) => cpu.dotGeneral({ ...a, strides: contiguous(a.shape), offset: 0 }, b, dims, out),
    cast: (x, out) => {
      if (x.dtype === 'float32' && out.dtype === 'int32') {
        const size = x.shape.reduce((p, q) => p * q, 1);
        const tmp = scratch('float32', x.shape, size * 4);
        cpu.unary('round', x, tmp);
        cpu.cast({ ...tmp, strides: contiguous(x.shape), offset: 0 } as StridedView, out);
        cpu.free(tmp.buffer);
        return;
      }
      cpu.cast(x, out);
    },
  };
}

describe('mutant', () => {
  const backend = mutant();
  const registrar = new Registrar(backend, []);
  registerBackendMethodTests({ backend, registrar, tolerances: resolveTolerances() });
  registrar.finish();
});

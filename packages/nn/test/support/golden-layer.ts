/**
 * Checking a layer against a PyTorch golden case: build the module from the case's config, load
 * the torch weights, run it, and compare every stored output and the gradients of
 * `L = Σ sum(output · ct)` with respect to the differentiated inputs and every parameter.
 */
import { random, scope, type Tensor, valueAndGrad } from '@tensile/core';
import type { Module } from '../../src/index.js';
import { expectClose, type GoldenCase, goldenTensor, type Tolerance } from './golden.js';
import { fieldPath, loadTorchWeights, readPath } from './torch-weights.js';

/** How a test builds and runs one kind of layer from a golden case. */
export interface LayerRunner {
  init(config: Record<string, unknown>, key: Tensor): Module;
  /** Outputs by golden name (`y`, `h_n`, `running_mean`, …) from the case's inputs. */
  run(m: Module, inputs: Record<string, Tensor>, c: GoldenCase): Record<string, Tensor>;
}

const ctName = (output: string) => (output === 'y' ? 'ct' : `ct_${output}`);

/** Run the whole comparison for one case inside a scope. */
export function checkGoldenCase(c: GoldenCase, runner: LayerRunner, tol?: Tolerance): void {
  scope(() => {
    const weights = (c.params.weights as string[]) ?? [];
    const tensors = Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, goldenTensor(v)]),
    );
    const fresh = runner.init(c.params.config as Record<string, unknown>, random.key(0));
    const model = loadTorchWeights(
      fresh,
      Object.fromEntries(weights.map((w) => [w, tensors[w] as Tensor])),
    );
    const isCotangent = (k: string) => k === 'ct' || k.startsWith('ct_');
    const differentiated = Object.keys(c.inputs).filter(
      (k) => !weights.includes(k) && !isCotangent(k) && `d${k}` in c.outputs,
    );
    const constants = Object.fromEntries(
      Object.entries(tensors).filter(([k]) => !differentiated.includes(k) && !weights.includes(k)),
    );
    const loss = (m: Module, xs: Record<string, Tensor>) => {
      const outs = runner.run(m, { ...constants, ...xs }, c);
      let total: Tensor | undefined;
      for (const [k, o] of Object.entries(outs)) {
        const ct = tensors[ctName(k)];
        if (!ct) continue;
        const term = o.mul(ct).sum();
        total = total ? total.add(term) : term;
      }
      return [total as Tensor, outs] as [Tensor, Record<string, Tensor>];
    };
    const xs = Object.fromEntries(differentiated.map((k) => [k, tensors[k] as Tensor]));
    const [[, outs], [gModel, gInputs]] = valueAndGrad(loss, { argnums: [0, 1], hasAux: true })(
      model,
      xs,
    ) as unknown as [[Tensor, Record<string, Tensor>], [Module, Record<string, Tensor>]];
    for (const [k, expected] of Object.entries(c.outputs)) {
      if (k.startsWith('d')) continue;
      expectClose(outs[k] as Tensor, expected, `${c.name}: ${k}`, tol);
    }
    for (const k of differentiated) {
      expectClose(gInputs[k] as Tensor, c.outputs[`d${k}`], `${c.name}: d${k}`, tol);
    }
    for (const w of weights) {
      const g = readPath(gModel, fieldPath(model, w)) as Tensor;
      expectClose(g, c.outputs[`d${w}`], `${c.name}: d${w}`, tol);
    }
  });
}

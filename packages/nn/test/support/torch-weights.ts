/**
 * Mapping PyTorch parameter names onto @tensile/nn module fields, for loading the golden
 * fixtures' weights and reading gradients back: `weight` → `weight`, `out_proj.weight` →
 * `outProj.weight`, `in_proj_bias` → `inProjBias`, and the recurrent layers'
 * `weight_ih_l{k}{_reverse}` → `cells[k·directions + reverse].weightIh`.
 */
import type { Tensor } from '@tensile/core';
import { treeAt } from '../../src/index.js';

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The field path of a torch parameter name in `module`. */
export function fieldPath(module: unknown, torchName: string): (string | number)[] {
  const recurrent = /^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/.exec(torchName);
  if (recurrent) {
    const [, kind, which, layer, reverse] = recurrent;
    const directions = (module as { bidirectional: boolean }).bidirectional ? 2 : 1;
    return ['cells', Number(layer) * directions + (reverse ? 1 : 0), camel(`${kind}_${which}`)];
  }
  return torchName.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : camel(part)));
}

/** Read `path` in a tree of objects and arrays. */
export function readPath(t: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], t);
}

/** `module` with the named torch weights loaded (one `treeAt` for all of them). */
export function loadTorchWeights<M>(module: M, weights: Record<string, Tensor>): M {
  const names = Object.keys(weights);
  return treeAt(
    (m: M) => names.map((n) => readPath(m, fieldPath(module, n))),
    module,
    names.map((n) => weights[n]),
  );
}

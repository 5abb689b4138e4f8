/**
 * Pytrees ↔ flat name → tensor records, the bridge between models/optimizer states and formats
 * that store named tensors (safetensors, PyTorch state dicts). Names are dotted paths such as
 * `layers.0.weight`; see `internal/tree-paths.ts` for the exact rule (object keys, array indices,
 * the field names of registered classes, positions as a fallback).
 */
import { DTypeError, ShapeError, Tensor, tree, ValueError } from '@tensile/core';
import { summarize, type TensorSpec, templateProblems } from './internal/template-match.js';
import { nameLeaves } from './internal/tree-paths.js';

/** Options of `flattenWithPaths` and `unflattenFromPaths`. */
export interface PathOptions {
  /** A first path segment for every name, e.g. `'params'` → `params.layers.0.weight`. */
  readonly prefix?: string;
}

/**
 * Name every tensor leaf of a pytree by its path. Non-tensor leaves (numbers, strings, booleans)
 * are static configuration and are left out; `unflattenFromPaths` takes them from its template.
 *
 * @example
 * flattenWithPaths({ layers: [{ weight: w0, bias: b0 }], scale: 2 })
 * // { 'layers.0.bias': b0, 'layers.0.weight': w0 }   (keys sorted as tree.flatten visits them)
 */
export function flattenWithPaths(
  pytree: unknown,
  options: PathOptions = {},
): Record<string, Tensor> {
  const { leaves, names } = nameLeaves(pytree, options.prefix, 'flattenWithPaths');
  const entries: Array<[string, Tensor]> = [];
  names.forEach((name, i) => {
    if (name !== undefined) entries.push([name, leaves[i] as Tensor]);
  });
  return Object.fromEntries(entries);
}

/**
 * Rebuild a pytree shaped like `template` from named tensors. Every tensor (or `ShapedArray`) leaf
 * of the template must have a tensor of the same name, shape and dtype in `record`, and `record`
 * may hold nothing else; otherwise this throws, naming each offending tensor (`ValueError` for
 * missing/unexpected names, else `ShapeError`, else `DTypeError`). The result holds the record's
 * tensors themselves (no copies); non-tensor leaves come from the template.
 *
 * @example
 * const params = unflattenFromPaths(initParams, decodeSafetensors(bytes).tensors);
 */
export function unflattenFromPaths<T>(
  template: T,
  record: Readonly<Record<string, Tensor>>,
  options: PathOptions = {},
): T {
  const who = 'unflattenFromPaths';
  const { leaves, def, names } = nameLeaves(template, options.prefix, who);
  const expected = new Map<string, TensorSpec>();
  names.forEach((name, i) => {
    if (name !== undefined) expected.set(name, leaves[i] as TensorSpec);
  });
  const actual = new Map<string, TensorSpec>();
  for (const [name, tensor] of Object.entries(record)) {
    if (!(tensor instanceof Tensor)) {
      throw new ValueError(`${who}: record entry '${name}' is not a Tensor (got ${typeof tensor})`);
    }
    actual.set(name, tensor);
  }
  const problems = templateProblems(expected, actual);
  if (problems.length > 0) {
    const message = `${who}: the record does not fit the template: ${summarize(problems)}`;
    const kind = problems[0]?.kind;
    if (kind === 'shape') throw new ShapeError(message);
    if (kind === 'dtype') throw new DTypeError(message);
    throw new ValueError(message);
  }
  return tree.unflatten<T>(
    def,
    leaves.map((leaf, i) => {
      const name = names[i];
      return name === undefined ? leaf : record[name];
    }),
  );
}

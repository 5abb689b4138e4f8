/**
 * `einsum`: Einstein summation over labelled axes, e.g. `'bij,bjk->bik'`.
 * The subscripts are parsed (implicit or explicit output, `...` for
 * broadcast dims), repeated labels within one operand take a diagonal,
 * labels used by only one operand are summed early, and the operands are
 * contracted pairwise from left to right with `dotGeneral`.
 */
import { Tensor } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from './intermediates.js';
import { contract, diagonal } from './linalg.js';
import { promoteDTypes } from './promotion.js';

/** An operand with one label per axis. */
interface Labelled {
  x: Tensor;
  labels: string[];
}

const LETTER = /^[a-zA-Z]$/;
/** Labels for the axes covered by `...` (not letters, so they cannot clash). */
const ellipsisLabel = (i: number) => String.fromCharCode(0x100 + i);

function parseTerm(term: string, subscripts: string): { letters: string[]; ellipsisAt: number } {
  const letters: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('...', i)) {
      if (ellipsisAt >= 0)
        throw new ValueError(`einsum: '${subscripts}' has two ellipses in one term`);
      ellipsisAt = letters.length;
      i += 2;
    } else if (LETTER.test(term[i] as string)) letters.push(term[i] as string);
    else
      throw new ValueError(`einsum: invalid character '${term[i]}' in subscripts '${subscripts}'`);
  }
  return { letters, ellipsisAt };
}

/** Parse `subscripts` against the operands: labelled operands and the output labels. */
function parse(
  subscripts: string,
  operands: readonly Tensor[],
): { inputs: Labelled[]; output: string[] } {
  const spec = subscripts.replace(/\s+/g, '');
  const arrow = spec.split('->');
  if (arrow.length > 2) throw new ValueError(`einsum: '${subscripts}' has more than one '->'`);
  const terms = (arrow[0] as string).split(',');
  if (terms.length !== operands.length) {
    throw new ValueError(
      `einsum: '${subscripts}' names ${terms.length} operands but ${operands.length} were given`,
    );
  }
  let ellipsisDims = 0;
  const parsed = terms.map((term, i) => {
    const p = parseTerm(term, subscripts);
    const x = operands[i] as Tensor;
    const covered = x.ndim - p.letters.length;
    if (covered < 0 || (covered > 0 && p.ellipsisAt < 0)) {
      throw new ShapeError(
        `einsum: term '${term}' has ${p.letters.length} labels but operand ${i} has shape ${fmtShape(x.shape)}`,
      );
    }
    ellipsisDims = Math.max(ellipsisDims, covered);
    return { ...p, covered };
  });
  const allEllipsis = Array.from({ length: ellipsisDims }, (_, i) => ellipsisLabel(i));
  const inputs = parsed.map((p, i) => {
    const labels =
      p.ellipsisAt < 0
        ? p.letters
        : [
            ...p.letters.slice(0, p.ellipsisAt),
            ...allEllipsis.slice(ellipsisDims - p.covered),
            ...p.letters.slice(p.ellipsisAt),
          ];
    return { x: operands[i] as Tensor, labels };
  });
  let output: string[];
  if (arrow.length === 2) {
    const p = parseTerm(arrow[1] as string, subscripts);
    if (p.ellipsisAt < 0 && ellipsisDims > 0) {
      throw new ValueError(
        `einsum: the output of '${subscripts}' needs '...' for the inputs' broadcast dims`,
      );
    }
    output =
      p.ellipsisAt < 0
        ? p.letters
        : [...p.letters.slice(0, p.ellipsisAt), ...allEllipsis, ...p.letters.slice(p.ellipsisAt)];
    if (new Set(output).size !== output.length)
      throw new ValueError(`einsum: output of '${subscripts}' repeats a label`);
    for (const l of output) {
      if (!inputs.some((inp) => inp.labels.includes(l))) {
        throw new ValueError(`einsum: output label '${l}' of '${subscripts}' appears in no input`);
      }
    }
  } else {
    const counts = new Map<string, number>();
    for (const inp of inputs)
      for (const l of inp.labels) if (LETTER.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l);
    output = [...allEllipsis, ...once.sort()];
  }
  return { inputs, output };
}

/** Check label sizes agree (size-1 ellipsis dims broadcast) and broadcast those operands. */
function unifySizes(inputs: Labelled[], subscripts: string): Labelled[] {
  const sizes = new Map<string, number>();
  for (const { x, labels } of inputs) {
    labels.forEach((l, i) => {
      const d = x.shape[i] as number;
      const known = sizes.get(l);
      if (known === undefined || known === 1) sizes.set(l, d);
      else if (d !== known && !(d === 1 && !LETTER.test(l))) {
        const name = LETTER.test(l) ? `label '${l}'` : 'an ellipsis dim';
        throw new ShapeError(
          `einsum: ${name} has sizes ${known} and ${d} in '${subscripts}' (shapes ${inputs.map((inp) => fmtShape(inp.x.shape)).join(', ')})`,
        );
      }
    });
  }
  return inputs.map(({ x, labels }) => {
    const target = labels.map((l) => sizes.get(l) as number);
    if (target.every((d, i) => d === x.shape[i])) return { x, labels };
    const kept = labels.flatMap((_, i) => (x.shape[i] === target[i] ? [i] : []));
    const squeezed = lax.reshape(
      x,
      kept.map((i) => x.shape[i] as number),
    );
    return { x: lax.broadcastInDim(squeezed, target, kept), labels };
  });
}

/** Replace repeated labels within one operand by the diagonal over them. */
function takeDiagonals({ x, labels }: Labelled): Labelled {
  let cur = x;
  let labs = [...labels];
  for (;;) {
    const p = labs.findIndex((l, i) => labs.indexOf(l) !== i);
    if (p < 0) return { x: cur, labels: labs };
    const first = labs.indexOf(labs[p] as string);
    if (cur.shape[first] !== cur.shape[p]) {
      throw new ShapeError(
        `einsum: repeated label '${labs[p]}' has sizes ${cur.shape[first]} and ${cur.shape[p]}`,
      );
    }
    const label = labs[p] as string;
    cur = diagonal(cur, { axis1: first, axis2: p });
    labs = [...labs.filter((_, i) => i !== first && i !== p), label];
  }
}

function sumOut(op: Labelled, keep: (label: string) => boolean): Labelled {
  const axes = op.labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (axes.length === 0) return op;
  const x = op.x.dtype === 'bool' ? lax.convertElementType(op.x, 'int32', false) : op.x;
  return { x: lax.reduce('sum', x, axes), labels: op.labels.filter((l) => keep(l)) };
}

/**
 * Einstein summation. Each operand's axes are labelled by letters; labels repeated across
 * operands are multiplied together, labels missing from the output are summed. Without `->` the
 * output is the labels used once, in alphabetical order. `...` stands for broadcast axes.
 *
 * @example
 * np.einsum('ij,jk->ik', a, b)          // matmul
 * np.einsum('bij,bjk->bik', a, b)       // batched matmul
 * np.einsum('ii', m)                    // trace
 * np.einsum('...i,...i->...', u, v)     // batched dot product
 */
export function einsum(subscripts: string, ...operands: Tensor[]): Tensor {
  if (typeof subscripts !== 'string')
    throw new ValueError(`einsum: subscripts must be a string, got ${typeof subscripts}`);
  for (const x of operands) {
    if (!(x instanceof Tensor))
      throw new ValueError(`einsum: operands must be tensors, got ${typeof x}`);
  }
  if (operands.length === 0) throw new ValueError('einsum: needs at least one operand');
  return freeIntermediates(() => {
    const promoted = promoteDTypes('einsum', ...operands);
    const { inputs, output } = parse(subscripts, promoted);
    const usedBy = (label: string, ops: readonly Labelled[]) =>
      ops.some((o) => o.labels.includes(label));
    let ops = unifySizes(inputs, subscripts).map(takeDiagonals);
    // Sum labels that only one operand uses and the output drops.
    ops = ops.map((op, i) => {
      const others = ops.filter((_, j) => j !== i);
      return sumOut(op, (l) => output.includes(l) || usedBy(l, others));
    });
    let acc = ops[0] as Labelled;
    for (let i = 1; i < ops.length; i++) {
      const next = ops[i] as Labelled;
      const later = ops.slice(i + 1);
      const shared = acc.labels.filter((l) => next.labels.includes(l));
      const batch = shared.filter((l) => output.includes(l) || usedBy(l, later));
      const contracted = shared.filter((l) => !batch.includes(l));
      const x = contract(acc.x, next.x, {
        contracting: [
          contracted.map((l) => acc.labels.indexOf(l)),
          contracted.map((l) => next.labels.indexOf(l)),
        ],
        batch: [batch.map((l) => acc.labels.indexOf(l)), batch.map((l) => next.labels.indexOf(l))],
      });
      const labels = [
        ...batch,
        ...acc.labels.filter((l) => !shared.includes(l)),
        ...next.labels.filter((l) => !shared.includes(l)),
      ];
      acc = { x, labels };
    }
    acc = sumOut(acc, (l) => output.includes(l));
    return lax.transpose(
      acc.x,
      output.map((l) => acc.labels.indexOf(l)),
    );
  });
}

/**
 * Comparing what a template expects (names, shapes, dtypes) with what is available — tensors in a
 * record, or entries of a file header before any tensor exists — and describing every mismatch
 * by name, so a load can be refused with one clear message.
 */
/** Shape and dtype of one named tensor (a Tensile dtype, or a stored dtype such as `F8_E4M3`). */
export interface TensorSpec {
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** One mismatch; `kind` lets callers choose an error class. */
export interface TemplateProblem {
  readonly kind: 'missing' | 'extra' | 'shape' | 'dtype';
  readonly message: string;
}

const show = (spec: TensorSpec) => `${spec.dtype} [${spec.shape.join(',')}]`;

/**
 * Every difference between `expected` and `actual`: missing names, extra names, shape and dtype
 * mismatches (in that order).
 *
 * @example
 * templateProblems(new Map([['w', { shape: [2], dtype: 'float32' }]]), new Map())
 * // [{ kind: 'missing', message: "missing tensor 'w' (float32 [2])" }]
 */
export function templateProblems(
  expected: ReadonlyMap<string, TensorSpec>,
  actual: ReadonlyMap<string, TensorSpec>,
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [name, spec] of expected) {
    if (!actual.has(name))
      problems.push({ kind: 'missing', message: `missing tensor '${name}' (${show(spec)})` });
  }
  for (const [name, spec] of actual) {
    if (!expected.has(name))
      problems.push({ kind: 'extra', message: `unexpected tensor '${name}' (${show(spec)})` });
  }
  for (const [name, want] of expected) {
    const got = actual.get(name);
    if (!got) continue;
    if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
      problems.push({
        kind: 'shape',
        message: `tensor '${name}' has shape [${got.shape.join(',')}], the template expects [${want.shape.join(',')}]`,
      });
    } else if (got.dtype !== want.dtype) {
      problems.push({
        kind: 'dtype',
        message: `tensor '${name}' has dtype ${got.dtype}, the template expects ${want.dtype}`,
      });
    }
  }
  return problems;
}

/**
 * One line listing the first `limit` problems.
 *
 * @example
 * summarize(problems)  // "2 problems: missing tensor 'b' (float32 [3]); unexpected tensor 'c' (int32 [])"
 */
export function summarize(problems: readonly TemplateProblem[], limit = 8): string {
  const shown = problems.slice(0, limit).map((p) => p.message);
  if (problems.length > limit) shown.push(`… and ${problems.length - limit} more`);
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown.join('; ')}`;
}

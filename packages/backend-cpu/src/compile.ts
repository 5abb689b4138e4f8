/**
 * `compile` for the CPU backend: turns a fused `KernelGraph` from jit into a specialised
 * JavaScript function (`new Function`) that makes one pass over memory.
 *
 * The generated code is straight-line: every node is one `const`, every input one typed-array
 * load, every output one store, inside a nest of plain `for` loops whose strides are inlined
 * constants (pointers advance by them; no index arithmetic per element). Dims that are
 * contiguous for every operand merge, size-1 dims vanish, so a contiguous elementwise chain is
 * a single loop. A graph with a reduction whose reduced dims are innermost in memory (a row sum,
 * softmax's max) loops over the kept dims, folds each output's run in a register, then runs the
 * epilogue once per output element; otherwise (a column sum, a bias gradient) it walks the
 * domain in memory order folding into a scratch accumulator per output element, then runs the
 * epilogue over the outputs.
 *
 * Results are bit-identical to the TypedArray reference kernels: each node uses the reference's
 * own scalar expression or function (`logistic`, `floatPow`, `intDiv`, … from `elementwise.ts`,
 * combine rules and identities from `reduce.ts`) and converts its value as a store into its
 * dtype's typed array would (`Math.fround` for float32, `| 0` / `>>> 0` for int32 / uint32);
 * float32 sums and products accumulate in float64 in the reference's order. Typed arrays come
 * from the backend memory's `view`/`output` on every call, so a memory that moves or grows is
 * no concern here.
 */
import type {
  CompiledKernel,
  DType,
  KernelGraph,
  KernelNode,
  OutputSpec,
  StridedView,
} from '@tensile/core';
import {
  BINARY_KERNELS,
  type BinaryKernel,
  castValue,
  dtypeKind,
  floatPow,
  intDiv,
  intPow,
  intRem,
  logistic,
  roundHalfEven,
  type UnaryKernel,
  unaryKernel,
} from './elementwise.js';
import { fill } from './fill.js';
import { type CombineKind, combineKind, identity } from './reduce.js';
import { erf, erfinv } from './special-functions.js';
import { type ArrayOut, type ArrayView, contiguousStrides, sizeOf } from './strided.js';

/**
 * What the compiled kernels need from the backend's memory: typed-array access to the views
 * and outputs they are called with.
 *
 * @example
 * const kernel = compileKernel(graph, memory); // memory: the backend's CpuMemory
 */
export interface KernelMemory {
  view(method: string, view: StridedView): ArrayView;
  output(method: string, out: OutputSpec): ArrayOut;
}

/**
 * Compile `graph` into a kernel over `memory`, or `undefined` when the graph uses a dtype or an
 * op/dtype pair the reference kernels reject (the core then runs the ops unfused, which reports
 * the error).
 *
 * @example
 * const kernel = compileKernel(graph, memory);
 * kernel?.([xView], [outSpec]);
 */
export function compileKernel(
  graph: KernelGraph,
  memory: KernelMemory,
): CompiledKernel | undefined {
  const source = generateKernelSource(graph);
  if (source === undefined) return undefined;
  const scope = { ...SCALAR_FUNCTIONS, view: memory.view, output: memory.output, memory };
  return new Function('scope', source)(scope) as CompiledKernel;
}

/** The functions the generated code calls: the reference kernels' own scalar definitions. */
const SCALAR_FUNCTIONS = {
  castValue,
  erf,
  erfinv,
  floatPow,
  intDiv,
  intPow,
  intRem,
  logistic,
  roundHalfEven,
};

const SUPPORTED: ReadonlySet<DType> = new Set(['float32', 'int32', 'uint32', 'bool']);

const UNARY_EXPRESSIONS: Record<UnaryKernel, (x: string) => string> = {
  neg: (x) => `-${x}`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `Math.sign(${x})`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
  round: (x) => `roundHalfEven(${x})`,
  exp: (x) => `Math.exp(${x})`,
  exp2: (x) => `2 ** ${x}`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  expm1: (x) => `Math.expm1(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  rsqrt: (x) => `1 / Math.sqrt(${x})`,
  cbrt: (x) => `Math.cbrt(${x})`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tan: (x) => `Math.tan(${x})`,
  asin: (x) => `Math.asin(${x})`,
  acos: (x) => `Math.acos(${x})`,
  atan: (x) => `Math.atan(${x})`,
  sinh: (x) => `Math.sinh(${x})`,
  cosh: (x) => `Math.cosh(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  asinh: (x) => `Math.asinh(${x})`,
  acosh: (x) => `Math.acosh(${x})`,
  atanh: (x) => `Math.atanh(${x})`,
  logistic: (x) => `logistic(${x})`,
  erf: (x) => `erf(${x})`,
  erfinv: (x) => `erfinv(${x})`,
  isFinite: (x) => `Number.isFinite(${x}) ? 1 : 0`,
  reciprocal: (x) => `1 / ${x}`,
  not: (x) => `~${x}`,
  logicalNot: (x) => `${x} === 0 ? 1 : 0`,
};

/** Every binary loop but the generic `pow`, which `BINARY_KERNELS` always specialises. */
type BinaryLoop = Exclude<BinaryKernel, 'pow'>;

const BINARY_EXPRESSIONS: Record<BinaryLoop, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  rem: (a, b) => `${a} % ${b}`,
  floatPow: (a, b) => `floatPow(${a}, ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
  atan2: (a, b) => `Math.atan2(${a}, ${b})`,
  eq: (a, b) => `${a} === ${b} ? 1 : 0`,
  ne: (a, b) => `${a} !== ${b} ? 1 : 0`,
  lt: (a, b) => `${a} < ${b} ? 1 : 0`,
  le: (a, b) => `${a} <= ${b} ? 1 : 0`,
  gt: (a, b) => `${a} > ${b} ? 1 : 0`,
  ge: (a, b) => `${a} >= ${b} ? 1 : 0`,
  and: (a, b) => `${a} & ${b}`,
  or: (a, b) => `${a} | ${b}`,
  xor: (a, b) => `${a} ^ ${b}`,
  intMul: (a, b) => `Math.imul(${a}, ${b})`,
  intDiv: (a, b) => `intDiv(${a}, ${b})`,
  intRem: (a, b) => `intRem(${a}, ${b})`,
  intPow: (a, b) => `intPow(${a}, ${b})`,
  shiftLeft: (a, b) => `${b} >>> 0 < 32 ? ${a} << ${b} : 0`,
  shiftRightLogical: (a, b) => `${b} >>> 0 < 32 ? ${a} >>> ${b} : 0`,
  shiftRightArithmetic: (a, b) => `(${a} | 0) >> (${b} >>> 0 < 32 ? ${b} : 31)`,
};

/** `acc = combine(acc, v)` for each reduction loop of `reduce.ts` (`acc` a variable or slot). */
const COMBINE_STATEMENTS: Record<CombineKind, (acc: string, v: string) => string> = {
  floatSum: (acc, v) => `${acc} += ${v};`,
  intSum: (acc, v) => `${acc} = (${acc} + ${v}) | 0;`,
  floatProd: (acc, v) => `${acc} *= ${v};`,
  intProd: (acc, v) => `${acc} = Math.imul(${acc}, ${v});`,
  max: (acc, v) => `${acc} = Math.max(${acc}, ${v});`,
  min: (acc, v) => `${acc} = Math.min(${acc}, ${v});`,
  and: (acc, v) => `${acc} &= ${v};`,
  or: (acc, v) => `${acc} |= ${v};`,
};

/** Float32 results that are float32 already when their operands are (no rounding needed). */
const EXACT_FLOAT_KERNELS = new Set<string>([
  'neg',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'max',
  'min',
]);

/** `expression` converted as a store into a typed array of `dtype` converts it. */
function stored(expression: string, dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return `Math.fround(${expression})`;
    case 'int32':
      return `(${expression}) | 0`;
    case 'uint32':
      return `(${expression}) >>> 0`;
    default:
      return expression;
  }
}

/** A JS literal for any number (NaN, ±Infinity and -0 included). */
function literal(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** The value `Backend.fill` would store for `value` in `dtype`. */
function constantValue(value: number, dtype: DType): number {
  const data =
    dtype === 'float32'
      ? new Float32Array(1)
      : dtype === 'int32'
        ? new Int32Array(1)
        : dtype === 'uint32'
          ? new Uint32Array(1)
          : new Uint8Array(1);
  fill({ data, dtype, shape: [] }, value);
  return data[0] as number;
}

type Domain = 'const' | 'full' | 'reduced';

/** A loop of the nest: its trip count and, per pointer, the step it advances by. */
interface Loop {
  readonly size: number;
  readonly steps: readonly number[];
}

/**
 * The body of the kernel factory for `graph` (run with `new Function('scope', source)`), or
 * `undefined` when the graph cannot be compiled here.
 *
 * @example
 * console.log(generateKernelSource(graph)); // read the generated loop nest
 */
export function generateKernelSource(graph: KernelGraph): string | undefined {
  try {
    return new KernelSource(graph).source;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Thrown while generating when the graph is outside what this backend compiles. */
class Unsupported extends Error {}

function ensure(condition: boolean, why: string): asserts condition {
  if (!condition) throw new Unsupported(why);
}

/** Run a reference kernel's op/dtype check, turning its rejection into `Unsupported`. */
function accepted(check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new Unsupported(error instanceof Error ? error.message : String(error));
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Generates the kernel source for one graph. */
class KernelSource {
  readonly source: string;
  readonly #graph: KernelGraph;
  readonly #domains: Domain[] = [];
  readonly #dtypes: DType[] = [];
  readonly #reduce: (KernelNode & { kind: 'reduce' }) | undefined;
  readonly #reducedShape: readonly number[];

  constructor(graph: KernelGraph) {
    this.#graph = graph;
    const reduces = graph.nodes.filter((n) => n.kind === 'reduce');
    ensure(reduces.length <= 1, 'more than one reduction');
    this.#reduce = reduces[0];
    const rank = graph.shape.length;
    const axes = this.#reduce?.axes ?? [];
    ensure(
      axes.every(
        (a, i) =>
          Number.isInteger(a) && a >= 0 && a < rank && (i === 0 || a > (axes[i - 1] as number)),
      ),
      'reduction axes must be ascending axes of the domain',
    );
    ensure(this.#reduce === undefined || axes.length > 0, 'empty reduction');
    this.#reducedShape = graph.shape.filter((_, d) => !axes.includes(d));
    for (const input of graph.inputs) {
      ensure(SUPPORTED.has(input.dtype), `dtype ${input.dtype}`);
      ensure(input.strides.length === input.shape.length, 'strides do not match the shape');
    }
    for (const out of graph.outputs) ensure(SUPPORTED.has(out.dtype), `dtype ${out.dtype}`);
    graph.nodes.forEach((node, k) => {
      this.#classify(node, k);
    });
    this.source = this.#emit();
  }

  /** Work out node `k`'s domain and dtype, rejecting what the reference kernels reject. */
  #classify(node: KernelNode, k: number): void {
    const argDomains = (args: readonly number[]): Domain => {
      ensure(
        args.every((a) => a >= 0 && a < k),
        'nodes must refer to earlier nodes',
      );
      const ds = new Set(args.map((a) => this.#domains[a] as Domain));
      ensure(!(ds.has('full') && ds.has('reduced')), 'a node mixes the full and reduced domains');
      return ds.has('reduced') ? 'reduced' : ds.has('full') ? 'full' : 'const';
    };
    let domain: Domain;
    let dtype: DType;
    switch (node.kind) {
      case 'input': {
        const input = this.#graph.inputs[node.index];
        ensure(input !== undefined, 'input index out of range');
        dtype = input.dtype;
        if (sameShape(input.shape, this.#graph.shape)) domain = 'full';
        else {
          ensure(
            this.#reduce !== undefined && sameShape(input.shape, this.#reducedShape),
            'input shape',
          );
          domain = 'reduced';
        }
        break;
      }
      case 'const':
        dtype = node.dtype;
        domain = 'const';
        break;
      case 'unary':
        accepted(() => unaryKernel(node.op, this.#dtypes[node.arg] as DType));
        domain = argDomains([node.arg]);
        dtype = node.dtype;
        break;
      case 'binary':
        ensure(
          this.#dtypes[node.args[0]] === this.#dtypes[node.args[1]],
          'binary operand dtypes differ',
        );
        ensure(
          BINARY_KERNELS[node.op][dtypeKind(this.#dtypes[node.args[0]] as DType)] !== undefined,
          `${node.op} on ${this.#dtypes[node.args[0]]}`,
        );
        domain = argDomains(node.args);
        dtype = node.dtype;
        break;
      case 'select':
        ensure(this.#dtypes[node.args[0]] === 'bool', 'select condition must be bool');
        domain = argDomains(node.args);
        dtype = node.dtype;
        break;
      case 'cast':
        domain = argDomains([node.arg]);
        dtype = node.dtype;
        break;
      case 'reduce':
        ensure(argDomains([node.arg]) !== 'reduced', 'the reduction reads the reduced domain');
        accepted(() => combineKind(node.op, this.#dtypes[node.arg] as DType, 'compile'));
        domain = 'reduced';
        dtype = node.dtype;
        break;
    }
    ensure(SUPPORTED.has(dtype), `dtype ${dtype}`);
    this.#domains[k] = domain;
    this.#dtypes[k] = dtype;
  }

  /** The `const v<k> = …;` statement of node `k` (not the reduction's). */
  #statement(node: KernelNode, k: number): string {
    const v = (a: number) => `v${a}`;
    const dtypeOf = (a: number) => this.#dtypes[a] as DType;
    let value: string;
    switch (node.kind) {
      case 'input':
        value = `x${node.index}[p${node.index}]`;
        break;
      case 'const':
        value = literal(constantValue(node.value, node.dtype));
        break;
      case 'unary': {
        const kernel = unaryKernel(node.op, dtypeOf(node.arg));
        const expression = UNARY_EXPRESSIONS[kernel](v(node.arg));
        value =
          node.dtype === 'float32' && EXACT_FLOAT_KERNELS.has(kernel)
            ? expression
            : stored(expression, node.dtype);
        break;
      }
      case 'binary': {
        const kernel = BINARY_KERNELS[node.op][dtypeKind(dtypeOf(node.args[0]))] as BinaryLoop;
        const expression = BINARY_EXPRESSIONS[kernel](v(node.args[0]), v(node.args[1]));
        value =
          node.dtype === 'float32' && EXACT_FLOAT_KERNELS.has(kernel)
            ? expression
            : stored(expression, node.dtype);
        break;
      }
      case 'select':
        value = `${v(node.args[0])} ? ${v(node.args[1])} : ${v(node.args[2])}`;
        break;
      case 'cast': {
        const from = dtypeOf(node.arg);
        const x = v(node.arg);
        if (node.dtype === 'bool') value = `${x} !== 0 ? 1 : 0`;
        else if (from === 'float32' && node.dtype !== 'float32')
          value = stored(`castValue(${x}, '${node.dtype}')`, node.dtype);
        else value = stored(x, node.dtype);
        break;
      }
      case 'reduce':
        value = stored('acc', node.dtype);
        break;
    }
    return `const v${k} = ${value};`;
  }

  #emit(): string {
    const graph = this.#graph;
    const rank = graph.shape.length;
    const axes = this.#reduce?.axes ?? [];
    const isReduced = (d: number) => axes.includes(d);
    // Every pointer's stride along each dim of the domain (0 where it does not move).
    const expand = (strides: readonly number[], reduced: boolean): number[] => {
      if (!reduced) return [...strides];
      let next = 0;
      return graph.shape.map((_, d) => (isReduced(d) ? 0 : (strides[next++] as number)));
    };
    const outputDomain = graph.outputs.map((o) => {
      ensure(o.node >= 0 && o.node < graph.nodes.length, 'output node out of range');
      if (sameShape(o.shape, graph.shape) && this.#domains[o.node] !== 'reduced') return 'full';
      ensure(
        this.#reduce !== undefined &&
          sameShape(o.shape, this.#reducedShape) &&
          this.#domains[o.node] !== 'full',
        'output shape does not match its node',
      );
      return 'reduced';
    });
    const pointerStrides = [
      ...graph.inputs.map((input) => expand(input.strides, !sameShape(input.shape, graph.shape))),
      ...graph.outputs.map((o, j) =>
        expand(contiguousStrides(o.shape), outputDomain[j] === 'reduced'),
      ),
    ];
    const pointers = [
      ...graph.inputs.map((_, i) => `p${i}`),
      ...graph.outputs.map((_, j) => `q${j}`),
    ];

    // Reduced positions are visited in the order `reduce` visits them: by decreasing |stride| of
    // the operand when it is an input, row-major for a computed operand.
    const kept = graph.shape.map((_, d) => d).filter((d) => !isReduced(d));
    const arg = this.#reduce ? graph.nodes[this.#reduce.arg] : undefined;
    const operandStrides =
      (arg?.kind === 'input' ? graph.inputs[arg.index]?.strides : undefined) ??
      contiguousStrides(graph.shape);
    const memoryOrder = graph.shape
      .map((_, d) => d)
      .sort(
        (a, b) => Math.abs(operandStrides[b] as number) - Math.abs(operandStrides[a] as number),
      );
    const loopsOf = (dims: readonly number[], strides: readonly (readonly number[])[]) =>
      mergeLoops(
        dims
          .filter((d) => graph.shape[d] !== 1)
          .map((d) => ({
            size: graph.shape[d] as number,
            steps: strides.map((s) => s[d] as number),
          })),
      );

    const prelude: string[] = [];
    const full: string[] = [];
    const epilogue: string[] = [];
    const sections = { const: prelude, full, reduced: epilogue };
    graph.nodes.forEach((node, k) => {
      if (node.kind === 'reduce') return;
      sections[this.#domains[k] as Domain].push(this.#statement(node, k));
    });
    graph.outputs.forEach((o, j) => {
      (outputDomain[j] === 'full' ? full : epilogue).push(`y${j}[q${j}] = v${o.node};`);
    });

    let body: string;
    let scratch = 0;
    if (this.#reduce) {
      const reduceNode = this.#reduce;
      const r = graph.nodes.indexOf(reduceNode);
      const operandDtype = this.#dtypes[reduceNode.arg] as DType;
      const combine = COMBINE_STATEMENTS[combineKind(reduceNode.op, operandDtype, 'compile')];
      const start = literal(identity(reduceNode.op, operandDtype));
      const position = (d: number) => memoryOrder.indexOf(d);
      const rowReduction = kept.every((k) => axes.every((a) => position(k) < position(a)));
      if (rowReduction) {
        // The reduced dims are innermost in memory: fold each output's run in a register.
        const inner = [...full, combine('acc', `v${reduceNode.arg}`)].join('\n');
        body = nest(
          loopsOf(kept, pointerStrides),
          pointers,
          [
            `let acc = ${start};`,
            nest(loopsOf(memoryOrder.filter(isReduced), pointerStrides), pointers, inner, rank),
            this.#statement(reduceNode, r),
            ...epilogue,
          ].join('\n'),
          0,
        );
      } else {
        // A kept dim is inner in memory: walk the domain in memory order folding into a scratch
        // accumulator per output position, then run the epilogue over the outputs.
        scratch = sizeOf(this.#reducedShape);
        const withScratch = [
          ...pointerStrides,
          expand(contiguousStrides(this.#reducedShape), true),
        ];
        const withPointer = [...pointers, 'r'];
        const fold = nest(
          loopsOf(memoryOrder, withScratch),
          withPointer,
          [...full, combine('s[r]', `v${reduceNode.arg}`)].join('\n'),
          0,
        );
        // The epilogue loop moves only the reduced-domain pointers (and the accumulator's).
        const fullDomain = [
          ...graph.inputs.map((input) => sameShape(input.shape, graph.shape)),
          ...outputDomain.map((d) => d === 'full'),
          false,
        ];
        const reducedOnly = withScratch.map((strides, k) =>
          fullDomain[k] ? strides.map(() => 0) : strides,
        );
        const finish = nest(
          loopsOf(kept, reducedOnly),
          withPointer,
          [`const acc = s[r];`, this.#statement(reduceNode, r), ...epilogue].join('\n'),
          0,
        );
        body = [`let r = 0;`, `s.fill(${start});`, fold, finish].join('\n');
      }
    } else {
      body = nest(loopsOf(kept, pointerStrides), pointers, full.join('\n'), 0);
    }

    const ins = graph.inputs.map((_, i) => i);
    const outs = graph.outputs.map((_, j) => j);
    const checks = graph.inputs.map((input, i) =>
      input.strides
        .map((s, d) => `inputs[${i}].strides[${d}] !== ${s}`)
        .concat(`inputs[${i}].shape.length !== ${input.shape.length}`)
        .join(' || '),
    );
    return `
const { ${Object.keys(SCALAR_FUNCTIONS).join(', ')}, view, output, memory } = scope;
const s = new Float64Array(${scratch});
function run(${[...ins.map((i) => `x${i}`), ...outs.map((j) => `y${j}`), ...ins.map((i) => `p${i}`)].join(', ')}) {
${outs.map((j) => `let q${j} = 0;`).join('\n')}
${prelude.join('\n')}
${body}
}
return function fusedKernel(inputs, outputs) {
  if (inputs.length !== ${ins.length} || outputs.length !== ${outs.length})
    throw new Error('fused kernel: expected ${ins.length} inputs and ${outs.length} outputs');
${checks.map((c, i) => `  if (${c}) throw new Error('fused kernel: input ${i} does not have the strides it was compiled for');`).join('\n')}
${ins.map((i) => `  const a${i} = view.call(memory, 'fused', inputs[${i}]);`).join('\n')}
${outs.map((j) => `  const b${j} = output.call(memory, 'fused', outputs[${j}]);`).join('\n')}
  run(${[...ins.map((i) => `a${i}.data`), ...outs.map((j) => `b${j}.data`), ...ins.map((i) => `a${i}.offset`)].join(', ')});
};
`;
  }
}

/**
 * Merge neighbouring loops that every pointer walks contiguously (the outer step is the inner
 * step times the inner trip count), keeping the visiting order.
 */
function mergeLoops(loops: readonly Loop[]): Loop[] {
  const merged: Loop[] = [];
  for (const loop of loops) {
    const outer = merged[merged.length - 1];
    if (outer?.steps.every((s, k) => s === (loop.steps[k] as number) * loop.size)) {
      merged[merged.length - 1] = {
        size: outer.size * loop.size,
        steps: loop.steps,
      };
    } else {
      merged.push(loop);
    }
  }
  return merged;
}

/** `body` inside `loops` (outermost first); each loop advances its pointers, then rewinds them. */
function nest(
  loops: readonly Loop[],
  pointers: readonly string[],
  body: string,
  depth: number,
): string {
  const [loop, ...inner] = loops;
  if (!loop) return body;
  const i = `i${depth}`;
  const moving = pointers.flatMap((p, k) => {
    const step = loop.steps[k] as number;
    return step === 0 ? [] : [{ p, step }];
  });
  return [
    `for (let ${i} = 0; ${i} < ${loop.size}; ${i}++) {`,
    nest(inner, pointers, body, depth + 1),
    ...moving.map(({ p, step }) => `${p} += ${step};`),
    '}',
    ...moving.map(({ p, step }) => `${p} -= ${step * loop.size};`),
  ].join('\n');
}

/**
 * `compile` (fused kernels for jit) against the reference kernels: every graph is also run node
 * by node through the backend's own `unary`/`binary`/`select`/`cast`/`fill`/`reduce` on the
 * reference path, and the fused result must be bit-identical (same float32 rounding, integer
 * wrapping, NaN and signed-zero results, reduction order). Covers every elementwise op on every
 * dtype it accepts, over special values and broadcast strides; casts; constants; reductions
 * over various axes and operand layouts with prologues and epilogues; and what `compile` declines.
 */
import type {
  BinaryOp,
  DType,
  KernelGraph,
  KernelNode,
  KernelOutput,
  OutputSpec,
  StridedView,
  UnaryOp,
} from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { generateKernelSource } from '../src/compile.js';
import { contiguous, setup } from './helpers.js';

const SPECIAL: Record<DType, number[]> = {
  float32: [
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2.5,
    -2.5,
    3.7,
    -0.3,
    1e-30,
    1e30,
    100,
    -100,
    0.999,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ],
  int32: [0, 1, -1, 2, -7, 7, 31, 32, 33, 123456789, 2147483647, -2147483648],
  uint32: [0, 1, 2, 7, 31, 32, 33, 2147483648, 4294967295, 123456789],
  bool: [0, 1],
  float16: [],
};

const UNARY: Record<string, readonly UnaryOp[]> = {
  float32: [
    'neg',
    'abs',
    'sign',
    'floor',
    'ceil',
    'round',
    'exp',
    'exp2',
    'log',
    'log1p',
    'expm1',
    'sqrt',
    'rsqrt',
    'cbrt',
    'sin',
    'cos',
    'tan',
    'asin',
    'acos',
    'atan',
    'sinh',
    'cosh',
    'tanh',
    'asinh',
    'acosh',
    'atanh',
    'logistic',
    'erf',
    'erfinv',
    'isFinite',
    'reciprocal',
  ],
  int32: ['neg', 'abs', 'sign', 'not'],
  uint32: ['neg', 'abs', 'sign', 'not'],
  bool: ['not', 'abs', 'sign'],
};

const COMPARISONS: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const BINARY: Record<string, readonly BinaryOp[]> = {
  float32: ['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2', ...COMPARISONS],
  int32: [
    'add',
    'sub',
    'mul',
    'div',
    'rem',
    'pow',
    'max',
    'min',
    'and',
    'or',
    'xor',
    'shiftLeft',
    'shiftRightLogical',
    'shiftRightArithmetic',
    ...COMPARISONS,
  ],
  uint32: [
    'add',
    'sub',
    'mul',
    'div',
    'rem',
    'pow',
    'max',
    'min',
    'and',
    'or',
    'xor',
    'shiftLeft',
    'shiftRightLogical',
    'shiftRightArithmetic',
    ...COMPARISONS,
  ],
  bool: ['max', 'min', 'and', 'or', 'xor', ...COMPARISONS],
};

const DTYPES = ['float32', 'int32', 'uint32', 'bool'] as const;

/** An input of a test graph: host values and the view shape/strides/offset to read them with. */
interface TestInput {
  dtype: DType;
  values: number[];
  shape: number[];
  strides?: number[];
  offset?: number;
}

/**
 * Run `graph` compiled and node by node through the reference kernels; return both results per
 * output. `fused` is `undefined` when `compile` declined.
 */
function runBoth(
  graph: KernelGraph,
  inputs: readonly TestInput[],
  kernels: 'reference' | 'wasm' = 'reference',
) {
  const { backend, view, output, read } = setup({ kernels });
  const views = inputs.map((x) =>
    view(x.dtype, x.values, x.shape, x.strides ?? contiguous(x.shape), x.offset ?? 0),
  );
  const kernel = backend.compile?.(graph);
  const fused = kernel
    ? (() => {
        const outs = graph.outputs.map((o) => output(o.dtype, o.shape));
        kernel(views, outs);
        return outs.map(read);
      })()
    : undefined;
  const reference = referenceOutputs(graph, views, backend, output, read);
  return { fused, reference };
}

/** The graph evaluated one node at a time, each into its own buffer, as unfused jit would. */
function referenceOutputs(
  graph: KernelGraph,
  views: readonly StridedView[],
  backend: ReturnType<typeof setup>['backend'],
  output: (dtype: DType, shape: readonly number[]) => OutputSpec,
  read: (out: OutputSpec) => number[],
): number[][] {
  const reduce = graph.nodes.find((n) => n.kind === 'reduce');
  const reducedShape = graph.shape.filter((_, d) => !(reduce?.axes ?? []).includes(d));
  const values: (StridedView | { constant: number; dtype: DType })[] = [];
  const shapeOf: (readonly number[] | undefined)[] = [];
  const at = (k: number, shape: readonly number[]): StridedView => {
    const v = values[k] as StridedView | { constant: number; dtype: DType };
    if (!('constant' in v)) return v;
    const scalar = output(v.dtype, []);
    backend.fill(scalar, v.constant);
    return { buffer: scalar.buffer, dtype: v.dtype, shape, strides: shape.map(() => 0), offset: 0 };
  };
  const domain = (args: readonly number[]) =>
    args.map((a) => shapeOf[a]).find((s) => s !== undefined) ?? graph.shape;
  graph.nodes.forEach((node: KernelNode, k) => {
    if (node.kind === 'input') {
      values[k] = views[node.index] as StridedView;
      shapeOf[k] = graph.inputs[node.index]?.shape;
      return;
    }
    if (node.kind === 'const') {
      values[k] = { constant: node.value, dtype: node.dtype };
      return;
    }
    const args =
      node.kind === 'unary' || node.kind === 'cast' || node.kind === 'reduce'
        ? [node.arg]
        : [...node.args];
    const shape = node.kind === 'reduce' ? reducedShape : domain(args);
    const out = output(node.dtype, shape);
    const operand = (a: number) => at(a, node.kind === 'reduce' ? graph.shape : shape);
    switch (node.kind) {
      case 'unary':
        backend.unary(node.op, operand(node.arg), out);
        break;
      case 'binary':
        backend.binary(node.op, operand(node.args[0]), operand(node.args[1]), out);
        break;
      case 'select':
        backend.select(operand(node.args[0]), operand(node.args[1]), operand(node.args[2]), out);
        break;
      case 'cast':
        backend.cast(operand(node.arg), out);
        break;
      case 'reduce':
        backend.reduce(node.op, operand(node.arg), node.axes, out);
        break;
    }
    values[k] = {
      buffer: out.buffer,
      dtype: out.dtype,
      shape,
      strides: contiguous(shape),
      offset: 0,
    };
    shapeOf[k] = shape;
  });
  return graph.outputs.map((o) => {
    const out = output(o.dtype, o.shape);
    backend.copy(at(o.node, o.shape), out);
    return read(out);
  });
}

/** Bit-identical (NaN equals NaN; -0 differs from 0). */
function expectIdentical(
  graph: KernelGraph,
  inputs: readonly TestInput[],
  kernels: 'reference' | 'wasm' = 'reference',
): void {
  const { fused, reference } = runBoth(graph, inputs, kernels);
  expect(fused, 'compile declined the graph').toBeDefined();
  (fused as number[][]).forEach((values, j) => {
    const want = reference[j] as number[];
    values.forEach((v, i) => {
      if (!Object.is(v, want[i]))
        throw new Error(
          `output ${j}[${i}]: fused ${v}, reference ${want[i]} (${JSON.stringify(graph.nodes)})`,
        );
    });
  });
}

/** A graph over the elementwise domain `shape` whose only output is the last node. */
function chain(
  shape: number[],
  inputs: KernelGraph['inputs'],
  nodes: KernelNode[],
  dtype: DType,
): KernelGraph {
  return { shape, inputs, nodes, outputs: [{ node: nodes.length - 1, dtype, shape }] };
}

describe('fused elementwise kernels equal the reference kernels bit for bit', () => {
  for (const dtype of DTYPES) {
    it(`every unary op on ${dtype}`, () => {
      const values = SPECIAL[dtype];
      const n = values.length;
      for (const op of UNARY[dtype] as UnaryOp[]) {
        const out: DType = op === 'isFinite' ? 'bool' : dtype;
        expectIdentical(
          chain(
            [n],
            [{ dtype, shape: [n], strides: [1] }],
            [
              { kind: 'input', index: 0 },
              { kind: 'unary', op, arg: 0, dtype: out },
            ],
            out,
          ),
          [{ dtype, values, shape: [n] }],
        );
      }
    });

    it(`every binary op on ${dtype}, all pairs of special values via broadcast strides`, () => {
      const values = SPECIAL[dtype];
      const n = values.length;
      for (const op of BINARY[dtype] as BinaryOp[]) {
        const out: DType = COMPARISONS.includes(op) ? 'bool' : dtype;
        expectIdentical(
          chain(
            [n, n],
            [
              { dtype, shape: [n, n], strides: [1, 0] },
              { dtype, shape: [n, n], strides: [0, 1] },
            ],
            [
              { kind: 'input', index: 0 },
              { kind: 'input', index: 1 },
              { kind: 'binary', op, args: [0, 1], dtype: out },
            ],
            out,
          ),
          [
            { dtype, values, shape: [n, n], strides: [1, 0] },
            { dtype, values, shape: [n, n], strides: [0, 1] },
          ],
        );
      }
    });

    it(`casts from ${dtype} to every dtype`, () => {
      const values = SPECIAL[dtype];
      const n = values.length;
      for (const to of DTYPES) {
        expectIdentical(
          chain(
            [n],
            [{ dtype, shape: [n], strides: [1] }],
            [
              { kind: 'input', index: 0 },
              { kind: 'cast', arg: 0, dtype: to },
            ],
            to,
          ),
          [{ dtype, values, shape: [n] }],
        );
      }
    });
  }

  it('rounds every intermediate to float32 (a long chain through constants)', () => {
    const values = [0.1, 1 / 3, 1e7 + 0.5, -2.2, 16777217, 3.4e38];
    const nodes: KernelNode[] = [
      { kind: 'input', index: 0 },
      { kind: 'const', value: 0.1, dtype: 'float32' },
      { kind: 'binary', op: 'mul', args: [0, 1], dtype: 'float32' },
      { kind: 'const', value: 1 / 3, dtype: 'float32' },
      { kind: 'binary', op: 'add', args: [2, 3], dtype: 'float32' },
      { kind: 'unary', op: 'exp', arg: 4, dtype: 'float32' },
      { kind: 'binary', op: 'mul', args: [5, 5], dtype: 'float32' },
      { kind: 'unary', op: 'tanh', arg: 6, dtype: 'float32' },
      { kind: 'unary', op: 'logistic', arg: 0, dtype: 'float32' },
      { kind: 'binary', op: 'mul', args: [7, 8], dtype: 'float32' },
    ];
    expectIdentical(
      chain([6], [{ dtype: 'float32', shape: [6], strides: [1] }], nodes, 'float32'),
      [{ dtype: 'float32', values, shape: [6] }],
    );
  });

  it('converts constants as fill does (truncation, saturation, NaN → 0, float32 rounding)', () => {
    for (const [value, dtype] of [
      [2.9, 'int32'],
      [-2.9, 'int32'],
      [1e10, 'int32'],
      [Number.NaN, 'int32'],
      [-1, 'uint32'],
      [0.1, 'float32'],
      [-0, 'float32'],
      [Number.NaN, 'bool'],
    ] as const) {
      expectIdentical(
        chain(
          [3],
          [{ dtype, shape: [3], strides: [1] }],
          [
            { kind: 'input', index: 0 },
            { kind: 'const', value, dtype },
            dtype === 'bool'
              ? { kind: 'binary', op: 'or', args: [0, 1], dtype }
              : { kind: 'binary', op: 'add', args: [0, 1], dtype },
          ],
          dtype,
        ),
        [{ dtype, values: [0, 1, 0], shape: [3] }],
      );
    }
  });

  it('select and multi-output graphs over flipped, offset and broadcast views', () => {
    const graph: KernelGraph = {
      shape: [2, 3],
      inputs: [
        { dtype: 'float32', shape: [2, 3], strides: [-3, -1] },
        { dtype: 'float32', shape: [2, 3], strides: [1, 2] },
        { dtype: 'float32', shape: [2, 3], strides: [0, 1] },
      ],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'input', index: 1 },
        { kind: 'input', index: 2 },
        { kind: 'binary', op: 'gt', args: [0, 1], dtype: 'bool' },
        { kind: 'select', args: [3, 0, 2], dtype: 'float32' },
        { kind: 'unary', op: 'exp', arg: 4, dtype: 'float32' },
      ],
      outputs: [
        { node: 5, dtype: 'float32', shape: [2, 3] },
        { node: 3, dtype: 'bool', shape: [2, 3] },
        { node: 4, dtype: 'float32', shape: [2, 3] },
      ],
    };
    expectIdentical(graph, [
      {
        dtype: 'float32',
        values: [0, 1, 2, 3, 4, 5, 6],
        shape: [2, 3],
        strides: [-3, -1],
        offset: 6,
      },
      { dtype: 'float32', values: [5, 0, 4, 1, 3, 2], shape: [2, 3], strides: [1, 2] },
      { dtype: 'float32', values: [-1, 2.5, 9], shape: [2, 3], strides: [0, 1] },
    ]);
  });
});

describe('fused reductions equal reduce on the materialised operand', () => {
  /** Values whose float32 sums depend on the order they are added in. */
  const awkward = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      Math.fround((i % 3 === 0 ? 1e8 : 1) * Math.sin(i + 1) * 3.3),
    );

  const reduction = (
    op: 'sum' | 'prod' | 'max' | 'min' | 'and' | 'or',
    dtype: DType,
    shape: number[],
    axes: number[],
    strides: number[],
    prologue: boolean,
  ): KernelGraph => {
    const reduced = shape.filter((_, d) => !axes.includes(d));
    const nodes: KernelNode[] = [{ kind: 'input', index: 0 }];
    if (prologue && dtype === 'float32') {
      nodes.push(
        { kind: 'const', value: 1.5, dtype },
        { kind: 'binary', op: 'mul', args: [0, 1], dtype },
      );
    }
    const arg = nodes.length - 1;
    nodes.push({ kind: 'reduce', op, arg, axes, dtype });
    const r = nodes.length - 1;
    const outputs: KernelOutput[] = [{ node: r, dtype, shape: reduced }];
    if (dtype === 'float32') {
      nodes.push({ kind: 'unary', op: 'sqrt', arg: r, dtype });
      outputs.push({ node: nodes.length - 1, dtype, shape: reduced });
    }
    if (arg > 0) outputs.push({ node: arg, dtype, shape });
    return { shape, inputs: [{ dtype, shape, strides }], nodes, outputs };
  };

  const layouts: [string, number[], number[], number[]][] = [
    ['rows of a matrix', [4, 7], [1], [7, 1]],
    ['columns of a matrix', [4, 7], [0], [7, 1]],
    ['everything', [4, 7], [0, 1], [7, 1]],
    ['the outer and inner axes of a 3-d array', [3, 4, 5], [0, 2], [20, 5, 1]],
    ['a transposed operand (memory order differs from row-major)', [5, 4, 3], [0, 2], [1, 15, 5]],
    ['a broadcast operand', [4, 6], [0], [0, 1]],
    ['an empty axis', [3, 0], [1], [0, 1]],
  ];

  for (const [title, shape, axes, strides] of layouts) {
    it(`sum/prod/max/min of float32 over ${title}, with a prologue, an epilogue and a full-domain output`, () => {
      const count = strides.reduce(
        (end, s, d) => end + Math.abs(s) * Math.max(0, (shape[d] as number) - 1),
        1,
      );
      const values = awkward(Math.max(count, 1));
      for (const op of ['sum', 'prod', 'max', 'min'] as const)
        for (const prologue of [false, true])
          expectIdentical(reduction(op, 'float32', shape, axes, strides, prologue), [
            { dtype: 'float32', values, shape, strides },
          ]);
    });
  }

  it('integer sums wrap, bool and/or, NaN propagates through max', () => {
    expectIdentical(reduction('sum', 'int32', [2, 3], [1], [3, 1], false), [
      { dtype: 'int32', values: [2147483647, 1, 5, -2147483648, -1, 3], shape: [2, 3] },
    ]);
    expectIdentical(reduction('sum', 'uint32', [2, 3], [0], [3, 1], false), [
      { dtype: 'uint32', values: [4294967295, 1, 5, 2, 7, 3], shape: [2, 3] },
    ]);
    expectIdentical(reduction('prod', 'int32', [6], [0], [1], false), [
      { dtype: 'int32', values: [65536, 65536, 3, -1, 7, 9], shape: [6] },
    ]);
    for (const op of ['and', 'or', 'max', 'min'] as const)
      expectIdentical(reduction(op, 'bool', [2, 2], [1], [2, 1], false), [
        { dtype: 'bool', values: [1, 0, 1, 1], shape: [2, 2] },
      ]);
    expectIdentical(reduction('max', 'float32', [2, 3], [1], [3, 1], false), [
      { dtype: 'float32', values: [1, Number.NaN, 3, -0, 0, -1], shape: [2, 3] },
    ]);
  });

  it('an epilogue reading an input of the reduced shape (softmax-style normalisation)', () => {
    const graph: KernelGraph = {
      shape: [3, 4],
      inputs: [
        { dtype: 'float32', shape: [3, 4], strides: [4, 1] },
        { dtype: 'float32', shape: [3], strides: [1] },
      ],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'input', index: 1 },
        { kind: 'unary', op: 'exp', arg: 0, dtype: 'float32' },
        { kind: 'reduce', op: 'sum', arg: 2, axes: [1], dtype: 'float32' },
        { kind: 'unary', op: 'log', arg: 3, dtype: 'float32' },
        { kind: 'binary', op: 'add', args: [4, 1], dtype: 'float32' },
      ],
      outputs: [
        { node: 5, dtype: 'float32', shape: [3] },
        { node: 2, dtype: 'float32', shape: [3, 4] },
      ],
    };
    expectIdentical(graph, [
      { dtype: 'float32', values: awkward(12), shape: [3, 4] },
      { dtype: 'float32', values: [0.5, -1, 7], shape: [3] },
    ]);
  });
});

describe('on the Wasm path', () => {
  const f32 = 'float32' as const;
  /** `tanh(x*2+1) * sigmoid(x)` (+ `exp(x) - y` as a second output) over `shape`. */
  const workload = (shape: number[], xStrides: number[], yStrides: number[]): KernelGraph => ({
    shape,
    inputs: [
      { dtype: f32, shape, strides: xStrides },
      { dtype: f32, shape, strides: yStrides },
    ],
    nodes: [
      { kind: 'input', index: 0 },
      { kind: 'input', index: 1 },
      { kind: 'const', value: 2, dtype: f32 },
      { kind: 'binary', op: 'mul', args: [0, 2], dtype: f32 },
      { kind: 'const', value: 1, dtype: f32 },
      { kind: 'binary', op: 'add', args: [3, 4], dtype: f32 },
      { kind: 'unary', op: 'tanh', arg: 5, dtype: f32 },
      { kind: 'unary', op: 'logistic', arg: 0, dtype: f32 },
      { kind: 'binary', op: 'mul', args: [6, 7], dtype: f32 },
      { kind: 'unary', op: 'exp', arg: 0, dtype: f32 },
      { kind: 'binary', op: 'sub', args: [9, 1], dtype: f32 },
    ],
    outputs: [
      { node: 8, dtype: f32, shape },
      { node: 10, dtype: f32, shape },
    ],
  });
  const values = (n: number) => {
    const special = SPECIAL.float32;
    return Array.from({ length: n }, (_, i) => special[i % special.length] as number);
  };

  it('a float32 chain of vector ops is one Wasm kernel, bit-identical to the unfused Wasm kernels', () => {
    for (const n of [3, 4, 7, 1001]) {
      const x = values(n + 5);
      expectIdentical(
        workload([n], [1], [1]),
        [
          { dtype: f32, values: x, shape: [n], offset: 5 },
          { dtype: f32, values: x.map((v) => v / 3), shape: [n] },
        ],
        'wasm',
      );
    }
  });

  it('rows with broadcast operands (a bias row, a per-row scalar) stay one kernel', () => {
    expectIdentical(
      workload([5, 6], [6, 1], [0, 1]),
      [
        { dtype: f32, values: values(30), shape: [5, 6] },
        { dtype: f32, values: [0.5, -1, 2, 3, -4, 9], shape: [5, 6], strides: [0, 1] },
      ],
      'wasm',
    );
    expectIdentical(
      workload([5, 6], [6, 1], [1, 0]),
      [
        { dtype: f32, values: values(30), shape: [5, 6] },
        { dtype: f32, values: [0.5, -1, 2, 3, -4], shape: [5, 6], strides: [1, 0] },
      ],
      'wasm',
    );
  });

  it('compiles to JavaScript what both paths compute alike, and declines the rest', () => {
    const { backend } = setup({ kernels: 'wasm' });
    const ints = chain(
      [4],
      [{ dtype: 'int32', shape: [4], strides: [1] }],
      [
        { kind: 'input', index: 0 },
        { kind: 'binary', op: 'mul', args: [0, 0], dtype: 'int32' },
        { kind: 'cast', arg: 1, dtype: f32 },
        { kind: 'unary', op: 'sqrt', arg: 2, dtype: f32 },
      ],
      f32,
    );
    expect(backend.compile?.(ints)).toBeDefined();
    expectIdentical(ints, [{ dtype: 'int32', values: [3, -70000, 7, 0], shape: [4] }], 'wasm');
    const transposedExp = chain(
      [3, 2],
      [{ dtype: f32, shape: [3, 2], strides: [1, 3] }],
      [
        { kind: 'input', index: 0 },
        { kind: 'unary', op: 'exp', arg: 0, dtype: f32 },
        { kind: 'unary', op: 'exp', arg: 1, dtype: f32 },
      ],
      f32,
    );
    expect(backend.compile?.(transposedExp)).toBeUndefined();
    const expSum: KernelGraph = {
      shape: [2, 3],
      inputs: [{ dtype: f32, shape: [2, 3], strides: [3, 1] }],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'unary', op: 'neg', arg: 0, dtype: f32 },
        { kind: 'reduce', op: 'sum', arg: 1, axes: [1], dtype: f32 },
      ],
      outputs: [{ node: 2, dtype: f32, shape: [2] }],
    };
    expect(backend.compile?.(expSum)).toBeUndefined();
    const maxOfNeg = {
      ...expSum,
      nodes: [
        ...expSum.nodes.slice(0, 2),
        { kind: 'reduce', op: 'max', arg: 1, axes: [1], dtype: f32 } as const,
      ],
    };
    expectIdentical(
      maxOfNeg,
      [{ dtype: f32, values: [1, -2, Number.NaN, 4, -0, 0], shape: [2, 3] }],
      'wasm',
    );
  });
});

describe('what compile declines or rejects', () => {
  const { backend } = setup({ kernels: 'reference' });
  const one = (node: KernelNode, dtype: DType, out: DType = dtype): KernelGraph =>
    chain([2], [{ dtype, shape: [2], strides: [1] }], [{ kind: 'input', index: 0 }, node], out);

  it('declines dtypes the CPU backend lacks and op/dtype pairs the reference kernels reject', () => {
    expect(
      backend.compile?.(one({ kind: 'unary', op: 'exp', arg: 0, dtype: 'float16' }, 'float16')),
    ).toBeUndefined();
    expect(
      backend.compile?.(one({ kind: 'unary', op: 'not', arg: 0, dtype: 'float32' }, 'float32')),
    ).toBeUndefined();
    expect(
      backend.compile?.(one({ kind: 'unary', op: 'exp', arg: 0, dtype: 'int32' }, 'int32')),
    ).toBeUndefined();
    expect(
      backend.compile?.(
        chain(
          [2],
          [{ dtype: 'bool', shape: [2], strides: [1] }],
          [
            { kind: 'input', index: 0 },
            { kind: 'reduce', op: 'sum', arg: 0, axes: [0], dtype: 'bool' },
          ],
          'bool',
        ),
      ),
    ).toBeUndefined();
  });

  it('a compiled kernel refuses views with other strides than it was compiled for', () => {
    const { backend: b, view, output } = setup({ kernels: 'reference' });
    const kernel = b.compile?.(
      one({ kind: 'unary', op: 'neg', arg: 0, dtype: 'float32' }, 'float32'),
    );
    expect(kernel).toBeDefined();
    const x = view('float32', [1, 2], [2], [0]);
    expect(() => kernel?.([x], [output('float32', [2])])).toThrow(/strides it was compiled for/);
  });
});

describe('generated code shape', () => {
  it('a contiguous chain is one flat loop (size-1 dims dropped, contiguous dims merged)', () => {
    const graph = chain(
      [4, 1, 8],
      [{ dtype: 'float32', shape: [4, 1, 8], strides: [8, 8, 1] }],
      [
        { kind: 'input', index: 0 },
        { kind: 'unary', op: 'exp', arg: 0, dtype: 'float32' },
      ],
      'float32',
    );
    const source = generateKernelSource(graph) ?? '';
    expect(source.match(/for \(/g)).toHaveLength(1);
    expect(source).toContain('i0 < 32;');
  });

  it('a column reduction walks memory in order, folding into one accumulator per column', () => {
    const graph: KernelGraph = {
      shape: [3, 5],
      inputs: [{ dtype: 'float32', shape: [3, 5], strides: [5, 1] }],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'reduce', op: 'sum', arg: 0, axes: [0], dtype: 'float32' },
      ],
      outputs: [{ node: 1, dtype: 'float32', shape: [5] }],
    };
    const source = generateKernelSource(graph) ?? '';
    expect(source).toContain('new Float64Array(5)');
    expect(source).toContain('s[r] += v0;');
    expect(source.indexOf('< 3;')).toBeLessThan(source.indexOf('< 5;'));
  });

  it('a row reduction loops over rows outside and the reduced axis inside', () => {
    const graph: KernelGraph = {
      shape: [3, 5],
      inputs: [{ dtype: 'float32', shape: [3, 5], strides: [5, 1] }],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'reduce', op: 'max', arg: 0, axes: [1], dtype: 'float32' },
      ],
      outputs: [{ node: 1, dtype: 'float32', shape: [3] }],
    };
    const source = generateKernelSource(graph) ?? '';
    expect(source.indexOf('< 3;')).toBeGreaterThan(0);
    expect(source.indexOf('< 3;')).toBeLessThan(source.indexOf('< 5;'));
    expect(source).toContain('acc = Math.max(acc, v0);');
  });
});

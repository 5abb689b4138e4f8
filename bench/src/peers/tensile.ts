/**
 * The Tensile side of the peer benchmark, written against the public APIs only: `@tensile/core`
 * (`jit`, `valueAndGrad`, `np`, `nn`, `lax.conv`/`reduceWindow`/`scan`) and `@tensile/optim`'s
 * `adam` + `applyUpdates`, on `@tensile/backend-cpu` with its default options. Every training
 * step is one jitted call with the parameters and optimizer state donated.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  fromHost,
  getBackend,
  jit,
  lax,
  nn,
  np,
  registerBackend,
  type Tensor,
  tree,
  valueAndGrad,
} from '@tensile/core';
import { adam, applyUpdates } from '@tensile/optim';
import {
  CNN_POOLED,
  checksum,
  cnnData,
  type DenseParams,
  elementwiseData,
  lstmData,
  matmulData,
  mlpData,
} from './host-data.js';
import type { Peer, PreparedWorkload } from './peer.js';
import { ADAM, CNN, LSTM, MATMUL, MLP, type WorkloadId } from './spec.js';

const f32 = (data: Float32Array, shape: readonly number[]): Tensor =>
  fromHost(data, shape, 'float32');

interface Dense {
  w: Tensor;
  b: Tensor;
}

const upload = (p: DenseParams): Dense => ({
  w: f32(p.w, [p.inputs, p.outputs]),
  b: f32(p.b, [p.outputs]),
});

const affine = (x: Tensor, { w, b }: Dense): Tensor => x.matmul(w).add(b);

/** Mean softmax cross-entropy against one-hot labels. */
const crossEntropy = (logits: Tensor, labels: Tensor): Tensor =>
  np.mean(np.sum(nn.logSoftmax(logits).mul(labels), { axis: -1 })).neg();

/** Wait for all work the backend has queued (a no-op for a synchronous backend). */
const sync = (): Promise<void> => getBackend().sync();

/**
 * One jitted Adam training step of `loss` over fixed `batch` tensors; parameters and optimizer
 * state are donated and replaced after every call.
 */
function trainer<P>(
  initial: P,
  loss: (params: P, ...batch: Tensor[]) => Tensor,
  batch: Tensor[],
): PreparedWorkload {
  const opt = adam(ADAM.learningRate, { b1: ADAM.b1, b2: ADAM.b2, eps: ADAM.eps });
  let params = initial;
  let state = opt.init(params);
  const step = jit(
    (p: P, s: typeof state, ...b: Tensor[]) => {
      const [value, grads] = valueAndGrad(loss)(p, ...b);
      const [updates, next] = opt.update(grads, s, p);
      return [applyUpdates(p, updates), next, value] as const;
    },
    { donateArgnums: [0, 1] },
  );
  const run = (): Tensor => {
    const [p, s, value] = step(params, state, ...batch);
    params = p;
    state = s;
    return value;
  };
  return {
    compiles: true,
    first: async () => {
      const value = run();
      const check = Number(value.item());
      value.dispose();
      return check;
    },
    step: async () => {
      run().dispose();
      await sync();
    },
    dispose: () => {
      tree.dispose([params, state, batch]);
      step.dispose();
    },
  };
}

/**
 * A forward-only workload: `compute` runs once per step and its output is discarded; `jitted`
 * says whether it goes through `jit` (and so compiles on the first call).
 */
function forward(
  compute: () => Tensor,
  inputs: Tensor[],
  { jitted = false, cleanup = () => {} } = {},
): PreparedWorkload {
  return {
    compiles: jitted,
    first: async () => {
      const out = compute();
      const flat = out.ravel();
      const check = checksum((await flat.toArray()) as number[]);
      tree.dispose([out, flat]);
      return check;
    },
    step: async () => {
      compute().dispose();
      await sync();
    },
    dispose: () => {
      tree.dispose(inputs);
      cleanup();
    },
  };
}

function matmul(): PreparedWorkload {
  const { a, b } = matmulData();
  const shape = [MATMUL.n, MATMUL.n];
  const x = f32(a, shape);
  const y = f32(b, shape);
  return forward(() => np.matmul(x, y), [x, y]);
}

function mlp(): PreparedWorkload {
  const data = mlpData();
  const loss = (layers: Dense[], x: Tensor, labels: Tensor): Tensor => {
    let h = x;
    layers.forEach((layer, i) => {
      h = affine(h, layer);
      if (i < layers.length - 1) h = nn.relu(h);
    });
    return crossEntropy(h, labels);
  };
  const classes = MLP.sizes[MLP.sizes.length - 1] as number;
  return trainer(data.layers.map(upload), loss, [
    f32(data.x, [MLP.batch, MLP.sizes[0]]),
    f32(data.labels, [MLP.batch, classes]),
  ]);
}

function cnn(): PreparedWorkload {
  const data = cnnData();
  const k = CNN.kernel;
  const params = {
    convs: data.convs.map((c) => ({
      w: f32(c.w, [c.outputs, c.inputs, k, k]),
      b: f32(c.b, [1, c.outputs, 1, 1]),
    })),
    fc: data.fc.map(upload),
  };
  const loss = (p: typeof params, x: Tensor, labels: Tensor): Tensor => {
    let h = x;
    for (const { w, b } of p.convs) {
      h = nn.relu(lax.conv(h, w, [1, 1], 'SAME').add(b));
      h = lax.reduceWindow(h, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID');
    }
    const [fc1, fc2] = p.fc as [Dense, Dense];
    h = h.reshape([CNN.batch, (CNN.channels[2] as number) * CNN_POOLED * CNN_POOLED]);
    return crossEntropy(affine(nn.relu(affine(h, fc1)), fc2), labels);
  };
  return trainer(params, loss, [
    f32(data.x, [CNN.batch, CNN.channels[0], CNN.image, CNN.image]),
    f32(data.labels, [CNN.batch, CNN.classes]),
  ]);
}

function lstm(): PreparedWorkload {
  const data = lstmData();
  const gates = 4 * LSTM.hidden;
  const params = {
    embedding: f32(data.embedding, [LSTM.vocab, LSTM.embed]),
    wx: f32(data.wx, [LSTM.embed, gates]),
    wh: f32(data.wh, [LSTM.hidden, gates]),
    b: f32(data.b, [gates]),
    head: upload(data.head),
  };
  const loss = (p: typeof params, tokens: Tensor, labels: Tensor): Tensor => {
    // Time-major embeddings and the input projection of every step in one matmul.
    const emb = np.take(p.embedding, tokens.T, { axis: 0 });
    const xp = emb
      .reshape([LSTM.seq * LSTM.batch, LSTM.embed])
      .matmul(p.wx)
      .add(p.b)
      .reshape([LSTM.seq, LSTM.batch, gates]);
    const zeros = np.zeros([LSTM.batch, LSTM.hidden]);
    const [[h]] = lax.scan(
      ([hPrev, cPrev]: [Tensor, Tensor], x: Tensor) => {
        const [i, f, g, o] = np.split(x.add(hPrev.matmul(p.wh)), 4, { axis: 1 }) as [
          Tensor,
          Tensor,
          Tensor,
          Tensor,
        ];
        const c = nn
          .sigmoid(f)
          .mul(cPrev)
          .add(nn.sigmoid(i).mul(np.tanh(g)));
        const hNext = nn.sigmoid(o).mul(np.tanh(c));
        return [[hNext, c], []] as [[Tensor, Tensor], []];
      },
      [zeros, zeros] as [Tensor, Tensor],
      xp,
    );
    return crossEntropy(affine(h, p.head), labels);
  };
  return trainer(params, loss, [
    fromHost(data.tokens, [LSTM.batch, LSTM.seq], 'int32'),
    f32(data.labels, [LSTM.batch, LSTM.classes]),
  ]);
}

function elementwise(): PreparedWorkload {
  const { x: host } = elementwiseData();
  const x = f32(host, [host.length]);
  const f = jit((v: Tensor) => np.tanh(v.mul(2).add(1)).mul(nn.sigmoid(v)));
  return forward(() => f(x), [x], { jitted: true, cleanup: () => f.dispose() });
}

const builders: Record<WorkloadId, () => PreparedWorkload> = {
  matmul,
  mlp,
  cnn,
  lstm,
  elementwise,
};

/**
 * Tensile on `createCpuBackend()` with default options.
 *
 * @example
 * const peer = tensilePeer();
 * console.log(await peer.setup());  // "createCpuBackend() defaults, 2 threads"
 * const w = await peer.prepare('mlp');
 */
export function tensilePeer(): Peer {
  return {
    id: 'tensile',
    deviations: {},
    setup: async () => {
      const backend = createCpuBackend();
      registerBackend(backend);
      // Read structurally: the thread count is reported by backends that have worker threads.
      const threads = (backend as { threads?: number }).threads ?? 1;
      return `createCpuBackend() defaults, ${threads} thread${threads === 1 ? '' : 's'}`;
    },
    prepare: async (workload) => builders[workload](),
  };
}

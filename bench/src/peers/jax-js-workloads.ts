/**
 * The jax-js 0.1.25 workloads of the peer benchmark, on its `wasm` device: jitted training
 * steps and elementwise chain, `valueAndGrad`, `lax.conv`/`reduceWindow`, and an inline Adam
 * (jax-js ships its optimizers in a separate package). jax-js has no `lax.scan`, so the LSTM's 64 steps are
 * unrolled inside `jit`, as a jax-js user would write it, and its embedding lookup is a one-hot
 * matmul (see `lstm`).
 *
 * The code follows jax-js's reference-counting rules: every argument is consumed, `.ref` keeps
 * one. Import this module only through `jax-js.ts`, which first provides Web Workers.
 */
import {
  blockUntilReady,
  init,
  type Array as JaxArray,
  jit,
  lax,
  nn,
  numpy as np,
  valueAndGrad,
} from '@jax-js/jax';
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
import type { PreparedWorkload } from './peer.js';
import { ADAM, CNN, LSTM, MATMUL, MLP, type WorkloadId } from './spec.js';

const f32 = (data: Float32Array, shape: number[]): JaxArray =>
  np.array(data, { shape, dtype: np.float32 });

const upload = (p: DenseParams): JaxArray[] => [
  f32(p.w, [p.inputs, p.outputs]),
  f32(p.b, [p.outputs]),
];

/** Mean softmax cross-entropy against one-hot labels (consumes both). */
const crossEntropy = (logits: JaxArray, labels: JaxArray): JaxArray =>
  np.mean(np.sum(nn.logSoftmax(logits, -1).mul(labels), -1)).neg();

/**
 * Adam's state: both moments of every parameter and the running powers `b1^t`, `b2^t` (a type
 * alias, not an interface, so that it is a jax-js `JsTree`).
 */
type AdamState = {
  m: JaxArray[];
  v: JaxArray[];
  b1t: JaxArray;
  b2t: JaxArray;
};

/**
 * One jitted Adam training step of `loss` over a flat list of parameters and fixed `batch`
 * arrays; the step consumes the parameters and state and returns the next ones.
 */
function trainer(
  initial: JaxArray[],
  loss: (params: JaxArray[], ...batch: JaxArray[]) => JaxArray,
  batch: JaxArray[],
): PreparedWorkload {
  const { learningRate, b1, b2, eps } = ADAM;
  let params = initial;
  let state: AdamState = {
    m: params.map((p) => np.zeros(p.shape)),
    v: params.map((p) => np.zeros(p.shape)),
    b1t: np.array(1),
    b2t: np.array(1),
  };
  const step = jit((p: JaxArray[], s: AdamState, ...b: JaxArray[]) => {
    const [value, grads] = valueAndGrad(loss)(
      p.map((x) => x.ref),
      ...b,
    );
    const b1t = s.b1t.mul(b1);
    const b2t = s.b2t.mul(b2);
    const bc1 = b1t.ref.neg().add(1);
    const bc2 = b2t.ref.neg().add(1);
    const m = grads.map((g, i) => (s.m[i] as JaxArray).mul(b1).add(g.ref.mul(1 - b1)));
    const v = grads.map((g, i) => (s.v[i] as JaxArray).mul(b2).add(g.ref.mul(g).mul(1 - b2)));
    const next = p.map((x, i) => {
      const mHat = (m[i] as JaxArray).ref.div(bc1.ref);
      const vHat = (v[i] as JaxArray).ref.div(bc2.ref);
      return x.sub(mHat.mul(learningRate).div(np.sqrt(vHat).add(eps)));
    });
    bc1.dispose();
    bc2.dispose();
    return [next, { m, v, b1t, b2t }, value] as [JaxArray[], AdamState, JaxArray];
  });
  const run = (): JaxArray => {
    const [p, s, value] = step(params, state, ...batch.map((b) => b.ref));
    params = p;
    state = s;
    return value;
  };
  return {
    compiles: true,
    first: async () => {
      const value = run();
      const check = (await value.data())[0] as number;
      await blockUntilReady([params, state]);
      return check;
    },
    step: async () => {
      const value = run();
      await blockUntilReady([params, state, value]);
      value.dispose();
    },
    dispose: () => {
      for (const a of [...params, ...state.m, ...state.v, state.b1t, state.b2t, ...batch])
        a.dispose();
      step.dispose();
    },
  };
}

/** A forward-only workload: `compute` consumes its own references and returns one output. */
function forward(
  compute: () => JaxArray,
  inputs: JaxArray[],
  cleanup = () => {},
): PreparedWorkload {
  return {
    compiles: true,
    first: async () => checksum(await compute().data()),
    step: async () => {
      const out = compute();
      await out.blockUntilReady();
      out.dispose();
    },
    dispose: () => {
      for (const a of inputs) a.dispose();
      cleanup();
    },
  };
}

function matmul(): PreparedWorkload {
  const { a, b } = matmulData();
  const x = f32(a, [MATMUL.n, MATMUL.n]);
  const y = f32(b, [MATMUL.n, MATMUL.n]);
  return forward(() => np.matmul(x.ref, y.ref), [x, y]);
}

function mlp(): PreparedWorkload {
  const data = mlpData();
  const loss = (params: JaxArray[], x: JaxArray, labels: JaxArray): JaxArray => {
    let h = x;
    const layers = params.length / 2;
    for (let i = 0; i < layers; i++) {
      h = np.matmul(h, params[2 * i] as JaxArray).add(params[2 * i + 1] as JaxArray);
      if (i < layers - 1) h = nn.relu(h);
    }
    return crossEntropy(h, labels);
  };
  return trainer(data.layers.flatMap(upload), loss, [
    f32(data.x, [MLP.batch, MLP.sizes[0]]),
    f32(data.labels, [MLP.batch, MLP.sizes[MLP.sizes.length - 1] as number]),
  ]);
}

/** 2×2 max pooling with stride 2 over the last two axes. */
const maxPool = (x: JaxArray): JaxArray => lax.reduceWindow(x, (w) => np.max(w), [2, 2], [2, 2]);

function cnn(): PreparedWorkload {
  const data = cnnData();
  const k = CNN.kernel;
  const params = [
    ...data.convs.flatMap((c) => [
      f32(c.w, [c.outputs, c.inputs, k, k]),
      f32(c.b, [1, c.outputs, 1, 1]),
    ]),
    ...data.fc.flatMap(upload),
  ];
  const flat = (CNN.channels[2] as number) * CNN_POOLED * CNN_POOLED;
  const loss = (p: JaxArray[], x: JaxArray, labels: JaxArray): JaxArray => {
    const [w1, b1, w2, b2, fw1, fb1, fw2, fb2] = p as [
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
    ];
    let h = maxPool(nn.relu(lax.conv(x, w1, [1, 1], 'SAME').add(b1)));
    h = maxPool(nn.relu(lax.conv(h, w2, [1, 1], 'SAME').add(b2)));
    h = nn.relu(np.matmul(h.reshape([CNN.batch, flat]), fw1).add(fb1));
    return crossEntropy(np.matmul(h, fw2).add(fb2), labels);
  };
  return trainer(params, loss, [
    f32(data.x, [CNN.batch, CNN.channels[0], CNN.image, CNN.image]),
    f32(data.labels, [CNN.batch, CNN.classes]),
  ]);
}

function lstm(): PreparedWorkload {
  const data = lstmData();
  const gates = 4 * LSTM.hidden;
  const params = [
    f32(data.embedding, [LSTM.vocab, LSTM.embed]),
    f32(data.wx, [LSTM.embed, gates]),
    f32(data.wh, [LSTM.hidden, gates]),
    f32(data.b, [gates]),
    ...upload(data.head),
  ];
  const loss = (p: JaxArray[], tokens: JaxArray, labels: JaxArray): JaxArray => {
    const [embedding, wx, wh, b, hw, hb] = p as [
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
      JaxArray,
    ];
    // Time-major embeddings and the input projection of every step in one matmul.
    // The lookup as a one-hot matmul: 0.1.25's jit cannot compile the scatter in the gradient
    // of `np.take` ("routine primitive scatter input is not imm"), and without jit a step takes
    // seconds.
    const emb = np.matmul(nn.oneHot(tokens.transpose(), LSTM.vocab), embedding);
    const xp = np
      .matmul(emb.reshape([LSTM.seq * LSTM.batch, LSTM.embed]), wx)
      .add(b)
      .reshape([LSTM.seq, LSTM.batch, gates]);
    const steps = np.split(xp, LSTM.seq, 0);
    let h = np.zeros([LSTM.batch, LSTM.hidden]);
    let c = np.zeros([LSTM.batch, LSTM.hidden]);
    for (const x of steps) {
      const z = x.reshape([LSTM.batch, gates]).add(np.matmul(h, wh.ref));
      const [i, f, g, o] = np.split(z, 4, 1) as [JaxArray, JaxArray, JaxArray, JaxArray];
      c = nn
        .sigmoid(f)
        .mul(c)
        .add(nn.sigmoid(i).mul(np.tanh(g)));
      h = nn.sigmoid(o).mul(np.tanh(c.ref));
    }
    c.dispose();
    wh.dispose();
    return crossEntropy(np.matmul(h, hw).add(hb), labels);
  };
  return trainer(params, loss, [
    np.array(data.tokens, { shape: [LSTM.batch, LSTM.seq], dtype: np.int32 }),
    f32(data.labels, [LSTM.batch, LSTM.classes]),
  ]);
}

function elementwise(): PreparedWorkload {
  const { x: host } = elementwiseData();
  const x = f32(host, [host.length]);
  const f = jit((v: JaxArray) => np.tanh(v.ref.mul(2).add(1)).mul(nn.sigmoid(v)));
  return forward(
    () => f(x.ref),
    [x],
    () => f.dispose(),
  );
}

/**
 * Start jax-js's `wasm` device (its worker pool is sized when this runs).
 *
 * @example
 * await startWasm();
 */
export async function startWasm(): Promise<void> {
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error('jax-js: the wasm device did not start');
}

/**
 * Build each workload on jax-js's wasm device.
 *
 * @example
 * const mlp = jaxJsWorkloads.mlp();
 */
export const jaxJsWorkloads: Record<WorkloadId, () => PreparedWorkload> = {
  matmul,
  mlp,
  cnn,
  lstm,
  elementwise,
};

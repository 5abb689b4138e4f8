/**
 * The TensorFlow.js 4.22 side of the peer benchmark, on its `cpu` (plain JS) and `wasm`
 * (XNNPACK) backends: eager ops (TensorFlow.js has no jit), `tf.train.adam` with torch's
 * epsilon, NHWC convolutions (its only layout on these backends) with the weights permuted from
 * the canonical NCHW ones so that the model is exactly the same, and the LSTM's embedding lookup
 * as a one-hot matmul (see `lstm`).
 *
 * The wasm backend is asked for `THREADS` threads, but its Node build turns threads off
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is false under Node; forcing it fails because Node workers
 * cannot load the `blob:` worker script), so `setup` reports the thread count that really runs.
 *
 * tfjs-core's Node build registers no gradients (the `@tensorflow/tfjs` umbrella package does,
 * from an ES-module-only file with extensionless imports), so that file is `require`d here, which
 * works because the benchmark runs under tsx (it compiles such files to CommonJS on the fly). The
 * gradient functions get a second copy of tfjs-core's ops, which share the one global engine.
 */
import { createRequire } from 'node:module';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
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
import { chwRowsToHwc, oihwToHwio } from './layouts.js';
import type { Peer, PreparedWorkload } from './peer.js';
import { ADAM, CNN, LSTM, MATMUL, MLP, type PeerId, THREADS, type WorkloadId } from './spec.js';

createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
tf.enableProdMode();

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

const variable = (data: Float32Array, shape: number[]): tf.Variable =>
  tf.variable(tf.tensor(data, shape, 'float32'));

const dense = (p: DenseParams, w: Float32Array = p.w): Dense => ({
  w: variable(w, [p.inputs, p.outputs]),
  b: variable(p.b, [p.outputs]),
});

const affine = (x: tf.Tensor, { w, b }: Dense): tf.Tensor => tf.add(tf.matMul(x, w), b);

/** Mean softmax cross-entropy against one-hot labels. */
const crossEntropy = (logits: tf.Tensor, labels: tf.Tensor): tf.Scalar =>
  tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), -1)));

/** Adam steps of `loss` over `variables` with `tf.train.adam`; `inputs` are freed on dispose. */
function trainer(
  variables: tf.Variable[],
  loss: () => tf.Scalar,
  inputs: tf.Tensor[],
): PreparedWorkload {
  const opt = tf.train.adam(ADAM.learningRate, ADAM.b1, ADAM.b2, ADAM.eps);
  const run = (): tf.Scalar => opt.minimize(loss, true, variables) as tf.Scalar;
  return {
    compiles: false,
    first: async () => {
      const value = run();
      const check = (await value.data())[0] as number;
      value.dispose();
      return check;
    },
    step: () => run().dispose(),
    dispose: () => {
      opt.dispose();
      tf.dispose([...variables, ...inputs]);
    },
  };
}

/** A forward-only workload: `compute` runs in a tidy scope once per step. */
function forward(compute: () => tf.Tensor, inputs: tf.Tensor[]): PreparedWorkload {
  return {
    compiles: false,
    first: async () => {
      const out = tf.tidy(compute);
      const check = checksum(await out.data());
      out.dispose();
      return check;
    },
    step: () => tf.tidy(compute).dispose(),
    dispose: () => tf.dispose(inputs),
  };
}

function matmul(): PreparedWorkload {
  const { a, b } = matmulData();
  const x = tf.tensor(a, [MATMUL.n, MATMUL.n]);
  const y = tf.tensor(b, [MATMUL.n, MATMUL.n]);
  return forward(() => tf.matMul(x, y), [x, y]);
}

function mlp(): PreparedWorkload {
  const data = mlpData();
  const layers = data.layers.map((p) => dense(p));
  const x = tf.tensor(data.x, [MLP.batch, MLP.sizes[0]]);
  const labels = tf.tensor(data.labels, [MLP.batch, MLP.sizes[MLP.sizes.length - 1] as number]);
  const loss = () => {
    let h: tf.Tensor = x;
    layers.forEach((layer, i) => {
      h = affine(h, layer);
      if (i < layers.length - 1) h = tf.relu(h);
    });
    return crossEntropy(h, labels);
  };
  return trainer(
    layers.flatMap(({ w, b }) => [w, b]),
    loss,
    [x, labels],
  );
}

function cnn(): PreparedWorkload {
  const data = cnnData();
  const k = CNN.kernel;
  const convs = data.convs.map((c) => ({
    w: variable(oihwToHwio(c.w, c.outputs, c.inputs, k, k), [k, k, c.inputs, c.outputs]),
    b: variable(c.b, [c.outputs]),
  }));
  const [fc1, fc2] = data.fc as [DenseParams, DenseParams];
  const channels = CNN.channels[2] as number;
  const fc = [
    dense(fc1, chwRowsToHwc(fc1.w, channels, CNN_POOLED, CNN_POOLED, fc1.outputs)),
    dense(fc2),
  ] as [Dense, Dense];
  // One input channel: the NCHW batch is already NHWC.
  const x = tf.tensor4d(data.x, [CNN.batch, CNN.image, CNN.image, CNN.channels[0]]);
  const labels = tf.tensor(data.labels, [CNN.batch, CNN.classes]);
  const loss = () => {
    let h: tf.Tensor4D = x;
    for (const { w, b } of convs) {
      h = tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), b));
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    const flat = tf.reshape(h, [CNN.batch, channels * CNN_POOLED * CNN_POOLED]);
    return crossEntropy(affine(tf.relu(affine(flat, fc[0])), fc[1]), labels);
  };
  return trainer(
    [...convs, ...fc].flatMap(({ w, b }) => [w, b]),
    loss,
    [x, labels],
  );
}

function lstm(): PreparedWorkload {
  const data = lstmData();
  const gates = 4 * LSTM.hidden;
  const embedding = variable(data.embedding, [LSTM.vocab, LSTM.embed]);
  const wx = variable(data.wx, [LSTM.embed, gates]);
  const wh = variable(data.wh, [LSTM.hidden, gates]);
  const b = variable(data.b, [gates]);
  const head = dense(data.head);
  const tokens = tf.tensor2d(data.tokens, [LSTM.batch, LSTM.seq], 'int32');
  const labels = tf.tensor(data.labels, [LSTM.batch, LSTM.classes]);
  const loss = () => {
    // Time-major embeddings and the input projection of every step in one matmul. The lookup is
    // a one-hot matmul because the gradient of `tf.gather` (UnsortedSegmentSum) has no wasm
    // kernel and, on cpu, loops over all vocabulary rows (minutes per step). The one-hot is built
    // as int32 and cast: the wasm OneHot kernel writes integer bits into a float32 output.
    const oneHot = tf.cast(tf.oneHot(tf.transpose(tokens) as tf.Tensor2D, LSTM.vocab), 'float32');
    const emb = tf.matMul(tf.reshape(oneHot, [LSTM.seq * LSTM.batch, LSTM.vocab]), embedding);
    const xp = tf.reshape(tf.add(tf.matMul(emb, wx), b), [LSTM.seq, LSTM.batch, gates]);
    const steps = tf.unstack(xp);
    let h: tf.Tensor = tf.zeros([LSTM.batch, LSTM.hidden]);
    let c: tf.Tensor = h;
    for (const x of steps) {
      const [i, f, g, o] = tf.split(tf.add(x, tf.matMul(h, wh)), 4, 1) as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    }
    return crossEntropy(affine(h, head), labels);
  };
  return trainer([embedding, wx, wh, b, head.w, head.b], loss, [tokens, labels]);
}

function elementwise(): PreparedWorkload {
  const x = tf.tensor1d(elementwiseData().x);
  return forward(() => tf.mul(tf.tanh(tf.add(tf.mul(x, 2), 1)), tf.sigmoid(x)), [x]);
}

const builders: Record<WorkloadId, () => PreparedWorkload> = {
  matmul,
  mlp,
  cnn,
  lstm,
  elementwise,
};

/**
 * TensorFlow.js on one backend. Both peers share the tfjs engine, so every `prepare` switches
 * the active backend first.
 *
 * @example
 * const cpu = tfjsPeer('cpu');
 * console.log(await cpu.setup());  // "plain JS kernels, 1 thread"
 */
export function tfjsPeer(backend: 'cpu' | 'wasm'): Peer {
  const id: PeerId = backend === 'cpu' ? 'tfjsCpu' : 'tfjsWasm';
  return {
    id,
    deviations: {
      cnn: 'NHWC layout (weights permuted from NCHW)',
      lstm:
        'embedding lookup as a one-hot matmul: the gradient of tf.gather (UnsortedSegmentSum) ' +
        (backend === 'wasm'
          ? 'has no wasm kernel'
          : `loops over all ${LSTM.vocab} vocabulary rows (minutes per step)`) +
        '; 64 steps unrolled eagerly',
      elementwise: 'eager ops (TensorFlow.js has no jit)',
    },
    setup: async () => {
      if (backend === 'wasm') setThreadsCount(THREADS);
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
      if (backend === 'cpu') return 'plain JS kernels, 1 thread';
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = getThreadsCount();
      const why = threads < THREADS ? ` (asked ${THREADS}; the Node build disables threads)` : '';
      return `XNNPACK wasm${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${why}`;
    },
    prepare: async (workload) => {
      await tf.setBackend(backend);
      return builders[workload]();
    },
  };
}

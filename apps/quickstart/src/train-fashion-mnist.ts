/**
 * The quickstart: train an MLP classifier on the committed Fashion-MNIST slice (2,000 training and
 * 500 test images) with a functional training loop — `valueAndGrad` and hand-written SGD with
 * momentum inside `jit` — and print the loss per epoch and the test accuracy.
 *
 * Run: `npm run train` (options: `--epochs N`, `--batch N`, `--lr X`).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  jit,
  np,
  random,
  registerBackend,
  scope,
  type Tensor,
  tree,
  valueAndGrad,
} from '@tensile/core';
import { readIdx } from './idx.js';
import { crossEntropy, type Dense, initMlp, mlp } from './mlp.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    lr: { type: 'string', default: '0.05' },
    data: { type: 'string', default: join(import.meta.dirname, '../../../fixtures/fashion-mnist') },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const learningRate = Number(values.lr);

registerBackend(createCpuBackend());

function load(prefix: string): { x: Tensor; y: Tensor } {
  const images = readIdx(join(values.data as string, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(values.data as string, `${prefix}-labels-idx1-ubyte.gz`));
  const [n, h, w] = images.shape as [number, number, number];
  const x = np.array(Float32Array.from(images.data, (v) => v / 255)).reshape([n, h * w]);
  const y = np.array(Int32Array.from(labels.data));
  return { x, y };
}

const train = load('train');
const test = load('t10k');
console.log(`Fashion-MNIST slice: ${train.x.shape[0]} train / ${test.x.shape[0]} test images`);

type State = { params: Dense[]; velocity: Dense[] };
const key = random.key(0);
let state: State = scope(() => {
  const params = initMlp(key, [784, 256, 10]);
  return { params, velocity: tree.map((p: Tensor) => np.zerosLike(p), params) };
});

// One SGD-with-momentum step, compiled once and run with the old state donated.
const trainStep = jit(
  (s: State, x: Tensor, y: Tensor): [Tensor, State] => {
    const [loss, grads] = valueAndGrad((p: Dense[]) => crossEntropy(mlp(p, x), y))(s.params);
    const velocity = tree.map((v: Tensor, g: Tensor) => v.mul(0.9).add(g), s.velocity, [grads]);
    const params = tree.map((p: Tensor, v: Tensor) => p.sub(v.mul(learningRate)), s.params, [
      velocity,
    ]);
    return [loss, { params, velocity }];
  },
  { donateArgnums: [0] },
);
const predict = jit((params: Dense[], x: Tensor) => np.argmax(mlp(params, x), { axis: -1 }));

const n = train.x.shape[0] as number;
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = scope(() => random.permutation(random.foldIn(key, epoch), n));
  let total = 0;
  let batches = 0;
  for (let start = 0; start + batchSize <= n; start += batchSize) {
    const [x, y] = scope(() => {
      const idx = np.slice(order, [start, start + batchSize]);
      return [np.take(train.x, idx, { axis: 0 }), np.take(train.y, idx, { axis: 0 })];
    });
    const [loss, next] = trainStep(state, x, y);
    state = next;
    total += loss.item() as number;
    batches++;
    tree.dispose([loss, x, y]);
  }
  order.dispose();
  console.log(`epoch ${epoch}: train loss ${(total / batches).toFixed(4)}`);
}
const seconds = (performance.now() - started) / 1000;

const predictions = predict(state.params, test.x);
const correct = scope(() => np.sum(np.equal(predictions, test.y)).item() as number);
const accuracy = correct / (test.x.shape[0] as number);
console.log(
  `test accuracy: ${(accuracy * 100).toFixed(1)}% (${correct}/${test.x.shape[0]}), trained in ${seconds.toFixed(1)} s`,
);
tree.dispose([predictions, state, train, test, key]);
trainStep.dispose();
predict.dispose();

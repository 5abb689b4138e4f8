/**
 * The page: picks a backend (WebGPU, else CPU), loads the Fashion-MNIST slice, and wires the two
 * demos to their buttons. State for tests and curious readers lives in `data-*` attributes of
 * `#app`: `data-ready`, `data-backend`, `data-state` (`idle` → `training` → `done` | `error`),
 * `data-losses` (JSON, one per step), `data-live-tensors` (JSON, live tensors after each step),
 * `data-accuracy`, `data-gan-state`, `data-gan-losses` (JSON `[d, g]` per step),
 * `data-gan-samples-step`, `data-error`.
 *
 * URL parameters: `?model=lenet5|small&steps=N&batch=N&lr=X&eval=N` (classifier; `eval`: test
 * images for the accuracy),
 * `?gan-steps=N&gan-width=N&gan-batch=N` (GAN), `?backend=cpu|webgpu`. Without them the defaults
 * depend on the backend: a software WebGPU adapter (SwiftShader) gets a smaller workload.
 */
import { memory, tree } from '@tensile/core';
import { countParams } from '@tensile/nn';
import { type ActiveBackend, type BackendPreference, selectBackend } from './backend.js';
import {
  ARCHITECTURES,
  type ArchitectureName,
  accuracy,
  predictRows,
  trainClassifier,
} from './classifier.js';
import { type FashionMnist, loadFashionMnist } from './data.js';
import {
  drawCurve,
  drawImageGrid,
  drawPlaceholder,
  drawPredictions,
  type Prediction,
  smooth,
} from './draw.js';
import { trainGan } from './gan.js';

const params = new URLSearchParams(location.search);

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}

const app = element<HTMLElement>('app');
const ui = {
  backend: element<HTMLSpanElement>('backend'),
  memory: element<HTMLParagraphElement>('memory'),
  model: element<HTMLSelectElement>('model'),
  steps: element<HTMLInputElement>('steps'),
  batch: element<HTMLInputElement>('batch'),
  train: element<HTMLButtonElement>('train'),
  status: element<HTMLSpanElement>('status'),
  loss: element<HTMLCanvasElement>('loss'),
  accuracy: element<HTMLSpanElement>('accuracy'),
  predictions: element<HTMLCanvasElement>('predictions'),
  ganSteps: element<HTMLInputElement>('gan-steps'),
  trainGan: element<HTMLButtonElement>('train-gan'),
  ganStatus: element<HTMLSpanElement>('gan-status'),
  gan: element<HTMLCanvasElement>('gan'),
};

/** Workload defaults: full size, or small enough for a software WebGPU adapter. */
const DEFAULTS = {
  full: {
    model: 'lenet5',
    steps: 200,
    batch: 32,
    eval: 500,
    ganSteps: 100,
    ganWidth: 16,
    ganBatch: 32,
  },
  light: { model: 'small', steps: 40, batch: 16, eval: 200, ganSteps: 6, ganWidth: 4, ganBatch: 8 },
} as const;

/** A positive integer from the URL, else `fallback`. */
function intParam(name: string, fallback: number): number {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function readInt(input: HTMLInputElement, max: number): number {
  const value = Math.floor(Number(input.value));
  return Math.min(max, Math.max(1, Number.isFinite(value) ? value : 1));
}

let active: ActiveBackend | undefined;

function showMemory(): number {
  if (active === undefined) return 0;
  const m = memory()[active.name] ?? { tensors: 0, buffers: 0, bytes: 0 };
  ui.memory.textContent =
    `live tensors: ${m.tensors} · device buffers: ${m.buffers} ` +
    `(${(m.bytes / 2 ** 20).toFixed(2)} MiB) · idle buffers kept by jit: ${m.pooledBuffers ?? 0}`;
  return m.tensors;
}

function fail(where: string, error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`${where}: ${message}`);
  app.dataset.error = message;
}

/** The first 16 test images are the sample predictions. */
const SAMPLE_ROWS = Array.from({ length: 16 }, (_, i) => i);

async function runClassifier(
  data: FashionMnist,
  learningRate: number,
  evalImages: number,
): Promise<void> {
  const name = (ui.model.value in ARCHITECTURES ? ui.model.value : 'small') as ArchitectureName;
  const architecture = ARCHITECTURES[name];
  const steps = readInt(ui.steps, 500);
  const batchSize = readInt(ui.batch, Math.min(256, data.train.size));
  const losses: number[] = [];
  const live: number[] = [];
  app.dataset.state = 'training';
  app.dataset.losses = '[]';
  delete app.dataset.accuracy;
  ui.accuracy.textContent = '';
  const title = `training loss (cross-entropy), batch ${batchSize}`;
  const redraw = () =>
    drawCurve(
      ui.loss,
      [
        { values: losses, color: '#a9c3e8', label: 'per step', width: 1 },
        { values: smooth(losses), color: '#1f5fbf', label: 'moving average', width: 2.5 },
      ],
      { totalSteps: steps, title },
    );
  redraw();
  let parameters = 0;
  let started = performance.now();
  const model = await trainClassifier(data.train, {
    architecture,
    steps,
    batchSize,
    learningRate,
    seed: 0,
    previewEvery: 25,
    onStep: (i, loss) => {
      if (i === 0) started = performance.now(); // the first step includes tracing and compiling
      losses.push(loss);
      live.push(showMemory());
      app.dataset.losses = JSON.stringify(losses);
      app.dataset.liveTensors = JSON.stringify(live);
      const rate =
        i === 0 ? '' : ` · ${((1000 * i) / (performance.now() - started)).toFixed(2)} steps/s`;
      ui.status.textContent = `step ${i + 1}/${steps} · loss ${loss.toFixed(4)}${rate}`;
      redraw();
    },
    onPreview: async (m) => {
      parameters = countParams(m);
      const probs = await predictRows(architecture, m, data.test, SAMPLE_ROWS);
      const predictions: Prediction[] = SAMPLE_ROWS.map((row, i) => {
        const p = probs.subarray(10 * i, 10 * i + 10);
        let best = 0;
        for (let c = 1; c < 10; c++) if ((p[c] as number) > (p[best] as number)) best = c;
        return {
          pixels: data.test.images.data.subarray(784 * row, 784 * row + 784) as Float32Array,
          predicted: best,
          confidence: p[best] as number,
          label: data.test.labels.data[row] as number,
        };
      });
      drawPredictions(ui.predictions, predictions);
    },
  });
  try {
    const summary = `${architecture.label}, ${parameters.toLocaleString('en')} parameters · ${steps} steps · final loss ${losses.at(-1)?.toFixed(4)}`;
    ui.status.textContent = `${summary} · evaluating on the test slice…`;
    const acc = await accuracy(architecture, model, data.test, evalImages);
    app.dataset.accuracy = String(acc);
    ui.accuracy.textContent = `· test accuracy on ${evalImages} test images: ${(100 * acc).toFixed(1)}%`;
    ui.status.textContent = summary;
  } finally {
    tree.dispose(model);
    showMemory();
  }
}

async function runGan(data: FashionMnist, width: number, batchSize: number): Promise<void> {
  const steps = readInt(ui.ganSteps, 500);
  const samples = 36;
  const losses: [number, number][] = [];
  app.dataset.ganState = 'training';
  app.dataset.ganLosses = '[]';
  delete app.dataset.ganSamplesStep;
  const config = `DCGAN width ${width}, batch ${batchSize}`;
  ui.ganStatus.textContent = `${config} · compiling…`;
  await trainGan(data.train, {
    steps,
    batchSize,
    learningRate: 1e-3,
    latentDim: 32,
    width,
    seed: 0,
    samples,
    previewEvery: 10,
    onStep: (i, d, g) => {
      losses.push([d, g]);
      app.dataset.ganLosses = JSON.stringify(losses);
      showMemory();
      ui.ganStatus.textContent = `${config} · step ${i + 1}/${steps} · D loss ${d.toFixed(3)} · G loss ${g.toFixed(3)}`;
    },
    onSamples: (images, i) => {
      drawImageGrid(ui.gan, images, samples);
      app.dataset.ganSamplesStep = String(i + 1);
    },
  });
  showMemory();
}

/** Run `job` with the buttons disabled; record its outcome in `data-<key>`. */
async function exclusive(key: 'state' | 'ganState', job: () => Promise<void>): Promise<void> {
  ui.train.disabled = true;
  ui.trainGan.disabled = true;
  try {
    await job();
    app.dataset[key] = 'done';
  } catch (error) {
    fail(key === 'state' ? 'training' : 'GAN training', error);
    app.dataset[key] = 'error';
  } finally {
    ui.train.disabled = false;
    ui.trainGan.disabled = false;
  }
}

async function start(): Promise<void> {
  active = await selectBackend((params.get('backend') ?? 'auto') as BackendPreference);
  app.dataset.backend = active.name;
  ui.backend.textContent = `${active.name === 'webgpu' ? 'WebGPU' : 'CPU'} (${active.detail})`;
  ui.backend.classList.add(active.name);
  const defaults = active.softwareGpu ? DEFAULTS.light : DEFAULTS.full;
  const model = params.get('model') ?? defaults.model;
  ui.model.value = model in ARCHITECTURES ? model : defaults.model;
  ui.steps.value = String(intParam('steps', defaults.steps));
  ui.batch.value = String(intParam('batch', defaults.batch));
  ui.ganSteps.value = String(intParam('gan-steps', defaults.ganSteps));
  const ganWidth = intParam('gan-width', defaults.ganWidth);
  const ganBatch = intParam('gan-batch', defaults.ganBatch);
  const learningRate = Number(params.get('lr') ?? 3e-3);
  const evalImages = Math.min(intParam('eval', defaults.eval), 500);
  showMemory();

  const data = await loadFashionMnist(new URL(import.meta.env.BASE_URL, location.href).href);
  ui.status.textContent = `${data.train.size} training / ${data.test.size} test images loaded`;
  drawCurve(ui.loss, [], { totalSteps: readInt(ui.steps, 500), title: 'training loss' });
  drawPlaceholder(ui.predictions, 'predictions on the first 16 test images appear while training');
  drawPlaceholder(ui.gan, 'press Train GAN');
  ui.train.addEventListener('click', () =>
    exclusive('state', () => runClassifier(data, learningRate, evalImages)),
  );
  ui.trainGan.addEventListener('click', () =>
    exclusive('ganState', () => runGan(data, ganWidth, ganBatch)),
  );
  ui.train.disabled = false;
  ui.trainGan.disabled = false;
  app.dataset.ready = 'true';
}

window.addEventListener('unhandledrejection', (event) => fail('unhandled rejection', event.reason));
start().catch((error: unknown) => {
  fail('start', error);
  app.dataset.ready = 'error';
});

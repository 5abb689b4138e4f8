/**
 * 2D-canvas drawing (WebGPU canvases do not render in headless browsers, and the tensors are read
 * back anyway): the loss curve, labelled prediction tiles and an image grid.
 */
import { CLASS_NAMES } from './data.js';

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error(`no 2D context for #${canvas.id}`);
  return ctx;
}

/** A grayscale 28×28 (or `size`²) image in [0, 1] at (x, y), `scale` pixels per pixel. */
function putImage(
  ctx: CanvasRenderingContext2D,
  pixels: ArrayLike<number>,
  offset: number,
  size: number,
  x: number,
  y: number,
  scale: number,
): void {
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[offset + i] as number))));
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  // Scale with nearest-neighbour through a scratch canvas (putImageData ignores transforms).
  const scratch = document.createElement('canvas');
  scratch.width = size;
  scratch.height = size;
  context(scratch).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, x, y, size * scale, size * scale);
}

/** Series drawn on the loss chart: raw values and their moving average. */
export interface CurveSeries {
  readonly values: readonly number[];
  readonly color: string;
  readonly label: string;
  readonly width?: number;
}

/** Exponential moving average (bias-corrected), for a readable trend line. */
export function smooth(values: readonly number[], beta = 0.9): number[] {
  const out: number[] = [];
  let avg = 0;
  values.forEach((v, i) => {
    avg = beta * avg + (1 - beta) * v;
    out.push(avg / (1 - beta ** (i + 1)));
  });
  return out;
}

/**
 * A line chart of one or more series against the step, with axes, ticks and a legend.
 *
 * @example
 * drawCurve(canvas, [{ values: losses, color: '#9bb', label: 'loss' }], { totalSteps: 200, title: 'loss' });
 */
export function drawCurve(
  canvas: HTMLCanvasElement,
  series: readonly CurveSeries[],
  { totalSteps, title }: { totalSteps: number; title: string },
): void {
  const ctx = context(canvas);
  const { width, height } = canvas;
  const pad = { left: 52, right: 14, top: 24, bottom: 30 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const hi = all.length > 0 ? Math.max(...all) : 1;
  const lo = all.length > 0 ? Math.min(...all) : 0;
  const margin = Math.max(0.08 * (hi - lo), 0.02 * Math.abs(hi), 1e-3);
  const yMax = hi + margin;
  const yMin = lo >= 0 ? Math.max(0, lo - margin) : lo - margin;
  const xMax = Math.max(totalSteps - 1, 1);
  const px = (step: number) => pad.left + (step / xMax) * plotW;
  const py = (v: number) => pad.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH;

  ctx.font = '12px system-ui, sans-serif';
  ctx.strokeStyle = '#e3e6ea';
  ctx.fillStyle = '#5a6472';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let t = 0; t <= 4; t++) {
    const v = yMin + ((yMax - yMin) * t) / 4;
    const y = py(v);
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(width - pad.right, y);
    ctx.stroke();
    ctx.fillText(v.toFixed(2), pad.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = 0; t <= 5; t++) {
    const step = Math.round((xMax * t) / 5);
    ctx.fillText(String(step + 1), px(step), height - pad.bottom + 6);
  }
  ctx.strokeStyle = '#8a94a3';
  ctx.beginPath();
  ctx.moveTo(pad.left, pad.top);
  ctx.lineTo(pad.left, height - pad.bottom);
  ctx.lineTo(width - pad.right, height - pad.bottom);
  ctx.stroke();

  ctx.textAlign = 'left';
  ctx.fillStyle = '#1d232b';
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.fillText(title, pad.left, 5);
  let legendX = width - pad.right;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (const s of [...series].reverse()) {
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, legendX, 6);
    legendX -= ctx.measureText(s.label).width + 10;
    ctx.fillRect(legendX, 11, 8, 3);
    legendX -= 14;
  }

  if (all.length === 0) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#8a94a3';
    ctx.fillText(
      'press Train: the loss of every step appears here',
      pad.left + plotW / 2,
      pad.top + plotH / 2,
    );
  }
  for (const s of series) {
    if (s.values.length === 0) continue;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 1.5;
    ctx.beginPath();
    s.values.forEach((v, i) => {
      if (i === 0) ctx.moveTo(px(i), py(v));
      else ctx.lineTo(px(i), py(v));
    });
    ctx.stroke();
  }
}

/** One labelled example: pixels in [0, 1], predicted class and confidence, true class. */
export interface Prediction {
  readonly pixels: Float32Array;
  readonly predicted: number;
  readonly confidence: number;
  readonly label: number;
}

/**
 * Tiles of images with their predicted (green when right, red when wrong) and true labels.
 *
 * @example
 * drawPredictions(canvas, predictions);
 */
export function drawPredictions(canvas: HTMLCanvasElement, predictions: readonly Prediction[]) {
  const ctx = context(canvas);
  const columns = 8;
  const scale = 3;
  const tileW = canvas.width / columns;
  const tileH = 28 * scale + 38;
  canvas.height = Math.ceil(predictions.length / columns) * tileH;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  predictions.forEach((p, i) => {
    const x = (i % columns) * tileW;
    const y = Math.floor(i / columns) * tileH;
    putImage(ctx, p.pixels, 0, 28, x + (tileW - 28 * scale) / 2, y + 2, scale);
    const right = p.predicted === p.label;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillStyle = right ? '#137a35' : '#c0262d';
    const name = CLASS_NAMES[p.predicted] ?? String(p.predicted);
    const fit = tileW - 4; // fillText squeezes longer labels into the tile
    const text = `${name} ${Math.round(100 * p.confidence)}%`;
    ctx.fillText(text, x + tileW / 2, y + 28 * scale + 6, fit);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#5a6472';
    ctx.fillText(
      `true: ${CLASS_NAMES[p.label] ?? p.label}`,
      x + tileW / 2,
      y + 28 * scale + 21,
      fit,
    );
  });
}

/** A centred grey message on an otherwise blank canvas (before anything has been computed). */
export function drawPlaceholder(canvas: HTMLCanvasElement, message: string): void {
  const ctx = context(canvas);
  ctx.fillStyle = '#f4f5f7';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#8a94a3';
  ctx.font = '13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(message, canvas.width / 2, canvas.height / 2);
}

/**
 * A square grid of `count` images of `size`×`size` pixels in [0, 1] (row-major, one after another).
 *
 * @example
 * drawImageGrid(canvas, samples, 36);
 */
export function drawImageGrid(
  canvas: HTMLCanvasElement,
  pixels: Float32Array,
  count: number,
  size = 28,
  scale = 2,
): void {
  const ctx = context(canvas);
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const gap = 2;
  canvas.width = columns * (size * scale + gap) + gap;
  canvas.height = rows * (size * scale + gap) + gap;
  ctx.fillStyle = '#c9ced6';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < count; i++) {
    const x = gap + (i % columns) * (size * scale + gap);
    const y = gap + Math.floor(i / columns) * (size * scale + gap);
    putImage(ctx, pixels, i * size * size, size, x, y, scale);
  }
}

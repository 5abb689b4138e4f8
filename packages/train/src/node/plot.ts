/**
 * Charts in Node: `plotHistoryPng` compresses with `node:zlib`'s `deflateSync` (the browser-safe
 * version stores the pixels uncompressed), and `writePlot` writes an `.svg` or `.png` file
 * atomically, choosing the format by the extension.
 */
import { deflateSync } from 'node:zlib';
import { ValueError } from '@tensile/core';
import { writeFileAtomic } from '@tensile/io/node';
import type { History } from '../history.js';
import type { PlotOptions } from '../plot/chart-layout.js';
import { plotHistory, rasterizeHistory } from '../plot/plot-history.js';
import { encodePng } from '../plot/png.js';

/**
 * The history's curves as compressed PNG bytes (labels in a 5×7 bitmap font).
 *
 * @example
 * await writeFile('curves.png', plotHistoryPng(history, { metrics: ['loss', 'accuracy'] }));
 */
export function plotHistoryPng(history: History, options: PlotOptions = {}): Uint8Array {
  return encodePng(rasterizeHistory(history, options), {
    deflate: (data) => new Uint8Array(deflateSync(data, { level: 9 })),
  });
}

/**
 * Write the history's curves to `path`: SVG for `.svg`, PNG for `.png` (atomically).
 *
 * @example
 * await writePlot('runs/cnn/curves.png', result.history);
 */
export async function writePlot(
  path: string,
  history: History,
  options: PlotOptions = {},
): Promise<void> {
  const lower = path.toLowerCase();
  let bytes: Uint8Array;
  if (lower.endsWith('.svg')) bytes = new TextEncoder().encode(plotHistory(history, options));
  else if (lower.endsWith('.png')) bytes = plotHistoryPng(history, options);
  else throw new ValueError(`writePlot: ${path}: the file name must end in .svg or .png`);
  await writeFileAtomic(path, bytes);
}

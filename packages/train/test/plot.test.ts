/**
 * Training curves: the SVG parses as XML and holds one panel per metric with the expected series
 * paths and points (placed consistently with the tick labels); the PNG has a valid signature, IHDR,
 * CRCs and size, and its pixels show the chart (checked by inflating and un-filtering the data
 * with node:zlib, independently of the encoder).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type History, plotHistory, plotHistoryPng as storedPng } from '../src/index.js';
import { plotHistoryPng, writePlot } from '../src/node.js';
import { chartLayout, niceStep } from '../src/plot/chart-layout.js';
import { adler32, crc32 as ourCrc32, storedDeflate } from '../src/plot/png.js';
import { allElements, parseXml, type XmlElement } from './support/xml.js';

const trainLoss = [0.9, 0.6, 0.45, 0.4, 0.35];
const evalLoss = [1.0, 0.7, 0.5, undefined, 0.45];
const trainAccuracy = [0.6, 0.7, 0.8, 0.85, 0.9];
const evalAccuracy = [0.55, 0.65, 0.75, undefined, 0.8];

const history: History = {
  epochs: trainLoss.map((loss, epoch) => ({
    epoch,
    step: (epoch + 1) * 10,
    train: { loss, accuracy: trainAccuracy[epoch] as number },
    ...(evalLoss[epoch] === undefined
      ? {}
      : { eval: { loss: evalLoss[epoch] as number, accuracy: evalAccuracy[epoch] as number } }),
    seconds: 1,
    examples: 100,
  })),
  evaluations: [],
};

/** The points of an SVG path `d` ("M x y L x y …"), one list per subpath. */
function subpaths(d: string): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  for (const m of d.matchAll(/([ML])([-\d.]+) ([-\d.]+)/g)) {
    if (m[1] === 'M') out.push([]);
    out.at(-1)?.push([Number(m[2]), Number(m[3])]);
  }
  return out;
}

const byClass = (els: XmlElement[], cls: string) =>
  els.filter((e) => (e.attributes.class ?? '').split(' ').includes(cls));

describe('plotHistory (SVG)', () => {
  const svg = plotHistory(history, { metrics: ['loss', 'accuracy'] });
  const root = parseXml(svg);
  const panels = allElements(root).filter((e) => e.attributes.class === 'panel');

  it('is an SVG document with one panel per metric', () => {
    expect(root.name).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect([root.attributes.width, root.attributes.height]).toEqual(['760', '300']);
    expect(panels.map((p) => p.attributes['data-metric'])).toEqual(['loss', 'accuracy']);
    for (const panel of panels) {
      const els = allElements(panel);
      expect(byClass(els, 'title')[0]?.text).toBe(panel.attributes['data-metric']);
      expect(byClass(els, 'axis')).toHaveLength(1);
      expect(byClass(els, 'axis-label')[0]?.text).toBe('epoch');
      expect(byClass(byClass(els, 'tick-label'), 'x').map((t) => t.text)).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
      ]);
      expect(byClass(els, 'legend-label').map((t) => t.text)).toEqual(['train', 'validation']);
    }
  });

  it('draws the train series as one path through every epoch, placed by the y ticks', () => {
    const els = allElements(panels[0] as XmlElement);
    const path = byClass(els, 'series').find((e) => e.attributes['data-series'] === 'train');
    const [points, ...rest] = subpaths(path?.attributes.d ?? '');
    expect(rest).toHaveLength(0);
    expect(points).toHaveLength(5);
    const xs = (points ?? []).map(([x]) => x);
    const gaps = xs.slice(1).map((x, i) => x - (xs[i] as number));
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0] as number, 1);
    // y grows downwards, so a falling loss has rising y.
    const ys = (points ?? []).map(([, y]) => y);
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1] as number);
    // Each point sits where the y ticks say its value is.
    const ticks = byClass(byClass(els, 'tick-label'), 'y').map((t) => ({
      value: Number(t.text),
      y: Number(t.attributes.y) - 4,
    }));
    const [t0, t1] = [ticks[0], ticks.at(-1)] as [
      { value: number; y: number },
      { value: number; y: number },
    ];
    const valueAt = (y: number) => t0.value + ((y - t0.y) / (t1.y - t0.y)) * (t1.value - t0.value);
    (points ?? []).forEach(([, y], i) => {
      expect(valueAt(y)).toBeCloseTo(trainLoss[i] as number, 3);
    });
    const circles = byClass(els, 'points')
      .find((g) => (g.attributes.class ?? '').includes('train'))
      ?.children.map((c) => [
        Number(c.attributes['data-epoch']),
        Number(c.attributes['data-value']),
      ]);
    expect(circles).toEqual(trainLoss.map((v, i) => [i + 1, v]));
  });

  it('breaks the validation line where an epoch has no evaluation, and dashes it', () => {
    const els = allElements(panels[1] as XmlElement);
    const path = byClass(els, 'series').find((e) => e.attributes['data-series'] === 'validation');
    expect(path?.attributes['stroke-dasharray']).toBe('6 4');
    expect(subpaths(path?.attributes.d ?? '').map((s) => s.length)).toEqual([3, 1]);
  });

  it('escapes text and handles a single epoch', () => {
    const one: History = {
      epochs: [{ epoch: 0, step: 1, train: { 'a<b&c': 2 }, seconds: 0, examples: 1 }],
      evaluations: [],
    };
    const doc = parseXml(plotHistory(one));
    const panel = allElements(doc).find((e) => e.attributes.class === 'panel');
    expect(panel?.attributes['data-metric']).toBe('a<b&c');
    const circles = allElements(doc).filter((e) => e.name === 'circle');
    expect(circles).toHaveLength(1);
  });
});

/** The chunks of a PNG, checking each CRC. */
function chunks(png: Uint8Array): Array<{ type: string; data: Uint8Array }> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Array<{ type: string; data: Uint8Array }> = [];
  for (let o = 8; o < png.length; ) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + length);
    expect(view.getUint32(o + 8 + length), `CRC of ${type}`).toBe(
      crc32(png.subarray(o + 4, o + 8 + length)),
    );
    out.push({ type, data });
    o += 12 + length;
  }
  return out;
}

/** Decode an 8-bit RGB PNG whose rows use filters 0 or 2 (what the encoder writes). */
function pixels(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const parts = chunks(png);
  const ihdr = new DataView(parts[0]?.data.buffer as ArrayBuffer, parts[0]?.data.byteOffset);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const idat = Buffer.concat(parts.filter((p) => p.type === 'IDAT').map((p) => p.data));
  const raw = inflateSync(idat);
  const stride = width * 3;
  expect(raw.length).toBe(height * (stride + 1));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    expect([0, 2]).toContain(filter);
    for (let i = 0; i < stride; i++) {
      const above = y > 0 && filter === 2 ? (rgb[(y - 1) * stride + i] as number) : 0;
      rgb[y * stride + i] = ((raw[y * (stride + 1) + 1 + i] as number) + above) & 0xff;
    }
  }
  return { width, height, rgb };
}

describe('PNG', () => {
  it('checksums and stored deflate match zlib', () => {
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
    expect(ourCrc32(bytes)).toBe(crc32(bytes));
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    const zlibStream = storedDeflate(bytes); // spans several 65,535-byte stored blocks
    expect(Buffer.from(inflateSync(zlibStream)).equals(bytes)).toBe(true);
    expect(Buffer.from(inflateSync(storedDeflate(new Uint8Array(0)))).length).toBe(0);
  });

  it('picks nice tick steps', () => {
    expect([0.037, 0.37, 1.2, 3, 7, 45].map(niceStep)).toEqual([0.05, 0.5, 2, 5, 10, 50]);
  });

  it('has a valid signature, IHDR, CRCs and the requested size', () => {
    const png = plotHistoryPng(history, { metrics: ['loss'], width: 500, height: 240 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts.map((p) => p.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = parts[0]?.data as Uint8Array;
    expect(ihdr.length).toBe(13);
    const view = new DataView(ihdr.buffer, ihdr.byteOffset);
    expect([view.getUint32(0), view.getUint32(4)]).toEqual([500, 240]);
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, filter 0, no interlace
    expect(parts[2]?.data.length).toBe(0);
  });

  it('draws the chart: white background, the series colours at the data points', () => {
    const options = { metrics: ['loss'], width: 500, height: 240 };
    const { width, rgb } = pixels(plotHistoryPng(history, options));
    const at = (x: number, y: number) => {
      const o = (Math.round(y) * width + Math.round(x)) * 3;
      return [rgb[o], rgb[o + 1], rgb[o + 2]];
    };
    expect(at(0, 0)).toEqual([255, 255, 255]);
    const layout = chartLayout(history, options);
    const panel = layout.panels[0];
    const train = panel?.series.find((s) => s.kind === 'train');
    const validation = panel?.series.find((s) => s.kind === 'validation');
    for (const p of train?.points ?? []) expect(at(p.x, p.y)).toEqual([0x1f, 0x77, 0xb4]);
    for (const p of validation?.points ?? []) expect(at(p.x, p.y)).toEqual([0xff, 0x7f, 0x0e]);
    // The axis is drawn in dark grey along the bottom of the plot area.
    expect(at(((panel?.left ?? 0) + (panel?.right ?? 0)) / 2, panel?.bottom ?? 0)).toEqual([
      0x33, 0x33, 0x33,
    ]);
    // Text is drawn: the title row holds dark pixels.
    let dark = 0;
    for (let x = 0; x < width; x++) if ((at(x, 14)[0] as number) < 100) dark++;
    expect(dark).toBeGreaterThan(5);
  });

  it('the browser-safe encoder (stored deflate) gives the same pixels, uncompressed', () => {
    const options = { metrics: ['loss', 'accuracy'], width: 400, height: 200 };
    const stored = storedPng(history, options);
    const compressed = plotHistoryPng(history, options);
    expect(Buffer.from(pixels(stored).rgb).equals(pixels(compressed).rgb)).toBe(true);
    expect(compressed.length).toBeLessThan(stored.length / 5);
  });

  it('writePlot writes .svg and .png files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tensile-plot-'));
    try {
      await writePlot(join(dir, 'curves.svg'), history);
      await writePlot(join(dir, 'curves.png'), history);
      expect(parseXml(await readFile(join(dir, 'curves.svg'), 'utf8')).name).toBe('svg');
      expect([...(await readFile(join(dir, 'curves.png'))).subarray(1, 4)]).toEqual([
        0x50, 0x4e, 0x47,
      ]);
      await expect(writePlot(join(dir, 'curves.jpg'), history)).rejects.toThrow(/\.svg or \.png/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

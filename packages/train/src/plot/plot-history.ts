/**
 * Training curves from a `History`: `plotHistory` writes an SVG document (vector, labelled, with
 * classes and data attributes so it can be styled or inspected), `rasterizeHistory` draws the same
 * layout into pixels and `plotHistoryPng` encodes them as a PNG — with tick labels, titles and the
 * legend in a 5×7 bitmap font. Pure TypeScript, no dependencies.
 */
import type { History } from '../history.js';
import {
  type ChartLayout,
  COLORS,
  chartLayout,
  type PanelLayout,
  type PlotOptions,
} from './chart-layout.js';
import { encodePng, type PngOptions } from './png.js';
import { Canvas, type RasterImage } from './raster.js';

export type { PlotOptions } from './chart-layout.js';
export type { RasterImage } from './raster.js';

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
const n = (v: number) => (Math.round(v * 100) / 100).toString();
const pathOf = (points: ReadonlyArray<readonly [number, number]>) =>
  points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n(x)} ${n(y)}`).join(' ');

function svgPanel(panel: PanelLayout, height: number): string {
  const { left, right, top, bottom } = panel;
  const out: string[] = [];
  const metric = escapeXml(panel.metric);
  out.push(`<g class="panel" data-metric="${metric}">`);
  out.push(
    `<text class="title" x="${n((left + right) / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${metric}</text>`,
  );
  const grid = panel.yTicks.map((t) => `M${n(left)} ${n(t.position)} H${n(right)}`).join(' ');
  out.push(`<path class="grid" d="${grid}" stroke="${COLORS.grid}" fill="none"/>`);
  out.push(
    `<path class="axis" d="M${n(left)} ${n(top)} V${n(bottom)} H${n(right)}" stroke="${COLORS.axis}" fill="none"/>`,
  );
  const xTickPath = panel.xTicks
    .map((t) => `M${n(t.position)} ${n(bottom)} V${n(bottom + 5)}`)
    .join(' ');
  const yTickPath = panel.yTicks
    .map((t) => `M${n(left - 5)} ${n(t.position)} H${n(left)}`)
    .join(' ');
  out.push(`<path class="ticks x" d="${xTickPath}" stroke="${COLORS.axis}" fill="none"/>`);
  out.push(`<path class="ticks y" d="${yTickPath}" stroke="${COLORS.axis}" fill="none"/>`);
  for (const t of panel.xTicks) {
    out.push(
      `<text class="tick-label x" x="${n(t.position)}" y="${n(bottom + 17)}" text-anchor="middle">${t.label}</text>`,
    );
  }
  for (const t of panel.yTicks) {
    out.push(
      `<text class="tick-label y" x="${n(left - 8)}" y="${n(t.position + 4)}" text-anchor="end">${t.label}</text>`,
    );
  }
  out.push(
    `<text class="axis-label" x="${n((left + right) / 2)}" y="${n(height - 6)}" text-anchor="middle">epoch</text>`,
  );
  for (const s of panel.series) {
    const d = s.segments.map(pathOf).join(' ');
    const dash = s.dash === undefined ? '' : ` stroke-dasharray="${s.dash.join(' ')}"`;
    out.push(
      `<path class="series ${s.kind}" data-series="${s.kind}" d="${d}" stroke="${s.color}" stroke-width="2" fill="none"${dash}/>`,
    );
    out.push(`<g class="points ${s.kind}" fill="${s.color}">`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="3" data-epoch="${p.epoch}" data-value="${p.value}"/>`,
      );
    }
    out.push('</g>');
  }
  if (panel.legend !== undefined) {
    const { x, y, width, height: h, rowHeight } = panel.legend;
    out.push('<g class="legend">');
    out.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(h)}" fill="${COLORS.background}" stroke="#cccccc"/>`,
    );
    panel.series.forEach((s, i) => {
      const cy = y + 3 + rowHeight * i + rowHeight / 2;
      const dash = s.dash === undefined ? '' : ` stroke-dasharray="${s.dash.join(' ')}"`;
      out.push(
        `<path class="legend-line ${s.kind}" d="M${n(x + 6)} ${n(cy)} H${n(x + 26)}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      );
      out.push(
        `<text class="legend-label" x="${n(x + 30)}" y="${n(cy + 4)}">${escapeXml(s.label)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</g>');
  return out.join('\n');
}

/**
 * The history's curves as an SVG document: one panel per metric (x = epoch, y = value), the train
 * series as a solid line and the validation series dashed, each point marked, with axes, ticks,
 * gridlines and a legend. Each panel is `<g class="panel" data-metric="…">`; each series a
 * `<path class="series train|validation">` plus one `<circle data-epoch data-value>` per epoch.
 *
 * @example
 * const svg = plotHistory(history, { metrics: ['loss', 'accuracy'] });
 * await writeFile('curves.svg', svg);
 */
export function plotHistory(history: History, options: PlotOptions = {}): string {
  return svgOf(chartLayout(history, options));
}

function svgOf(layout: ChartLayout): string {
  const { width, height } = layout;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" fill="${COLORS.text}">`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="${COLORS.background}"/>`,
    ...layout.panels.map((p) => svgPanel(p, height)),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * The same chart as `plotHistory`, drawn into an RGBA raster (labels in a 5×7 bitmap font).
 *
 * @example
 * const image = rasterizeHistory(history);  // { width, height, data }
 */
export function rasterizeHistory(history: History, options: PlotOptions = {}): RasterImage {
  const layout = chartLayout(history, options);
  const canvas = new Canvas(layout.width, layout.height, COLORS.background);
  for (const panel of layout.panels) {
    const { left, right, top, bottom } = panel;
    canvas.text((left + right) / 2, 10, panel.metric, COLORS.text, { scale: 2, anchor: 'middle' });
    for (const t of panel.yTicks) {
      canvas.polyline(
        [
          [left, t.position],
          [right, t.position],
        ],
        COLORS.grid,
      );
      canvas.polyline(
        [
          [left - 5, t.position],
          [left, t.position],
        ],
        COLORS.axis,
      );
      canvas.text(left - 8, t.position - 3, t.label, COLORS.text, { anchor: 'end' });
    }
    for (const t of panel.xTicks) {
      canvas.polyline(
        [
          [t.position, bottom],
          [t.position, bottom + 5],
        ],
        COLORS.axis,
      );
      canvas.text(t.position, bottom + 9, t.label, COLORS.text, { anchor: 'middle' });
    }
    canvas.polyline(
      [
        [left, top],
        [left, bottom],
        [right, bottom],
      ],
      COLORS.axis,
    );
    canvas.text((left + right) / 2, layout.height - 14, 'epoch', COLORS.text, { anchor: 'middle' });
    for (const s of panel.series) {
      for (const segment of s.segments) canvas.polyline(segment, s.color, 2, s.dash);
      for (const p of s.points) canvas.circle(p.x, p.y, 3, s.color);
    }
    if (panel.legend !== undefined) {
      const { x, y, width, height, rowHeight } = panel.legend;
      canvas.fillRect(x, y, width, height, '#cccccc');
      canvas.fillRect(x + 1, y + 1, width - 2, height - 2, COLORS.background);
      panel.series.forEach((s, i) => {
        const cy = y + 3 + rowHeight * i + rowHeight / 2;
        canvas.polyline(
          [
            [x + 6, cy],
            [x + 26, cy],
          ],
          s.color,
          2,
          s.dash === undefined ? undefined : [4, 3],
        );
        canvas.text(x + 30, cy - 3, s.label, COLORS.text);
      });
    }
  }
  return canvas.image;
}

/**
 * The chart as PNG bytes. Without `deflate` the image data is stored uncompressed (valid, larger);
 * `@tensile/train/node`'s `plotHistoryPng` compresses with `node:zlib`.
 *
 * @example
 * const png = plotHistoryPng(history, { metrics: ['loss'] });
 */
export function plotHistoryPng(
  history: History,
  options: PlotOptions & PngOptions = {},
): Uint8Array {
  return encodePng(rasterizeHistory(history, options), options);
}

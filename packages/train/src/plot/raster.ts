/**
 * A tiny rasterizer for PNG charts: an RGBA pixel buffer and the few primitives a line chart needs
 * — filled rectangles, thick (optionally dashed) lines stamped along their length, filled circles,
 * and text in the 5×7 bitmap font. No anti-aliasing: crisp pixels, small code.
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './font.js';

/** An RGBA image, row-major, 4 bytes per pixel. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

type Rgb = readonly [number, number, number];

/**
 * `#rrggbb` → `[r, g, b]` (black for anything else).
 *
 * @example
 * parseColor('#1f77b4')  // [31, 119, 180]
 */
export function parseColor(color: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return [0, 0, 0];
  return [
    Number.parseInt(m[1] as string, 16),
    Number.parseInt(m[2] as string, 16),
    Number.parseInt(m[3] as string, 16),
  ];
}

/**
 * A drawing surface over a `RasterImage`.
 *
 * @example
 * const canvas = new Canvas(200, 100);
 * canvas.polyline([[10, 90], [190, 10]], '#1f77b4', 2);
 * canvas.text(100, 5, 'loss', '#222222', { anchor: 'middle' });
 * encodePng(canvas.image);
 */
export class Canvas {
  readonly image: RasterImage;

  constructor(width: number, height: number, background = '#ffffff') {
    this.image = { width, height, data: new Uint8Array(width * height * 4) };
    this.fillRect(0, 0, width, height, background);
  }

  /** Set one pixel (ignored outside the image). */
  pixel(x: number, y: number, rgb: Rgb): void {
    const { width, height, data } = this.image;
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const o = (py * width + px) * 4;
    data[o] = rgb[0];
    data[o + 1] = rgb[1];
    data[o + 2] = rgb[2];
    data[o + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, color: string): void {
    const rgb = parseColor(color);
    for (let j = Math.round(y); j < Math.round(y + h); j++)
      for (let i = Math.round(x); i < Math.round(x + w); i++) this.pixel(i, j, rgb);
  }

  /** A filled disc. */
  circle(cx: number, cy: number, r: number, color: string): void {
    this.disc(cx, cy, r, parseColor(color));
  }

  private disc(cx: number, cy: number, r: number, rgb: Rgb): void {
    if (r <= 0.5) {
      this.pixel(cx, cy, rgb);
      return;
    }
    for (let j = Math.floor(cy - r); j <= Math.ceil(cy + r); j++)
      for (let i = Math.floor(cx - r); i <= Math.ceil(cx + r); i++)
        if ((i - cx) ** 2 + (j - cy) ** 2 <= r * r) this.pixel(i, j, rgb);
  }

  /**
   * A polyline of `width` pixels; `dash` = `[on, off]` lengths in pixels for a dashed line (the
   * pattern continues across vertices).
   */
  polyline(
    points: ReadonlyArray<readonly [number, number]>,
    color: string,
    width = 1,
    dash?: readonly [number, number],
  ): void {
    const rgb = parseColor(color);
    let travelled = 0;
    for (let k = 1; k < points.length; k++) {
      const [x0, y0] = points[k - 1] as readonly [number, number];
      const [x1, y1] = points[k] as readonly [number, number];
      const length = Math.hypot(x1 - x0, y1 - y0);
      const samples = Math.max(1, Math.ceil(length * 2));
      for (let s = 0; s <= samples; s++) {
        const t = s / samples;
        const along = travelled + t * length;
        if (dash !== undefined && along % (dash[0] + dash[1]) >= dash[0]) continue;
        this.disc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, (width - 1) / 2, rgb);
      }
      travelled += length;
    }
  }

  /**
   * `text` in the bitmap font with its baseline box's top at `y`; `anchor` aligns `x` to the
   * start, middle or end of the text.
   */
  text(
    x: number,
    y: number,
    text: string,
    color: string,
    options: { scale?: number; anchor?: 'start' | 'middle' | 'end' } = {},
  ): void {
    const scale = options.scale ?? 1;
    const rgb = parseColor(color);
    const w = textWidth(text, scale);
    let left = Math.round(
      options.anchor === 'middle' ? x - w / 2 : options.anchor === 'end' ? x - w : x,
    );
    const top = Math.round(y);
    for (const char of text) {
      const bits = glyph(char);
      for (let row = 0; row < GLYPH_HEIGHT; row++)
        for (let col = 0; col < GLYPH_WIDTH; col++)
          if (bits[row * GLYPH_WIDTH + col] === 1)
            for (let dy = 0; dy < scale; dy++)
              for (let dx = 0; dx < scale; dx++)
                this.pixel(left + col * scale + dx, top + row * scale + dy, rgb);
      left += (GLYPH_WIDTH + 1) * scale;
    }
  }
}

/**
 * Sample grids: a batch of grayscale images `[N, 1, H, W]` (values in [0, 1]) tiled into one RGBA
 * raster (`@tensile/train`'s `RasterImage`) with a border, written as a PNG (`encodePng`,
 * compressed with `node:zlib`) and as an SVG that embeds that PNG (pixelated, scales crisply).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';
import { encodePng, type RasterImage } from '@tensile/train';

/**
 * Tile `count` images of `size`×`size` pixels into a grid `cols` wide.
 *
 * @example
 * const raster = imageGrid(pixels, 64, { cols: 8 });  // 8×8 tiles of 28×28 with 2-pixel borders
 */
export function imageGrid(
  pixels: Float32Array,
  count: number,
  options: { cols?: number; size?: number; border?: number; scale?: number } = {},
): RasterImage {
  const size = options.size ?? 28;
  const cols = options.cols ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const border = options.border ?? 2;
  const scale = options.scale ?? 2;
  const cell = size * scale + border;
  const width = cols * cell + border;
  const height = rows * cell + border;
  const data = new Uint8Array(width * height * 4).fill(96); // RGBA, grey borders (alpha unused)
  for (let n = 0; n < count; n++) {
    const x0 = border + (n % cols) * cell;
    const y0 = border + Math.floor(n / cols) * cell;
    for (let y = 0; y < size * scale; y++) {
      for (let x = 0; x < size * scale; x++) {
        const v =
          pixels[n * size * size + Math.floor(y / scale) * size + Math.floor(x / scale)] ?? 0;
        const byte = Math.round(Math.min(1, Math.max(0, v)) * 255);
        const at = ((y0 + y) * width + x0 + x) * 4;
        data[at] = byte;
        data[at + 1] = byte;
        data[at + 2] = byte;
      }
    }
  }
  return { width, height, data };
}

/**
 * Write the raster as `<base>.png` and `<base>.svg`; returns both paths.
 *
 * @example
 * await writeImageFiles('runs/gan/samples', imageGrid(pixels, 64));
 */
export async function writeImageFiles(base: string, raster: RasterImage): Promise<string[]> {
  await mkdir(dirname(base), { recursive: true });
  const png = encodePng(raster, { deflate: (d) => new Uint8Array(deflateSync(d, { level: 9 })) });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${raster.width}" height="${raster.height}" viewBox="0 0 ${raster.width} ${raster.height}"><image width="${raster.width}" height="${raster.height}" style="image-rendering:pixelated" href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/></svg>\n`;
  await writeFile(`${base}.png`, png);
  await writeFile(`${base}.svg`, svg);
  return [`${base}.png`, `${base}.svg`];
}

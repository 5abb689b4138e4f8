/**
 * Weights in safetensors: every model (with its batch-norm state) round-trips bit for bit through
 * a file and through bytes, and the loaded model computes the same outputs; a file that does not
 * fit the model (other architecture, other widths, other dtype), a truncated file or a missing
 * one throws a clear error and leaves no tensors behind; `{ path, sha256 }` and `file://` URLs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DTypeError, memory, np, random, ShapeError, scope, tree, ValueError } from '@tensile/core';
import { decodeSafetensors, SafetensorsError } from '@tensile/io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lenet5,
  mlp,
  vggSmall,
  WeightsError,
  weightsFromBytes,
  weightsToBytes,
} from '../src/index.js';
import { sha256Hex } from '../src/node/download.js';
import { loadWeights, saveWeights } from '../src/node.js';
import { CASES } from './support/cases.js';
import { expectBitwiseEqual } from './support/tensors.js';

const live = () => memory().cpu?.tensors ?? 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensile-zoo-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Assert two pytrees have the same structure and bitwise-equal tensors. */
function expectSameTree(actual: unknown, expected: unknown, what: string): void {
  const [a, aDef] = tree.flatten(actual);
  const [e, eDef] = tree.flatten(expected);
  expect(aDef.equals(eDef), `${what}: structure`).toBe(true);
  a.forEach((leaf, i) => {
    expectBitwiseEqual(leaf as never, e[i] as never, `${what} leaf ${i}`);
  });
}

describe('save → load round-trips exactly', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const [saved, template] = scope(() => [c.build(random.key(0)), c.build(random.key(1))]);
    const path = join(dir, 'nested', 'model.safetensors');
    await saveWeights(saved, path, { metadata: { model: c.name } });
    const loaded = await loadWeights(template, path);
    expectSameTree(loaded, saved, c.name);
    // The loaded model computes exactly what the saved one does.
    const [outSaved, outLoaded] = scope(() => {
      const x = c.input(random.key(2));
      return [c.run(saved.model, saved.state, x), c.run(loaded.model, loaded.state, x)];
    });
    outLoaded.forEach((o, i) => {
      expectBitwiseEqual(o, outSaved[i] as never, `${c.name} output ${i}`);
    });
    // The template is untouched and the loaded tensors are new.
    expect(tree.leaves(loaded).some((l) => tree.leaves(template).includes(l))).toBe(false);
    tree.dispose([saved, template, loaded, outSaved, outLoaded]);
  });

  it('names tensors by their module fields, so files are readable by other tools', async () => {
    const model = scope(() => lenet5.init(random.key(0)));
    const { tensors } = decodeSafetensors(await weightsToBytes(model));
    const names = Object.keys(tensors).sort();
    expect(names).toContain('layers.0.weight');
    expect(names).toContain('layers.0.bias');
    expect(names.every((n) => /^layers\.\d+\.[a-zA-Z]+$/.test(n))).toBe(true);
    tree.dispose([model, tensors]);
  });

  it('through bytes, as Uint8Array sources and file:// URLs', async () => {
    const [model, template] = scope(() => [lenet5.init(random.key(0)), lenet5.init(random.key(1))]);
    const bytes = await weightsToBytes(model);
    const fromBytes = weightsFromBytes(template, bytes);
    expectSameTree(fromBytes, model, 'weightsFromBytes');
    const fromSource = await loadWeights(template, bytes);
    expectSameTree(fromSource, model, 'loadWeights(bytes)');
    const path = join(dir, 'lenet5.safetensors');
    await writeFile(path, bytes);
    const fromUrl = await loadWeights(template, pathToFileURL(path));
    const fromUrlString = await loadWeights(template, pathToFileURL(path).href);
    const checked = await loadWeights(template, { path, sha256: sha256Hex(bytes).toUpperCase() });
    for (const t of [fromUrl, fromUrlString, checked]) expectSameTree(t, model, 'file');
    await expect(loadWeights(template, { path, sha256: '0'.repeat(64) })).rejects.toThrow(
      /has sha256 [0-9a-f]{64}, expected 0{64}/,
    );
    await expect(loadWeights(template, { path, sha256: 'abc' })).rejects.toThrow(
      /sha256 must be 64 hex digits/,
    );
    tree.dispose([model, template, fromBytes, fromSource, fromUrl, fromUrlString, checked]);
  });
});

describe('loading weights that do not fit fails cleanly', () => {
  it('another architecture: names every missing and unexpected tensor', async () => {
    const path = join(dir, 'lenet5.safetensors');
    const [lenet, other] = scope(() => [
      lenet5.init(random.key(0)),
      mlp.init(random.key(0), { sizes: [784, 8, 10] }),
    ]);
    await saveWeights(lenet, path);
    const before = live();
    const error = await loadWeights(other, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toMatch(
      /^loadWeights: .*lenet5\.safetensors does not fit the model: /,
    );
    expect((error as Error).message).toMatch(/missing|unexpected/);
    expect(live()).toBe(before);
    tree.dispose([lenet, other]);
  });

  it('other widths: a ShapeError naming the tensor and both shapes', async () => {
    const path = join(dir, 'vgg.safetensors');
    const [narrow, wide] = scope(() => [
      vggSmall.init(random.key(0), { widths: [4, 8], hidden: 16 }),
      vggSmall.init(random.key(0), { widths: [4, 6], hidden: 16 }),
    ]);
    await saveWeights(narrow, path);
    const before = live();
    await expect(loadWeights(wide, path)).rejects.toThrow(ShapeError);
    await expect(loadWeights(wide, path)).rejects.toThrow(
      /has shape \[8,4,3,3\], the template expects \[6,4,3,3\]/,
    );
    expect(live()).toBe(before);
    tree.dispose([narrow, wide]);
  });

  it('another dtype: a DTypeError', async () => {
    const [ints, floats] = scope(() => [
      { table: np.arange(6).reshape([2, 3]) },
      { table: np.zeros([2, 3]) },
    ]);
    const bytes = await weightsToBytes(ints);
    const before = live();
    expect(() => weightsFromBytes(floats, bytes)).toThrow(DTypeError);
    expect(live()).toBe(before);
    tree.dispose([ints, floats]);
  });

  it('a truncated or missing file', async () => {
    const model = scope(() => lenet5.init(random.key(0)));
    const path = join(dir, 'lenet5.safetensors');
    await saveWeights(model, path);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 100));
    const before = live();
    await expect(loadWeights(model, path)).rejects.toThrow(SafetensorsError);
    await expect(loadWeights(model, join(dir, 'absent.safetensors'))).rejects.toThrow(
      /loadWeights: cannot read .*absent\.safetensors/,
    );
    await expect(loadWeights(model, 42 as never)).rejects.toThrow(WeightsError);
    expect(live()).toBe(before);
    tree.dispose(model);
  });
});

/**
 * Checkpoint files: save → load round trips, the Python-written checkpoint, verification before
 * any tensor exists (corruption, truncation, templates), and atomic writes (failures injected at
 * every step, a hung write, and a real SIGKILL mid-write) that never damage the previous file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShapedArray, Tensor, tree } from '@tensile/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeSafetensors,
} from '../src/index.js';
import {
  type AtomicFileSystem,
  checkpointPath,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from '../src/node.js';
import {
  asNumber,
  type ExpectedFile,
  expected,
  fixture,
  fixtureDir,
  liveTensors,
  must,
  tensorOf,
} from './support/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensile-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const model = (scale: number) => ({
  layers: [
    {
      weight: tensorOf(
        [1, 2, 3, 4, 5, 6].map((v) => v * scale),
        [3, 2],
        'float32',
      ),
      bias: tensorOf([scale, -scale], [2], 'float32'),
    },
  ],
  frozen: true,
});
const adamState = (scale: number) => ({
  count: tensorOf([scale], [], 'int32'),
  mu: {
    layers: [
      {
        weight: tensorOf([0, 0, 0, 0, 0, scale], [3, 2], 'float32'),
        bias: tensorOf([0, 0], [2], 'float32'),
      },
    ],
  },
});
const tensorLeaves = (t: unknown) => tree.leaves(t).filter((x): x is Tensor => x instanceof Tensor);
const values = async (t: unknown) =>
  Promise.all(tensorLeaves(t).map(async (x) => Array.from(await x.data())));
/** A template with the same structure whose tensor slots are `ShapedArray`s (no allocation). */
const shapesOf = <T>(t: T): T => tree.map((x) => (x instanceof Tensor ? x.aval : x), t);
const modelTemplate = () => shapesOf(disposed(model(0)));
const stateTemplate = () => shapesOf(disposed(adamState(0)));
/** The tree, its tensors disposed (their shapes and dtypes stay readable). */
function disposed<T>(t: T): T {
  tree.dispose(t);
  return t;
}

/** loadCheckpoint must reject with a CheckpointError matching `pattern` and create no tensor. */
async function expectRefused(load: Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = liveTensors();
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message).toMatch(pattern);
  expect(liveTensors()).toBe(before);
}

describe('save and load', () => {
  test('params, optimizer state, step and metadata round trip', async () => {
    const params = model(1);
    const optState = adamState(7);
    const path = checkpointPath(dir, 7);
    await saveCheckpoint(path, { params, optState, step: 7, metadata: { lr: 0.001, tags: ['a'] } });
    const loaded = await loadCheckpoint(path, {
      params: modelTemplate(),
      optState: stateTemplate(),
    });
    expect(loaded.step).toBe(7);
    expect(loaded.metadata).toEqual({ lr: 0.001, tags: ['a'] });
    expect(loaded.params.frozen).toBe(true);
    expect(await values(loaded.params)).toEqual(await values(params));
    expect(await values(loaded.optState)).toEqual(await values(optState));
    tree.dispose([params, optState, loaded.params, loaded.optState]);
  });

  test('the checkpoint written by the Python script loads with its values, step and metadata', async () => {
    const file = expected.files['checkpoint.safetensors'] as ExpectedFile;
    const spec = (name: string) =>
      new ShapedArray(
        file.tensors[name]?.shape,
        file.tensors[name]?.dtype === 'I32' ? 'int32' : 'float32',
      );
    const layers = (prefix: string) =>
      [0, 1].map((i) => ({
        weight: spec(`${prefix}layers.${i}.weight`),
        bias: spec(`${prefix}layers.${i}.bias`),
      }));
    const loaded = await loadCheckpoint(join(fixtureDir, 'checkpoint.safetensors'), {
      params: { layers: layers('params.') },
      optState: { count: spec('opt_state.count'), mu: { layers: layers('opt_state.mu.') } },
    });
    expect(loaded.step).toBe(3);
    expect(loaded.metadata).toEqual(file.checkpoint?.metadata);
    const layer1 = loaded.params.layers[1] as unknown as { weight: Tensor };
    expect(Array.from(await layer1.weight.data())).toEqual(
      file.tensors['params.layers.1.weight']?.values.map(asNumber),
    );
    const count = loaded.optState.count as unknown as Tensor;
    expect(await count.toArray()).toBe(3);
    tree.dispose([loaded.params, loaded.optState]);
  });

  test('without an optState template only the parameters are loaded', async () => {
    const [params, optState] = [model(2), adamState(1)];
    const path = join(dir, 'c.safetensors');
    await saveCheckpoint(path, { params, optState, step: 1 });
    const before = liveTensors();
    const loaded = await loadCheckpoint(path, { params });
    expect(loaded.optState).toBeUndefined();
    expect(liveTensors() - before).toBe(2);
    expect(await values(loaded.params)).toEqual(await values(params));
    tree.dispose([params, optState, loaded.params]);
  });

  test('a checkpoint without optimizer state and metadata', async () => {
    const params = model(1);
    const bytes = await encodeCheckpoint({ params, step: 0 });
    const loaded = decodeCheckpoint(bytes, { params });
    expect([loaded.step, loaded.metadata, loaded.optState]).toEqual([0, {}, undefined]);
    tree.dispose([params, loaded.params]);
  });
});

describe('verification before any tensor is created', () => {
  let path: string;
  let good: Uint8Array;
  beforeEach(async () => {
    const [params, optState] = [model(1), adamState(1)];
    path = join(dir, 'ckpt.safetensors');
    await saveCheckpoint(path, { params, optState, step: 5 });
    good = new Uint8Array(await readFile(path));
    tree.dispose([params, optState]);
  });
  const _load = (templates = { params: modelTemplate(), optState: stateTemplate() }) => {
    const promise = loadCheckpoint(path, templates);
    return { promise, templates };
  };
  const refusedWith = async (
    pattern: RegExp,
    templates?: { params: unknown; optState?: unknown },
  ) => {
    const t = templates ?? { params: modelTemplate(), optState: stateTemplate() };
    await expectRefused(loadCheckpoint(path, t), pattern);
    tree.dispose(t);
  };

  test('a truncated file', async () => {
    await writeFile(path, good.subarray(0, good.length - 10));
    await refusedWith(
      /^loadCheckpoint: .*ckpt\.safetensors: tensors need \d+ data bytes but the file holds \d+ after the header: truncated/,
    );
  });
  test('a file cut inside the header', async () => {
    await writeFile(path, good.subarray(0, 40));
    await refusedWith(
      /ckpt\.safetensors: header length \d+ runs past the end of the file \(40 bytes\)/,
    );
  });
  test('a corrupted header length', async () => {
    const bytes = good.slice();
    bytes[5] = 0xff;
    await writeFile(path, bytes);
    await refusedWith(/header length \d+ exceeds the 100000000-byte limit/);
  });
  test('bad header JSON', async () => {
    const bytes = good.slice();
    bytes[9] = 0x3a; // ':' right after the opening brace
    await writeFile(path, bytes);
    await refusedWith(/header is not valid JSON/);
  });
  test('a flipped data byte cannot be detected (no checksum), but a flipped offset can', async () => {
    const text = new TextDecoder().decode(good);
    const at = text.indexOf('"data_offsets":[0,');
    const bytes = good.slice();
    bytes[at + 16] = '1'.charCodeAt(0); // [0,… → [1,…
    await writeFile(path, bytes);
    await refusedWith(/data_offsets \[1,\d+\] span \d+|needs \d+ bytes/);
  });
  test('a missing file', async () => {
    await rm(path);
    await refusedWith(/^loadCheckpoint: .*ckpt\.safetensors: cannot read the file \(ENOENT/);
  });
  test('a safetensors file that is not a Tensile checkpoint', async () => {
    await copyFile(join(fixtureDir, 'written.safetensors'), path);
    await refusedWith(/not a Tensile checkpoint \(no 'tensile\.checkpoint' in __metadata__\)/);
  });
  test('an unsupported format version, a bad step, bad metadata JSON', async () => {
    const w = tensorOf([1], [1], 'float32');
    const meta = (over: Record<string, string>) => ({
      'tensile.checkpoint': '1',
      'tensile.step': '1',
      'tensile.metadata': '{}',
      ...over,
    });
    const cases: Array<[Record<string, string>, RegExp]> = [
      [meta({ 'tensile.checkpoint': '2' }), /checkpoint format version "2" is not supported/],
      [meta({ 'tensile.step': '-1' }), /'tensile\.step' must be a non-negative integer, got -1/],
      [meta({ 'tensile.step': '1.5' }), /'tensile\.step' must be a non-negative integer/],
      [meta({ 'tensile.metadata': '{oops' }), /'tensile\.metadata' is not valid JSON/],
    ];
    for (const [metadata, pattern] of cases) {
      await writeFile(path, await encodeSafetensors({ 'params.w': w }, metadata));
      await expectRefused(
        loadCheckpoint(path, { params: { w: new ShapedArray([1], 'float32') } }),
        pattern,
      );
    }
    w.dispose();
  });
  test('names missing from or unexpected in the file, listed together', async () => {
    const params = { ...modelTemplate(), extra: new ShapedArray([1], 'float32') };
    const optState = { count: new ShapedArray([], 'int32') };
    await refusedWith(
      /the checkpoint does not fit the templates: 3 problems: missing tensor 'params\.extra' \(float32 \[1\]\); unexpected tensor 'opt_state\.mu\.layers\.0\.bias' \(F32 \[2\]\); unexpected tensor 'opt_state\.mu\.layers\.0\.weight' \(F32 \[3,2\]\)$/,
      { params, optState },
    );
  });
  test('a shape that differs from the template', async () => {
    const params = modelTemplate();
    must(params.layers[0]).bias = new ShapedArray([3], 'float32') as never;
    await refusedWith(
      /tensor 'params\.layers\.0\.bias' has shape \[2\], the template expects \[3\]/,
      {
        params,
        optState: stateTemplate(),
      },
    );
  });
  test('a dtype that differs from the template', async () => {
    const optState = stateTemplate();
    optState.count = new ShapedArray([], 'float32') as never;
    await refusedWith(/tensor 'opt_state\.count' has dtype int32, the template expects float32/, {
      params: modelTemplate(),
      optState,
    });
  });
  test('decodeCheckpoint names its source', () => {
    const before = liveTensors();
    expect(() =>
      decodeCheckpoint(good.subarray(0, 7), { params: {} }, { source: 'memory://a' }),
    ).toThrow(/^decodeCheckpoint: memory:\/\/a: file is 7 bytes/);
    expect(liveTensors()).toBe(before);
  });
  test('saving refuses a bad step or non-JSON metadata', async () => {
    const params = model(1);
    await expect(saveCheckpoint(path, { params, step: -1 })).rejects.toThrow(
      /saveCheckpoint: step must be a non-negative integer, got -1/,
    );
    await expect(saveCheckpoint(path, { params, step: 1, metadata: { n: 1n } })).rejects.toThrow(
      /saveCheckpoint: metadata is not JSON-serializable/,
    );
    await expect(
      saveCheckpoint(path, {
        params: { a: { 'b.c': params.layers[0]?.bias }, 'a.b': { c: params.layers[0]?.weight } },
        step: 1,
      }),
    ).rejects.toThrow(CheckpointError);
    expect(new Uint8Array(await readFile(path))).toEqual(good);
    tree.dispose(params);
  });
});

describe('atomic writes', () => {
  let path: string;
  let old: { params: ReturnType<typeof model>; optState: ReturnType<typeof adamState> };
  beforeEach(async () => {
    path = checkpointPath(dir, 1);
    old = { params: model(1), optState: adamState(1) };
    await saveCheckpoint(path, { ...old, step: 1 });
  });
  afterEach(() => tree.dispose(old));

  /** The previous checkpoint is intact: it loads, with its old values and step. */
  async function expectPreviousIntact(): Promise<void> {
    const loaded = await loadCheckpoint(path, {
      params: modelTemplate(),
      optState: stateTemplate(),
    });
    expect(loaded.step).toBe(1);
    expect(await values(loaded.params)).toEqual(await values(old.params));
    tree.dispose([loaded.params, loaded.optState]);
  }

  /** node:fs/promises with one operation replaced by a failure. */
  function failing(step: 'open' | 'writeFile' | 'sync' | 'rename'): AtomicFileSystem {
    const boom = async () => {
      throw new Error(`injected ${step} failure`);
    };
    return {
      open:
        step === 'open'
          ? boom
          : async (p, flags, mode) => {
              const handle = await fs.open(p, flags, mode);
              if (step === 'writeFile' || (step === 'sync' && flags !== 'r')) {
                return {
                  writeFile: step === 'writeFile' ? boom : (d) => handle.writeFile(d),
                  sync: boom,
                  close: () => handle.close(),
                };
              }
              return handle;
            },
      rename: step === 'rename' ? boom : fs.rename,
      rm: fs.rm,
    };
  }

  for (const step of ['open', 'writeFile', 'sync', 'rename'] as const) {
    test(`a failing ${step} leaves the previous checkpoint intact and no temporary file`, async () => {
      const [params, optState] = [model(2), adamState(2)];
      await expect(
        saveCheckpoint(path, { params, optState, step: 2 }, { fileSystem: failing(step) }),
      ).rejects.toThrow(
        new RegExp(
          `saveCheckpoint: .*ckpt-1\\.safetensors: could not write the checkpoint \\(injected ${step} failure\\); any previous file there is unchanged`,
        ),
      );
      expect(await readdir(dir)).toEqual(['ckpt-1.safetensors']);
      await expectPreviousIntact();
      tree.dispose([params, optState]);
    });
  }

  test('a write that never finishes (a hang or a crash inside the process) leaves the target intact', async () => {
    let release: () => void = () => {};
    let halfWritten: () => void = () => {};
    const reachedHalf = new Promise<void>((resolve) => {
      halfWritten = resolve;
    });
    let tempPath = '';
    const hanging: AtomicFileSystem = {
      open: async (p, flags, mode) => {
        const handle = await fs.open(p, flags, mode);
        tempPath = p;
        return {
          writeFile: async (data) => {
            await handle.write(data, 0, data.length >> 1);
            halfWritten();
            await new Promise<void>((resolve) => {
              release = resolve;
            });
            throw new Error('released');
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
      rename: fs.rename,
      rm: fs.rm,
    };
    const [params, optState] = [model(3), adamState(3)];
    const saving = saveCheckpoint(
      path,
      { params, optState, step: 3 },
      { fileSystem: hanging },
    ).catch((e: unknown) => e);
    await reachedHalf;
    expect(tempPath).toMatch(/ckpt-1\.safetensors\.tmp-\d+-[0-9a-f]{12}$/);
    expect((await readdir(dir)).sort()).toEqual(['ckpt-1.safetensors', tempPath.split('/').pop()]);
    await expectPreviousIntact();
    expect((await latestCheckpoint(dir))?.step).toBe(1);
    await expectRefused(
      loadCheckpoint(tempPath, { params: modelTemplate() }).finally(() => {}),
      /truncated|runs past the end/,
    );
    release();
    expect(await saving).toBeInstanceOf(CheckpointError);
    expect(await readdir(dir)).toEqual(['ckpt-1.safetensors']);
    tree.dispose([params, optState]);
  });

  test('a process killed (SIGKILL) mid-write leaves the previous checkpoint intact', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/io/test/support/crash-mid-write.ts',
        path,
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(child.stdout).toMatch(/wrote half of \d+ bytes to .*ckpt-1\.safetensors\.tmp-/);
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('ckpt-1.safetensors');
    expect(names[1]).toMatch(/^ckpt-1\.safetensors\.tmp-\d+-[0-9a-f]{12}$/);
    await expectPreviousIntact();
    expect(await latestCheckpoint(dir)).toEqual({ path, step: 1 });
  }, 60_000);
});

describe('checkpoint directories', () => {
  test('latestCheckpoint picks the highest step and ignores other files', async () => {
    for (const name of [
      'ckpt-2.safetensors',
      'ckpt-10.safetensors',
      'ckpt-9.safetensors',
      'ckpt-11.safetensors.tmp-1-ab',
      'ckpt-x.safetensors',
      'notes.txt',
    ]) {
      await writeFile(join(dir, name), '');
    }
    expect(await latestCheckpoint(dir)).toEqual({
      path: join(dir, 'ckpt-10.safetensors'),
      step: 10,
    });
  });
  test('no checkpoints, or no directory', async () => {
    expect(await latestCheckpoint(dir)).toBeUndefined();
    expect(await latestCheckpoint(join(dir, 'missing'))).toBeUndefined();
  });
  test('checkpointPath', () => {
    expect(checkpointPath('runs/a', 100)).toBe(join('runs/a', 'ckpt-100.safetensors'));
    expect(() => checkpointPath('runs/a', 1.5)).toThrow(CheckpointError);
  });
});

test('fixture() is the file on disk (sanity for the tests above)', () => {
  expect(fixture('empty.safetensors').length).toBe(16);
});

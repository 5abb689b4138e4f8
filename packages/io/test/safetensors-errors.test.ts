/**
 * Bad safetensors input gives a SafetensorsError that names the file and the problem, and no
 * tensor is left behind (every check runs before the first tensor is created).
 */
import { describe, expect, test } from 'vitest';
import { decodeSafetensors, readSafetensorsHeader, SafetensorsError } from '../src/index.js';
import { craft, fixture, headerLength, liveTensors } from './support/fixtures.js';

const SOURCE = 'bad.safetensors';

/** decodeSafetensors must throw a SafetensorsError matching `pattern` and create no tensor. */
function expectRefused(bytes: Uint8Array, pattern: RegExp, options = {}): void {
  const before = liveTensors();
  let caught: unknown;
  try {
    decodeSafetensors(bytes, { source: SOURCE, ...options });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  expect((caught as Error).message).toMatch(/^decodeSafetensors: bad\.safetensors: /);
  expect((caught as Error).message).toMatch(pattern);
  expect(liveTensors()).toBe(before);
}

const good = fixture('written.safetensors');
const f32 = (shape: number[], begin: number, end: number) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

describe('length prefix and truncation', () => {
  test('a file shorter than the 8-byte length', () => {
    expectRefused(good.subarray(0, 5), /file is 5 bytes, too short/);
  });
  test('truncated inside the header', () => {
    expectRefused(
      good.subarray(0, 100),
      /header length 944 runs past the end of the file \(100 bytes\)/,
    );
  });
  test('truncated inside the data', () => {
    expectRefused(
      good.subarray(0, good.length - 3),
      /tensors need 123 data bytes but the file holds 120.*truncated/,
    );
  });
  test('a corrupted (huge) header length', () => {
    const bytes = good.slice();
    bytes[7] = 0x01;
    expectRefused(bytes, /header length \d+ exceeds the 100000000-byte limit/);
  });
  test('a header length that points into the data', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(0, headerLength(good) + 16, true);
    expectRefused(bytes, /header is not (valid JSON|valid UTF-8)/);
  });
  test('a header length that cuts the JSON short', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(0, headerLength(good) - 16, true);
    expectRefused(bytes, /header is not valid JSON/);
  });
  test('extra bytes after the last tensor', () => {
    const bytes = new Uint8Array(good.length + 4);
    bytes.set(good);
    expectRefused(bytes, /4 bytes after the last tensor belong to no tensor/);
  });
});

describe('header JSON', () => {
  test('bad JSON', () => {
    const bytes = good.slice();
    bytes[8 + 40] = 0x7b; // '{' in the middle of a key
    expectRefused(bytes, /header is not valid JSON \(/);
  });
  test('invalid UTF-8', () => {
    const bytes = craft({ 'a\u00e9': f32([1], 0, 4) }, 4);
    bytes[bytes.indexOf(0xc3)] = 0xff; // first byte of 'é' → a byte UTF-8 never uses
    expectRefused(bytes, /header is not valid UTF-8/);
  });
  test("not starting with '{'", () => {
    expectRefused(craft([f32([1], 0, 4)], 4), /does not start with '\{'/);
  });
  test('a tensor entry that is not an object', () => {
    expectRefused(craft({ w: [1, 2] }), /tensor 'w': entry must be an object/);
  });
  test('an unknown dtype', () => {
    expectRefused(
      craft({ w: { dtype: 'F31', shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor 'w': unknown dtype "F31"/,
    );
  });
  test('a negative or fractional dimension', () => {
    expectRefused(
      craft({ w: f32([-1], 0, 4) }, 4),
      /tensor 'w': shape must be an array of non-negative integers/,
    );
    expectRefused(craft({ w: f32([1.5], 0, 4) }, 4), /tensor 'w': shape must be/);
  });
  test('missing or malformed data_offsets', () => {
    expectRefused(
      craft({ w: { dtype: 'F32', shape: [1] } }, 4),
      /tensor 'w': data_offsets must be \[begin, end\]/,
    );
    expectRefused(
      craft({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 2, 4] } }, 4),
      /data_offsets must be/,
    );
    expectRefused(
      craft({ w: f32([0], 4, 0) }, 4),
      /tensor 'w': data_offsets \[4,0\] end before they begin/,
    );
  });
  test('metadata that is not a string map', () => {
    expectRefused(
      craft({ __metadata__: { epoch: 3 } }),
      /__metadata__ must map strings to strings; key 'epoch' holds number 3/,
    );
    expectRefused(craft({ __metadata__: ['x'] }), /__metadata__ must be an object of strings/);
  });
});

describe('offsets', () => {
  test('a byte span that does not match dtype × shape', () => {
    expectRefused(
      craft({ w: f32([2, 3], 0, 20) }, 20),
      /tensor 'w': F32 \[2,3\] needs 24 bytes but data_offsets \[0,20\] span 20/,
    );
  });
  test('overlapping tensors', () => {
    expectRefused(
      craft({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12),
      /tensor 'b' data_offsets \[4,12\] overlap tensor 'a' \[0,8\]/,
    );
  });
  test('two tensors at the same offsets', () => {
    expectRefused(craft({ a: f32([2], 0, 8), b: f32([2], 0, 8) }, 16), /overlap tensor 'a'/);
  });
  test('a gap between tensors', () => {
    expectRefused(
      craft({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12),
      /data bytes \[4,8\) belong to no tensor \(gap before tensor 'b'\)/,
    );
  });
  test('offsets past the end of the file', () => {
    expectRefused(
      craft({ a: f32([256], 0, 1024) }, 16),
      /tensors need 1024 data bytes but the file holds 16/,
    );
  });
  test('readSafetensorsHeader runs the same checks without a source', () => {
    expect(() => readSafetensorsHeader(craft({ a: f32([2], 0, 8) }, 4))).toThrow(
      /^readSafetensorsHeader: tensors need 8 data bytes/,
    );
  });
  test('non-bytes input', () => {
    expectRefused(
      'not bytes' as unknown as Uint8Array,
      /expected the file's bytes as a Uint8Array, got a string/,
    );
  });
});

describe('valid files Tensile cannot load', () => {
  test('an F8_E4M3 tensor', () => {
    expectRefused(
      fixture('f8.safetensors'),
      /tensor 'fp8' has dtype F8_E4M3, which Tensile cannot load/,
    );
  });
  test('an I64 value outside int32', () => {
    expectRefused(
      fixture('i64_overflow.safetensors'),
      /tensor 'big' \(I64\): element 1 = 1099511627776 does not fit in int32/,
    );
  });
  test('a BOOL byte that is not 0 or 1 (the valid tensors before it are not created either)', () => {
    const bytes = craft(
      { a: f32([1], 0, 4), m: { dtype: 'BOOL', shape: [2], data_offsets: [4, 6] } },
      Uint8Array.from([0, 0, 128, 63, 1, 2]),
    );
    expectRefused(bytes, /tensor 'm' \(BOOL\): element 1 is byte 2, not 0 or 1/);
  });
  test("float16: 'float16' on a backend without float16", () => {
    expectRefused(good, /float16: 'float16' was asked for but backend 'cpu' has no float16/, {
      float16: 'float16',
    });
  });
});

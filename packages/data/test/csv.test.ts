/**
 * CSV: RFC 4180 quoting (delimiters, newlines and doubled quotes inside quotes), CRLF and BOM,
 * chunked parsing equal to whole-text parsing, numeric columns, and malformed input that must name
 * the file and the line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Effect, Stream } from 'effect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvParser, DataFormatError, numericColumns, parseCsv } from '../src/index.js';
import { csvRowsStream, readCsv } from '../src/node.js';
import { tempDir } from './support/fixtures.js';

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

const tricky =
  '\uFEFFname,"note, with comma",n\r\n"Smith, J.","said ""hi""\nthen left",1\r\n\r\nplain,,2.5\n';

describe('parseCsv', () => {
  it('handles quoted fields, doubled quotes, embedded newlines, CRLF, a BOM and blank lines', () => {
    const table = parseCsv(tricky);
    expect(table.header).toEqual(['name', 'note, with comma', 'n']);
    expect(table.rows).toEqual([
      ['Smith, J.', 'said "hi"\nthen left', '1'],
      ['plain', '', '2.5'],
    ]);
    expect(table.lines).toEqual([2, 5]);
  });

  it('gives the same records fed one character at a time', () => {
    const parser = new CsvParser();
    const records = [...tricky].flatMap((ch) => parser.push(ch));
    records.push(...parser.end());
    expect(records.map((r) => r.fields)).toEqual([
      ['name', 'note, with comma', 'n'],
      ['Smith, J.', 'said "hi"\nthen left', '1'],
      ['plain', '', '2.5'],
    ]);
  });

  it('supports another delimiter and a last line without newline', () => {
    expect(parseCsv('a;b\n1;"x;y"', { delimiter: ';' }).rows).toEqual([['1', 'x;y']]);
  });

  it('rejects rows with the wrong number of fields, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 'data.csv' })).toThrow(
      /parseCsv: data\.csv: line 3: 1 fields, but the header has 2/,
    );
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n', { source: 'x.csv' })).toThrow(
      /x\.csv: line 2: a quoted field is never closed/,
    );
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/line 2: unexpected "y" after a closing quote/);
    expect(() => parseCsv('')).toThrow(DataFormatError);
    expect(() => parseCsv('a,a\n')).toThrow(/column 'a' appears twice/);
  });
});

describe('numericColumns', () => {
  it('parses numbers (including NaN spelled out) as float32 columns', () => {
    const cols = numericColumns(parseCsv('x,y\n1,-2.5e1\n3,nan\n'));
    expect(Array.from(cols.x?.data ?? [])).toEqual([1, 3]);
    expect(cols.y?.shape).toEqual([2]);
    expect(cols.y?.data[0]).toBe(-25);
    expect(Number.isNaN(cols.y?.data[1])).toBe(true);
  });

  it('names the column, line and value that is not a number; empty fields need missing: nan', () => {
    const table = parseCsv('x,y\n1,2\n3,abc\n', { source: 'f.csv' });
    expect(() => numericColumns(table)).toThrow(
      /numericColumns: f\.csv: line 3: column 'y' holds "abc", which is not a number/,
    );
    expect(() => numericColumns(table, ['z'])).toThrow(/no column 'z' \(columns: x, y\)/);
    const empty = parseCsv('x\n1\n""\n');
    expect(() => numericColumns(empty)).toThrow(/line 3/);
    expect(Number.isNaN(numericColumns(empty, ['x'], { missing: 'nan' }).x?.data[1])).toBe(true);
  });
});

describe('CSV files', () => {
  it('readCsv reads a file; csvRowsStream streams it as records', async () => {
    const path = join(dir, 'people.csv');
    await writeFile(path, tricky);
    expect((await readCsv(path)).rows.length).toBe(2);
    const rows = await Effect.runPromise(Stream.runCollect(csvRowsStream(path)));
    expect(rows).toEqual([
      { name: 'Smith, J.', 'note, with comma': 'said "hi"\nthen left', n: '1' },
      { name: 'plain', 'note, with comma': '', n: '2.5' },
    ]);
  });

  it('csvRowsStream fails with a DataError naming the line of a malformed row', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'a,b\n1,2\n3,4,5\n');
    const error = await Effect.runPromise(Effect.flip(Stream.runCollect(csvRowsStream(path))));
    expect(error).toMatchObject({ _tag: 'DataError', kind: 'format', file: path });
    expect(error.message).toMatch(/line 3: 3 fields, but the header has 2/);
  });
});

/**
 * The SpamAssassin and sunspot loaders: the real npm package (counts from its README), the
 * committed slice, text extraction on real messages, and the public-domain sunspot CSV (values
 * checked against the file's README: 309 years, 1700–2008, maximum 190.2 in 1957).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Effect } from 'effect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError, padSequences, slidingWindows, Vocabulary } from '../src/index.js';
import { spamAssassin, spamAssassinEffect, sunspots, sunspotsEffect } from '../src/node.js';
import { tempDir } from './support/fixtures.js';

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('spamAssassin', () => {
  it('loads the committed slice: 40 labelled e-mails with subjects and bodies', async () => {
    const emails = await spamAssassin({ source: 'slice' });
    expect(emails.length).toBe(40);
    expect(emails.filter((e) => e.label === 1).length).toBe(16);
    expect(new Set(emails.map((e) => e.group))).toEqual(
      new Set(['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']),
    );
    const first = emails.find((e) => e.group === 'spam-1' && e.id === '00001');
    expect(first?.subject).toBe('Life Insurance - Why Pay More?');
    expect(first?.body).not.toMatch(/<[a-z]/i); // html stripped
    expect(first?.body.length).toBeGreaterThan(100);
    for (const e of emails) expect(e.subject + e.body).not.toBe('');
  });

  it('feeds the tokenizer, vocabulary and padding end to end', async () => {
    const emails = await spamAssassin({ source: 'slice' });
    const texts = emails.map((e) => `${e.subject} ${e.body}`);
    const vocab = Vocabulary.build(texts, { maxSize: 500 });
    expect(vocab.size).toBe(500);
    const { ids, mask, lengths } = padSequences(
      texts.map((t) => vocab.encode(t)),
      { length: 64 },
    );
    expect(ids.shape).toEqual([40, 64]);
    expect(Array.from(lengths.data).every((n) => n > 0 && n <= 64)).toBe(true);
    expect(Array.from(mask.data).reduce((a, b) => a + b, 0)).toBe(
      Array.from(lengths.data).reduce((a, b) => a + b, 0),
    );
  });

  it('loads the whole npm package: 6,046 e-mails, 4,150 ham and 1,896 spam', async () => {
    const emails = await spamAssassin();
    expect(emails.length).toBe(6046);
    const count = (group: string) => emails.filter((e) => e.group === group).length;
    expect([
      count('easy-ham-1'),
      count('easy-ham-2'),
      count('hard-ham-1'),
      count('spam-1'),
      count('spam-2'),
    ]).toEqual([2500, 1400, 250, 500, 1396]);
    expect(emails.filter((e) => e.label === 1).length).toBe(1896);
    const empty = emails.filter((e) => e.body === '').length;
    expect(empty / emails.length).toBeLessThan(0.02);
  }, 60_000);

  it('a corrupt slice names the file and line', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"id":"1","group":"spam-1","text":"Subject: x\\n\\nhi"}\nnot json\n');
    await expect(spamAssassin({ source: 'slice', sliceFile: path })).rejects.toThrow(
      /bad\.jsonl: line 2 is not JSON/,
    );
    const error = await Effect.runPromise(
      Effect.flip(spamAssassinEffect({ source: 'slice', sliceFile: path })),
    );
    expect(error).toMatchObject({ _tag: 'DataError', kind: 'format' });
  });
});

describe('sunspots', () => {
  it('reads 309 yearly values, 1700–2008, as in the fixture README', async () => {
    const { years, values } = await sunspots();
    expect(years.length).toBe(309);
    expect([years[0], years[308]]).toEqual([1700, 2008]);
    expect(Array.from(values.subarray(0, 4))).toEqual([5, 11, 16, 23]);
    const max = Math.max(...values);
    expect(max).toBeCloseTo(190.2, 4);
    expect(years[values.indexOf(max)]).toBe(1957);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeCloseTo(49.75, 2);
    const windows = slidingWindows(values, { length: 20 });
    expect(windows.columns.x.shape).toEqual([289, 20, 1]);
  });

  it('checks the file: a non-numeric value or a gap in the years fails naming the line', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, '"YEAR","SUNACTIVITY"\n1700,5\n1701,lots\n');
    await expect(sunspots({ file: bad })).rejects.toThrow(
      /sunspots: .*bad\.csv: line 3: column 'SUNACTIVITY' holds "lots"/,
    );
    const gap = join(dir, 'gap.csv');
    await writeFile(gap, '"YEAR","SUNACTIVITY"\n1700,5\n1702,6\n');
    await expect(sunspots({ file: gap })).rejects.toBeInstanceOf(DataFormatError);
    const error = await Effect.runPromise(Effect.flip(sunspotsEffect({ file: gap })));
    expect(error.message).toMatch(/line 3: year 1702 does not follow 1700/);
  });
});

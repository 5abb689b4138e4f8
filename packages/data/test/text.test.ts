/**
 * Text: the word tokenizer, the frequency-ranked vocabulary (PAD 0, OOV 1, max size, min count,
 * deterministic ties), padding/truncation with masks and lengths, and e-mail text extraction.
 */
import { describe, expect, it } from 'vitest';
import { OOV_ID, PAD_ID, padSequences, parseEmail, tokenize, Vocabulary } from '../src/index.js';

describe('tokenize', () => {
  it('lowercases, strips punctuation, keeps inner apostrophes and non-Latin letters', () => {
    expect(tokenize("Don't PANIC: it's 42!  Naïve café—ok? <b>x</b>")).toEqual([
      "don't",
      'panic',
      "it's",
      '42',
      'naïve',
      'café',
      'ok',
      'b',
      'x',
      'b',
    ]);
    expect(tokenize('...!!!')).toEqual([]);
  });
});

describe('Vocabulary', () => {
  const corpus = ['the cat sat on the mat', 'The dog sat', 'a cat!'];

  it('ranks words by frequency, ties in code-point order, after <pad> and <unk>', () => {
    const vocab = Vocabulary.build(corpus);
    // the:3, cat:2, sat:2, then a, dog, mat, on (1 each, alphabetical)
    expect(vocab.words).toEqual(['<pad>', '<unk>', 'the', 'cat', 'sat', 'a', 'dog', 'mat', 'on']);
    expect(vocab.idOf('the')).toBe(2);
    expect(vocab.idOf('zebra')).toBe(OOV_ID);
    expect(PAD_ID).toBe(0);
  });

  it('keeps at most maxSize ids (specials included) and drops words under minCount', () => {
    const vocab = Vocabulary.build(corpus, { maxSize: 4 });
    expect(vocab.size).toBe(4);
    expect(vocab.encode('The cat sat on a mat')).toEqual([2, 3, 1, 1, 1, 1]);
    expect(Vocabulary.build(corpus, { minCount: 2 }).words).toEqual([
      '<pad>',
      '<unk>',
      'the',
      'cat',
      'sat',
    ]);
    expect(() => Vocabulary.build(corpus, { maxSize: 1 })).toThrow(
      /maxSize must be an integer >= 2/,
    );
  });

  it('encodes and decodes, accepts token arrays, and round-trips through its word list', () => {
    const vocab = Vocabulary.build(corpus);
    expect(vocab.decode(vocab.encode('the mat'))).toEqual(['the', 'mat']);
    expect(vocab.encode(['dog', 'unicorn'])).toEqual([6, 1]);
    const restored = Vocabulary.fromWords(JSON.parse(JSON.stringify(vocab)));
    expect(restored.words).toEqual(vocab.words);
    expect(() => vocab.decode([99])).toThrow(/id 99 is outside \[0, 9\)/);
    expect(() => Vocabulary.fromWords(['a', 'b'])).toThrow(/must start with '<pad>', '<unk>'/);
  });
});

describe('padSequences', () => {
  const seqs = [[5, 6, 7], [8], []];

  it('pads and truncates at the end by default, with masks and lengths', () => {
    const { ids, mask, lengths } = padSequences(seqs, { length: 2 });
    expect(ids).toMatchObject({ dtype: 'int32', shape: [3, 2] });
    expect(Array.from(ids.data)).toEqual([5, 6, 8, 0, 0, 0]);
    expect(mask.dtype).toBe('float32');
    expect(Array.from(mask.data)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(lengths.data)).toEqual([2, 1, 0]);
  });

  it("pads before ('pre') and truncates the start ('pre')", () => {
    const { ids, mask } = padSequences(seqs, { length: 2, padding: 'pre', truncating: 'pre' });
    expect(Array.from(ids.data)).toEqual([6, 7, 0, 8, 0, 0]);
    expect(Array.from(mask.data)).toEqual([1, 1, 0, 1, 0, 0]);
  });

  it('validates its arguments', () => {
    expect(() => padSequences(seqs, { length: 0 })).toThrow(/length must be a positive integer/);
    expect(() => padSequences([[1.5]], { length: 2 })).toThrow(/not an integer id/);
  });
});

describe('parseEmail', () => {
  it('decodes an encoded-word subject and a quoted-printable body, skipping the mbox From line', () => {
    const raw = [
      'From someone@example.com  Thu Aug 22 13:17:22 2002',
      'Subject: Hello =?utf-8?Q?w=C3=B6rld?=',
      '  and more',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=C3=A9 is op=',
      'en.',
    ].join('\n');
    expect(parseEmail(raw)).toEqual({ subject: 'Hello wörld and more', body: 'Café is open.' });
  });

  it('keeps text/plain parts of multipart mail, drops attachments, decodes base64', () => {
    const raw = [
      'Subject: multi',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      'preamble',
      '--XX',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      btoa('plain part'),
      '--XX',
      'Content-Type: application/pdf',
      '',
      'JVBERi0xLjQK',
      '--XX--',
    ].join('\n');
    expect(parseEmail(raw)).toEqual({ subject: 'multi', body: 'plain part' });
  });

  it('strips markup from html-only mail', () => {
    const raw =
      'Subject: =?iso-8859-1?B?' +
      btoa('Caf\xe9') +
      '?=\nContent-Type: text/html\n\n<html><style>p{}</style><p>Buy&nbsp;now &amp; save</p></html>';
    expect(parseEmail(raw)).toEqual({ subject: 'Café', body: 'Buy now & save' });
  });
});

/**
 * A word vocabulary built from a corpus by frequency: id 0 is padding (`<pad>`), id 1 stands for
 * every word outside the vocabulary (`<unk>`), ids 2, 3, … go to the most frequent words first
 * (ties broken by code-point order, so the same corpus always gives the same ids).
 */
import { ValueError } from '@tensile/core';
import { tokenize } from './tokenize.js';

/** The padding id: never a word; `padSequences` fills with it. */
export const PAD_ID = 0;
/** The out-of-vocabulary id: every word that is not in the vocabulary encodes to it. */
export const OOV_ID = 1;
/** The tokens that ids 0 and 1 decode to. */
export const PAD_TOKEN = '<pad>';
export const OOV_TOKEN = '<unk>';

/** Options of `Vocabulary.build`. */
export interface VocabularyOptions {
  /** Largest vocabulary size, counting `<pad>` and `<unk>` (default: every word). */
  readonly maxSize?: number;
  /** Words seen fewer times than this are left out (default 1). */
  readonly minCount?: number;
  /** How a text splits into words (default `tokenize`: lowercase, punctuation stripped). */
  readonly tokenize?: (text: string) => string[];
}

/**
 * A frozen word ↔ id mapping.
 *
 * @example
 * const vocab = Vocabulary.build(['the cat sat', 'the dog'], { maxSize: 4 });
 * vocab.words                 // ['<pad>', '<unk>', 'the', 'cat']
 * vocab.encode('The bird!')   // [2, 1]
 * vocab.decode([2, 3, 0])     // ['the', 'cat', '<pad>']
 */
export class Vocabulary {
  private readonly ids: Map<string, number>;

  private constructor(
    /** Words by id: `words[0] = '<pad>'`, `words[1] = '<unk>'`. */
    readonly words: readonly string[],
    private readonly split: (text: string) => string[],
  ) {
    this.ids = new Map(words.map((w, i) => [w, i]));
  }

  /**
   * Count the words of `texts` (strings are tokenized; arrays are taken as tokens already) and keep
   * the most frequent.
   *
   * @example
   * const vocab = Vocabulary.build(emails.map((e) => e.text), { maxSize: 5000 });
   */
  static build(
    texts: Iterable<string | readonly string[]>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const { maxSize = Number.POSITIVE_INFINITY, minCount = 1 } = options;
    if (!(maxSize >= 2) || (Number.isFinite(maxSize) && !Number.isInteger(maxSize))) {
      throw new ValueError(
        `Vocabulary.build: maxSize must be an integer >= 2 (room for <pad> and <unk>), got ${maxSize}`,
      );
    }
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new ValueError(
        `Vocabulary.build: minCount must be a positive integer, got ${minCount}`,
      );
    }
    const split = options.tokenize ?? tokenize;
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const word of typeof text === 'string' ? split(text) : text) {
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
    counts.delete(PAD_TOKEN);
    counts.delete(OOV_TOKEN);
    const ranked = [...counts]
      .filter(([, n]) => n >= minCount)
      .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, maxSize - 2)
      .map(([w]) => w);
    return new Vocabulary([PAD_TOKEN, OOV_TOKEN, ...ranked], split);
  }

  /**
   * A vocabulary from its word list (as saved from `words`/`toJSON`).
   *
   * @example
   * const same = Vocabulary.fromWords(JSON.parse(saved));
   */
  static fromWords(
    words: readonly string[],
    options: Pick<VocabularyOptions, 'tokenize'> = {},
  ): Vocabulary {
    if (words[PAD_ID] !== PAD_TOKEN || words[OOV_ID] !== OOV_TOKEN) {
      throw new ValueError(
        `Vocabulary.fromWords: the list must start with '${PAD_TOKEN}', '${OOV_TOKEN}'`,
      );
    }
    if (new Set(words).size !== words.length)
      throw new ValueError('Vocabulary.fromWords: a word appears twice');
    return new Vocabulary([...words], options.tokenize ?? tokenize);
  }

  /** The number of ids, `<pad>` and `<unk>` included. */
  get size(): number {
    return this.words.length;
  }

  /**
   * The id of `word` (`OOV_ID` when it is not in the vocabulary).
   *
   * @example
   * vocab.idOf('the')  // 2
   */
  idOf(word: string): number {
    return this.ids.get(word) ?? OOV_ID;
  }

  /**
   * The ids of a text (tokenized with the vocabulary's tokenizer) or of a list of tokens.
   *
   * @example
   * vocab.encode('the cat')  // [2, 3]
   */
  encode(text: string | readonly string[]): number[] {
    return (typeof text === 'string' ? this.split(text) : text).map((w) => this.idOf(w));
  }

  /**
   * The words of `ids`.
   *
   * @example
   * vocab.decode([2, 3]).join(' ')  // 'the cat'
   */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => {
      const word = this.words[id];
      if (word === undefined)
        throw new ValueError(`Vocabulary.decode: id ${id} is outside [0, ${this.size})`);
      return word;
    });
  }

  /** The word list, for `JSON.stringify` (restore with `Vocabulary.fromWords`). */
  toJSON(): readonly string[] {
    return this.words;
  }
}

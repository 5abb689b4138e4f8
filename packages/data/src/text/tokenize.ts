/**
 * Word-level tokenization: lowercase, then every maximal run of letters and digits (any script) is a
 * word; an apostrophe between two such runs stays inside the word (`don't`). Everything else —
 * punctuation, symbols, whitespace — only separates words.
 */

const wordPattern = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * The lowercase words of `text`, punctuation stripped.
 *
 * @example
 * tokenize("Don't PANIC: it's 42!")  // ["don't", 'panic', "it's", '42']
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(wordPattern) ?? [];
}

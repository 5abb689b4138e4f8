/**
 * The readable text of a raw RFC 822 / MIME e-mail (as in the SpamAssassin corpus): the decoded
 * `Subject` and a plain-text body. Multipart messages keep their `text/plain` parts (or, when there
 * are none, their `text/html` parts with the markup stripped); quoted-printable and base64 bodies and
 * RFC 2047 encoded words (`=?utf-8?B?…?=`) are decoded; attachments are dropped.
 */

/** The text of one e-mail. */
export interface EmailText {
  /** The decoded `Subject` header (`''` when absent). */
  readonly subject: string;
  /** The body as plain text, whitespace collapsed. */
  readonly body: string;
}

interface Part {
  readonly headers: Map<string, string>;
  readonly body: string;
}

function splitHeaders(raw: string): Part {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.search(/\n\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 2);
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) continue; // the mbox "From " line, junk
    last = line.slice(0, colon).toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
    else last = undefined; // keep the first occurrence, ignore continuations of later ones
  }
  return { headers, body };
}

function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder((charset ?? 'latin1').toLowerCase()).decode(bytes);
  } catch {
    return String.fromCharCode(...bytes);
  }
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function quotedPrintable(text: string, underscoreIsSpace = false): Uint8Array {
  const t = (underscoreIsSpace ? text.replace(/_/g, ' ') : text).replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const hex = t.slice(i + 1, i + 3);
    if (t[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(t.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

function base64(text: string): Uint8Array {
  try {
    return latin1Bytes(atob(text.replace(/[^A-Za-z0-9+/]/g, '')));
  } catch {
    return new Uint8Array();
  }
}

/** Decode RFC 2047 encoded words in a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, charset: string, encoding: string, text: string) =>
        decodeBytes(
          encoding.toUpperCase() === 'B' ? base64(text) : quotedPrintable(text, true),
          charset,
        ),
    );
}

const entities: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Markup stripped: scripts/styles dropped, tags become spaces, common entities decoded. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
      if (code[0] === '#') {
        const n =
          code[1] === 'x' || code[1] === 'X'
            ? Number.parseInt(code.slice(2), 16)
            : Number(code.slice(1));
        return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : ' ';
      }
      return entities[code.toLowerCase()] ?? whole;
    });
}

/** The text parts of a (possibly multipart) MIME entity, html parts flagged. */
function textParts(part: Part, depth = 0): Array<{ html: boolean; text: string }> {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const mime = (type.split(';')[0] ?? '').trim().toLowerCase();
  const boundary = parameter(type, 'boundary');
  if (mime.startsWith('multipart/') && boundary !== undefined && depth < 8) {
    const delimiter = `--${boundary}`;
    const sections = part.body.split(delimiter).slice(1);
    const out: Array<{ html: boolean; text: string }> = [];
    for (const section of sections) {
      if (section.startsWith('--')) break; // closing delimiter
      out.push(...textParts(splitHeaders(section.replace(/^[ \t]*\r?\n/, '')), depth + 1));
    }
    return out;
  }
  if (!mime.startsWith('text/') && mime !== '') return [];
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  const charset = parameter(type, 'charset');
  const text =
    encoding === 'quoted-printable'
      ? decodeBytes(quotedPrintable(part.body), charset)
      : encoding === 'base64'
        ? decodeBytes(base64(part.body), charset)
        : part.body;
  const html = mime === 'text/html';
  return [{ html, text: html ? htmlToText(text) : text }];
}

/**
 * The subject and plain-text body of a raw e-mail.
 *
 * @example
 * parseEmail('Subject: Hello =?utf-8?Q?w=C3=B6rld?=\n\n<p>Hi&nbsp;there</p>')
 * // { subject: 'Hello wörld', body: '<p>Hi&nbsp;there</p>' }  (text/plain by default: markup kept)
 */
export function parseEmail(raw: string): EmailText {
  const message = splitHeaders(raw);
  const parts = textParts(message);
  const plain = parts.filter((p) => !p.html);
  const chosen = plain.length > 0 ? plain : parts;
  return {
    subject: decodeHeader(message.headers.get('subject') ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
    body: chosen
      .map((p) => p.text)
      .join('\n')
      .replace(/\s+/g, ' ')
      .trim(),
  };
}

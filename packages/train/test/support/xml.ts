/**
 * A small strict XML parser for the plot tests (no dependency): elements, attributes, text, comments
 * and the five predefined entities. It rejects what a real parser rejects in such documents —
 * mismatched or unclosed tags, unquoted or duplicate attributes, bare `<` or `&`, trailing content.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  return raw.replace(/&([a-z]+);|&|</g, (m, name: string | undefined) => {
    if (name !== undefined && ENTITIES[name] !== undefined) return ENTITIES[name] as string;
    throw new Error(`xml: bad character data '${m}' near offset ${at}`);
  });
}

/** Parse `source` into its root element, or throw. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(source[i] ?? '')) i++;
      if (source.startsWith('<?', i)) i = source.indexOf('?>', i) + 2;
      else if (source.startsWith('<!--', i)) i = source.indexOf('-->', i) + 3;
      else return;
      if (i < 2) throw new Error('xml: unterminated declaration or comment');
    }
  };
  const name = () => {
    const m = /^[A-Za-z_][\w.:-]*/.exec(source.slice(i));
    if (!m) throw new Error(`xml: expected a name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') throw new Error(`xml: expected '<' at offset ${i}`);
    i++;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = i;
      while (/\s/.test(source[i] ?? '')) i++;
      if (source.startsWith('/>', i)) {
        i += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      if (i === before)
        throw new Error(`xml: expected whitespace before an attribute at offset ${i}`);
      const key = name();
      if (key in attributes) throw new Error(`xml: duplicate attribute '${key}' on <${tag}>`);
      if (source[i] !== '=') throw new Error(`xml: attribute '${key}' has no value`);
      i++;
      const quote = source[i];
      if (quote !== '"' && quote !== "'") throw new Error(`xml: attribute '${key}' is not quoted`);
      const end = source.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`xml: unterminated attribute '${key}'`);
      attributes[key] = decode(source.slice(i + 1, end), i);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= source.length) throw new Error(`xml: <${tag}> is not closed`);
      if (source.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== tag) throw new Error(`xml: </${closing}> closes <${tag}>`);
        while (/\s/.test(source[i] ?? '')) i++;
        if (source[i] !== '>') throw new Error(`xml: bad closing tag </${closing}>`);
        i++;
        return { name: tag, attributes, children, text };
      }
      if (source.startsWith('<!--', i)) {
        i = source.indexOf('-->', i) + 3;
        continue;
      }
      if (source[i] === '<') {
        children.push(element());
        continue;
      }
      const next = source.indexOf('<', i);
      const end = next < 0 ? source.length : next;
      text += decode(source.slice(i, end), i);
      i = end;
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== source.length) throw new Error(`xml: content after the root element at offset ${i}`);
  return root;
}

/** Every element below (and including) `root`, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

// A small XML reader for autoconfig files: elements, attributes, text, CDATA and the predefined entities; no DTDs.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element (text and CDATA), entities decoded. */
  text: string;
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const END_TAG = /<\/([A-Za-z_][\w.:-]*)\s*>/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`a bare "&" in "${text.trim().slice(0, 40)}"`);
    const numeric = /^#(?:x([0-9a-f]+)|(\d+))$/i.exec(name);
    if (numeric) {
      const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
      if (code < 1 || code > 0x10ffff) throw new Error(`the character reference ${whole} is out of range`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[name];
    // Only the predefined entities exist without a DTD, and DTDs are refused, so anything else is an error.
    if (value === undefined) throw new Error(`the unknown entity ${whole}`);
    return value;
  });
}

/** Parses a whole document into its root element; throws an Error naming the problem and its offset. */
export function parseXml(source: string): XmlElement {
  const text = source.replace(/^\uFEFF/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} (at offset ${at})`);
  };
  const skipPast = (terminator: string): string => {
    const end = text.indexOf(terminator, at);
    if (end < 0) fail(`an unterminated "${text.slice(at, at + 9)}"`);
    const inner = text.slice(at, end);
    at = end + terminator.length;
    return inner;
  };

  while (at < text.length) {
    const open = text.indexOf('<', at);
    const textEnd = open < 0 ? text.length : open;
    if (textEnd > at) {
      const data = text.slice(at, textEnd);
      const parent = stack.at(-1);
      if (parent) parent.text += decodeEntities(data);
      else if (data.trim() !== '') fail('text outside the root element');
      at = textEnd;
      continue;
    }
    if (text.startsWith('<!--', at)) {
      at += 4;
      skipPast('-->');
    } else if (text.startsWith('<![CDATA[', at)) {
      const parent = stack.at(-1) ?? fail('CDATA outside the root element');
      at += 9;
      parent.text += skipPast(']]>');
    } else if (text.startsWith('<?', at)) {
      at += 2;
      skipPast('?>');
    } else if (text.startsWith('<!', at)) {
      // A DTD could declare entities that expand without bound ("billion laughs"); autoconfig files never need one.
      fail('a document type declaration, which is not accepted');
    } else if (text.startsWith('</', at)) {
      END_TAG.lastIndex = at;
      const end = END_TAG.exec(text) ?? fail('a malformed end tag');
      const element = stack.pop();
      if (!element || element.name !== end[1]) fail(`</${end[1]}> does not close <${element?.name ?? 'nothing'}>`);
      at = END_TAG.lastIndex;
    } else {
      NAME.lastIndex = at + 1;
      const name = NAME.exec(text)?.[0] ?? fail('a malformed start tag');
      at = NAME.lastIndex;
      const element: XmlElement = { name, attributes: {}, children: [], text: '' };
      ATTRIBUTE.lastIndex = at;
      for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
        element.attributes[match[1] as string] = decodeEntities(match[2] ?? match[3] ?? '');
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const close = TAG_END.exec(text) ?? fail(`a malformed <${name}> tag`);
      at = TAG_END.lastIndex;
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (close[1] !== '/') stack.push(element);
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)?.name ?? ''}> is never closed`);
  return root ?? fail('no root element');
}

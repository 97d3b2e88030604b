// What may enter the composer's contentEditable (quoted originals, reopened drafts, pastes), and the editor's HTML to and from plain text.

import createDOMPurify, { type Config } from 'dompurify';
import { htmlParts } from '../../../shared/html-parts';
import { urlKind } from '../reader/css-urls';
import { escapeHtml } from '../reader/plain-text';
import { DROPPED_URL_ATTRS, FORBID_ATTR, FORBID_TAGS } from '../reader/sanitize';

/**
 * The reader's lists, plus what only matters because the editor is in Heron's own document: no style sheet (it would
 * restyle the app), no srcset or background (remote fetches the reader counts and blocks, the editor simply drops),
 * and no id or name, which would clobber the app's globals (window.x, document.x).
 */
const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [...FORBID_TAGS, 'style'],
  FORBID_ATTR: [...FORBID_ATTR, ...DROPPED_URL_ATTRS, 'srcset', 'background', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
  // DOMPurify tests every attribute value that is not plain text against this; values without a scheme ("cite", "2")
  // must pass here, and links are held to WEB_OR_MAIL afterwards.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  RETURN_DOM: true,
};

/** Links to the web and to addresses only: anything relative would resolve against Heron's own address. */
const WEB_OR_MAIL = /^(?:https?|mailto):/i;

/** Anything in a style attribute that could load a resource; CSS escapes are refused outright, since formatting never needs them. */
const STYLE_LOADER = /\\|(?:url|image-set|image|cross-fade|element|paint|src)\s*\(/i;

/** Positioning would let quoted mail draw over Heron's own window (a fake password prompt, say), outside the editor. */
const POSITIONING = ['position', 'inset', 'top', 'right', 'bottom', 'left', 'z-index', 'transform', 'translate'];

/** The one class Heron gives meaning to; any other would pick up the app's own style sheet and could dress mail up as Heron's UI. */
const KEPT_CLASS = 'signature';

function cleanElement(element: HTMLElement): void {
  // An image that would fetch (http, cid: parts that are not here) shows only a broken frame: it goes.
  if (element.localName === 'img' && urlKind(element.getAttribute('src') ?? '') !== 'data-image') {
    element.remove();
    return;
  }
  const href = element.getAttribute('href');
  if (href !== null && !WEB_OR_MAIL.test(href.trim())) element.removeAttribute('href');
  const style = element.getAttribute('style');
  if (style !== null && STYLE_LOADER.test(style)) element.removeAttribute('style');
  else if (style !== null) for (const name of POSITIONING) element.style.removeProperty(name);
  if (element.hasAttribute('class')) {
    if (element.classList.contains(KEPT_CLASS)) element.setAttribute('class', KEPT_CLASS);
    else element.removeAttribute('class');
  }
}

/**
 * HTML made safe to put in the editor, which runs in the app's own document: nothing in it may run, fetch, or draw
 * outside the editor. Its own DOMPurify instance, so the reader's hooks never apply here.
 */
export function sanitizeForEditor(html: string): string {
  const purify = createDOMPurify(window);
  // A quoted message's HTML parts are cleaned apart, as the reader does: joined, a link left open in one part would
  // take in the next part's text (EFAIL) and carry it into the reply.
  return htmlParts(html)
    .map((part) => {
      const body = purify.sanitize(part, CONFIG) as unknown as HTMLElement;
      for (const element of Array.from(body.querySelectorAll<HTMLElement>('*'))) cleanElement(element);
      return body.innerHTML;
    })
    .join('');
}

/** Content that is never text a person reads. */
const SKIPPED = new Set(['head', 'title', 'script', 'style', 'template', 'noscript']);
/** Blocks set apart by a blank line, as a browser's margins set them apart. */
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'hr', 'address', 'figure']);
/** Blocks that start on a line of their own. */
const LINES = new Set([
  'div', 'section', 'article', 'header', 'footer', 'nav', 'aside', 'main', 'center', 'table', 'tr', 'caption', 'dl', 'dt', 'dd',
  'ul', 'ol', 'details', 'summary', 'fieldset', 'figcaption',
]);

/** Plain text built line by line; breaks wait for the next text, so a block at the end leaves no empty lines behind. */
class TextLines {
  readonly lines: string[] = [''];
  private pending: 0 | 1 | 2 = 0;

  breakBefore(level: 1 | 2): void {
    if (level > this.pending) this.pending = level;
  }

  private applyBreak(): void {
    const level = this.pending;
    this.pending = 0;
    if (level === 0 || (this.lines.length === 1 && this.lines[0] === '')) return;
    if (this.current() !== '') this.lines.push('');
    if (level === 2 && this.lines[this.lines.length - 2] !== '') this.lines.push('');
  }

  private current(): string {
    return this.lines[this.lines.length - 1] ?? '';
  }

  /** Inline text. Collapsed text starts no line with a space and doubles none across elements; preformatted text stays as it is. */
  write(text: string, preformatted = false): void {
    const startsLine = this.pending > 0 || this.current() === '';
    const clean = preformatted || !(startsLine || this.current().endsWith(' ')) ? text : text.replace(/^ /, '');
    if (clean === '') return;
    this.applyBreak();
    this.lines[this.lines.length - 1] = this.current() + clean;
  }

  newline(): void {
    this.applyBreak();
    this.lines.push('');
  }

  /** Whole lines from a nested block (a quote, a list item), each on its own. */
  writeLines(lines: readonly string[]): void {
    for (const [index, line] of lines.entries()) {
      if (index > 0) this.newline();
      this.applyBreak();
      this.lines[this.lines.length - 1] = this.current() + line;
    }
  }
}

function linesOf(parent: Node, preformatted: boolean): string[] {
  const out = new TextLines();
  for (const child of Array.from(parent.childNodes)) appendNode(out, child, preformatted);
  const lines = out.lines;
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines;
}

function quoteLine(line: string): string {
  if (line === '') return '>';
  return line.startsWith('>') ? `>${line}` : `> ${line}`;
}

function linkText(anchor: Element): string {
  const text = (anchor.textContent ?? '').replace(/[ \t\n\r\f]+/g, ' ').trim();
  const href = anchor.getAttribute('href') ?? '';
  // Only addresses a reader of plain text can use; "#top" or a blocked link would be noise.
  if (!WEB_OR_MAIL.test(href) || text === href || `mailto:${text}` === href) return text;
  return text ? `${text} <${href}>` : `<${href}>`;
}

function appendNode(out: TextLines, node: Node, preformatted: boolean): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.textContent ?? '';
    if (!preformatted) return out.write(text.replace(/[ \t\n\r\f]+/g, ' '));
    for (const [index, line] of text.split('\n').entries()) {
      if (index > 0) out.newline();
      out.write(line, true);
    }
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const element = node as Element;
  const tag = element.localName;
  // Hidden text (a newsletter's "preheader") is not part of what the person saw.
  if (SKIPPED.has(tag) || /display\s*:\s*none/i.test(element.getAttribute('style') ?? '')) return;
  if (tag === 'br') return out.newline();
  if (tag === 'a') return out.write(linkText(element));
  if (tag === 'blockquote') {
    // On lines of their own but without blank lines around, as quotes in plain text mail are ("… wrote:" right above).
    out.breakBefore(1);
    out.writeLines(linesOf(element, preformatted).map(quoteLine));
    return out.breakBefore(1);
  }
  if (tag === 'li') {
    const parent = element.parentElement;
    const marker = parent?.localName === 'ol' ? `${Array.from(parent.children).filter((c) => c.localName === 'li').indexOf(element) + 1}. ` : '- ';
    out.breakBefore(1);
    out.writeLines(linesOf(element, preformatted).map((line, index) => (index === 0 ? marker : ' '.repeat(marker.length)) + line));
    return out.breakBefore(1);
  }
  const level = PARAGRAPHS.has(tag) ? 2 : LINES.has(tag) ? 1 : 0;
  if (level) out.breakBefore(level);
  for (const child of Array.from(element.childNodes)) appendNode(out, child, preformatted || tag === 'pre');
  if (level) out.breakBefore(level);
  // Table cells of a row stay on its line, apart.
  if (tag === 'td' || tag === 'th') out.write(' ');
}

/**
 * Readable plain text of editor (or message) HTML: blocks on lines of their own, list items as "- ", quotes as "> ",
 * links as "text <url>" when they differ. Parsed in an inert document: nothing in it loads or runs.
 */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return (
    linesOf(doc.body, false)
      .map((line) => line.replace(/\u00a0/g, ' '))
      // Trailing spaces go, except in the signature separator "-- " (RFC 3676 §4.3), whose space is what marks it.
      .map((line) => (line === '-- ' ? line : line.trimEnd()))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd()
  );
}

function blocksOf(all: readonly string[]): string {
  const lines = all.slice(0, all.findLastIndex((line) => line.trim() !== '') + 1);
  let html = '';
  let index = 0;
  while (index < lines.length) {
    const run: string[] = [];
    if ((lines[index] ?? '').startsWith('>')) {
      while ((lines[index] ?? '').startsWith('>')) run.push((lines[index++] ?? '').replace(/^> ?/, ''));
      html += `<blockquote type="cite">${blocksOf(run)}</blockquote>`;
    } else if ((lines[index] ?? '').trim() === '') {
      html += '<div><br></div>';
      index++;
    } else {
      while (index < lines.length && (lines[index] ?? '').trim() !== '' && !(lines[index] ?? '').startsWith('>')) run.push(escapeHtml(lines[index++] ?? ''));
      html += `<div>${run.join('<br>')}</div>`;
    }
  }
  return html;
}

/**
 * Plain text as editor HTML, the way Chromium's contentEditable writes it: escaped, runs of lines as a <div> with <br>
 * between, each blank line an empty <div>, "> " runs as quotes (nested for ">>"). htmlToText gives the text back.
 */
export function textToHtml(text: string): string {
  return blocksOf(text.replace(/\r\n?/g, '\n').split('\n'));
}

// The message HTML pipeline: cid: images inlined, DOMPurify with a tight config, then every URL checked (links, images, CSS).

import createDOMPurify, { type Config } from 'dompurify';
import { htmlParts } from '../../../shared/html-parts';
import { inlineCidImages } from './cid';
import { allowsUrl, rewriteDeclarations, rewriteStyleSheet, type UrlPolicy } from './css-urls';
import type { FrameContent } from './frame-document';
import { linkTarget, type LinkPolicy } from './link-target';

export interface SanitizeOptions {
  inlineParts: Readonly<Record<string, string>>;
  /** The person allowed remote content for this message or its sender. */
  allowRemote: boolean;
  links: LinkPolicy;
}

export interface SanitizedMessage extends FrameContent {
  /** Remote references found (blocked unless allowRemote): when > 0 the reader offers to show them. */
  remote: number;
  /** Links made inert (javascript:, file:, relative, …). */
  blockedLinks: number;
  /** Forms removed; a form in mail is a phishing sign worth a word. */
  forms: number;
}

/** Everything that runs, embeds, submits, fetches on its own, or changes how the document is read (security.md B4). */
export const FORBID_TAGS = [
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'base', 'basefont', 'form', 'input', 'button',
  'textarea', 'select', 'option', 'optgroup', 'datalist', 'keygen', 'output', 'link', 'meta', 'title', 'noscript', 'template',
  'portal', 'fencedframe', 'audio', 'video', 'source', 'track', 'map', 'area', 'dialog', 'slot', 'canvas',
];

/** referrerpolicy could send the app's address (and its token) with an image request; the rest act or submit. */
export const FORBID_ATTR = [
  'srcdoc', 'formaction', 'action', 'ping', 'target', 'http-equiv', 'referrerpolicy', 'download', 'autofocus', 'tabindex', 'accesskey',
  'contenteditable', 'popover', 'popovertarget', 'popovertargetaction', 'is', 'nonce', 'integrity', 'crossorigin', 'attributionsrc', 'loading',
];

/** URL-bearing attributes nothing in a message needs; removed wherever they survive. */
export const DROPPED_URL_ATTRS = ['cite', 'longdesc', 'lowsrc', 'dynsrc', 'poster', 'usemap', 'xlink:href', 'data', 'codebase', 'archive', 'manifest', 'profile', 'icon'];

const BODY_ATTRIBUTES = new Set(['style', 'bgcolor', 'text', 'link', 'vlink', 'alink', 'background', 'class', 'dir', 'lang']);

const CONFIG: Config = {
  WHOLE_DOCUMENT: true,
  RETURN_DOM: true,
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  // DOMPurify's default minus tel:, sms:, ftp: and the chat schemes: mail may link to the web and to addresses only.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|cid):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

type PurifyWindow = Window & typeof globalThis;

function linkText(anchor: Element): string {
  const alts = Array.from(anchor.querySelectorAll('img[alt]'), (img) => img.getAttribute('alt') ?? '');
  return [anchor.textContent ?? '', ...alts].join(' ');
}

function rewriteAnchor(anchor: Element, originalHref: string | undefined, links: LinkPolicy): boolean {
  const href = anchor.getAttribute('href') ?? originalHref;
  if (href === undefined) return false;
  // Set afresh in one order, so sanitizing this output again gives the same markup.
  for (const name of ['href', 'target', 'rel', 'title']) anchor.removeAttribute(name);
  const target = linkTarget(href, linkText(anchor), links);
  if (!target.href) {
    anchor.setAttribute('class', 'heron-blocked-link');
    anchor.setAttribute('title', target.title);
    return true;
  }
  anchor.setAttribute('href', target.href);
  if (!target.sameDocument) {
    // The frame never navigates: every outside link opens a new window, with no way back to Heron (opener) or its address (referrer).
    anchor.setAttribute('target', '_blank');
    anchor.setAttribute('rel', 'noopener noreferrer');
  }
  if (target.title) anchor.setAttribute('title', target.title);
  return false;
}

function rewriteSrcset(element: Element, policy: UrlPolicy): void {
  const value = element.getAttribute('srcset');
  if (value === null) return;
  const urls = value.split(',').map((candidate) => candidate.trim().split(/\s+/)[0] ?? '');
  // Every candidate is checked (so each remote one is counted), not just until the first refusal.
  const verdicts = urls.map((url) => allowsUrl(url, policy));
  if (verdicts.includes(false)) element.removeAttribute('srcset');
}

function rewriteUrlAttribute(element: Element, name: string, policy: UrlPolicy): void {
  const value = element.getAttribute(name);
  if (value !== null && !allowsUrl(value, policy)) element.removeAttribute(name);
}

function rewriteElement(win: PurifyWindow, element: Element, policy: UrlPolicy): void {
  if (element.hasAttribute('src')) {
    if (element.localName === 'img') rewriteUrlAttribute(element, 'src', policy);
    else element.removeAttribute('src');
  }
  if (element.hasAttribute('srcset')) {
    if (element.localName === 'img') rewriteSrcset(element, policy);
    else element.removeAttribute('srcset');
  }
  rewriteUrlAttribute(element, 'background', policy);
  for (const name of DROPPED_URL_ATTRS) element.removeAttribute(name);
  if (element.localName !== 'a' && element.hasAttribute('href')) element.removeAttribute('href');
  if (element.hasAttribute('style')) {
    const style = (element as HTMLElement).style;
    if (style) rewriteDeclarations(style, policy);
    const text = style?.cssText ?? '';
    if (text) element.setAttribute('style', text);
    else element.removeAttribute('style');
  }
  if (element.localName === 'style') element.textContent = rewriteStyleSheet(win, element.textContent ?? '', policy);
}

/**
 * Sanitizes one message's HTML in this window's parser (the same parser the frame uses, so no parser
 * differential). Nothing here is trusted to be perfect: the frame's sandbox and its CSP stop what slips through.
 */
export function sanitizeMessageHtml(win: PurifyWindow, html: string, options: SanitizeOptions): SanitizedMessage {
  const purify = createDOMPurify(win);
  const originalHrefs = new Map<Element, string>();
  let forms = 0;
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'form') forms++;
  });
  // DOMPurify drops a javascript: href silently; keep it so the link can say why it does nothing.
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'href' && (node as Element).localName === 'a') originalHrefs.set(node as Element, data.attrValue);
  });

  let remote = 0;
  let blockedLinks = 0;
  const policy: UrlPolicy = { allowRemote: options.allowRemote, onRemote: () => void remote++ };
  const styles: string[] = [];
  let bodyAttributes: [string, string][] = [];
  let content = '';
  // Each part is a document of its own, so an attribute, comment or element left open in one cannot take in the next.
  for (const part of htmlParts(html)) {
    // An iframe srcdoc document is never in quirks mode (HTML spec); parsing the message in the same mode here
    // means the frame builds the very tree that was sanitized (a doctype of the message's own comes too late to count).
    const root = purify.sanitize(`<!doctype html>${inlineCidImages(part, options.inlineParts)}`, CONFIG) as unknown as HTMLElement;
    for (const element of Array.from(root.querySelectorAll('*'))) {
      rewriteElement(win, element, policy);
      if (element.localName === 'a' && rewriteAnchor(element, originalHrefs.get(element), options.links)) blockedLinks++;
    }
    const head = root.querySelector('head');
    const body = root.querySelector('body');
    if (head) styles.push(...Array.from(head.querySelectorAll('style'), (style) => style.textContent ?? ''));
    // The frame has one <body>: the first part that styles its own gives it its attributes.
    if (body && bodyAttributes.length === 0) bodyAttributes = Array.from(body.attributes, (a): [string, string] => [a.name, a.value]).filter(([name]) => BODY_ATTRIBUTES.has(name));
    content += body ? body.innerHTML : '';
  }
  return { styles, bodyAttributes, content, remote, blockedLinks, forms };
}

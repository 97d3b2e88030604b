// Shows text/plain mail as escaped text with its web and mailto links clickable under the same rules as HTML links.

import { linkTarget, type LinkPolicy } from './link-target';

/** Stops at quotes and angle brackets, so `http://x?"onmouseover="…` cannot smuggle an attribute (mailparser GHSA-7gmj-h9xc-mcxc). */
const URL_IN_TEXT = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sentence punctuation after a URL is not part of it; a ")" is, when the URL opened one. */
function trimTrailing(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last === undefined) break;
    if (last === ')' && url.slice(0, end).split('(').length > url.slice(0, end).split(')').length - 1) break;
    if (!'.,;:!?)]}'.includes(last)) break;
    end--;
  }
  return url.slice(0, end);
}

function anchor(url: string, policy: LinkPolicy): string {
  const target = linkTarget(url, url, policy);
  if (!target.href) return `<a class="heron-blocked-link" title="${escapeHtml(target.title)}">${escapeHtml(url)}</a>`;
  return `<a href="${escapeHtml(target.href)}" target="_blank" rel="noopener noreferrer" title="${escapeHtml(target.title)}">${escapeHtml(url)}</a>`;
}

/** The body of the frame for a plain-text message: one pre-wrapped block. */
export function plainTextToHtml(text: string, policy: LinkPolicy): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimTrailing(match[0]);
    if (!url.includes(':') || url.endsWith(':') || url.endsWith('//')) continue;
    html += escapeHtml(text.slice(last, match.index)) + anchor(url, policy);
    last = match.index + url.length;
  }
  html += escapeHtml(text.slice(last));
  return `<pre class="heron-plain">${html}</pre>`;
}

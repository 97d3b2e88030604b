// Browser mode's link confirmation page (GET /open): shows where a link from a message really goes before the person follows it.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkLink, displayHost } from '../../shared/links';

export const OPEN_LINK_PATH = '/open';

/** Link text is only shown inside the reason; a longer one would only be a way to make the URL unwieldy. */
const MAX_TEXT_CHARS = 500;

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1d2330;background:#f7f8fa}',
  'h1{font-size:1.4rem}',
  '.url{font-family:ui-monospace,monospace;overflow-wrap:anywhere;background:#fff;border:1px solid #d9dde5;border-radius:6px;padding:.5rem .75rem}',
  '.warning{background:#fff4e0;border:1px solid #e0a030;border-radius:8px;padding:.5rem 1rem}',
  '.open{display:inline-block;margin-top:.5rem;padding:.4rem .9rem;border-radius:6px;background:#1f6f8b;color:#fff;text-decoration:none}',
].join('');

/** The page allows its one inline style by hash and nothing else: no script, no image, no form, no framing. */
export const OPEN_LINK_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': OPEN_LINK_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface OpenLinkReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function page(status: number, title: string, content: string): OpenLinkReply {
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} – Heron</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
  return { status, headers: HEADERS, body };
}

/**
 * The reply to GET /open?url=…&text=…&t=…. The token is the run's link token, never the access token: the page
 * only shows a link, so a token that leaked through a message's markup would grant nothing more. The verdict
 * is computed here again from url and text; nothing the request says about it is trusted.
 */
export function openLinkReply(requestUrl: URL, linkToken: string): OpenLinkReply {
  const given = requestUrl.searchParams.get('t');
  if (!given || !sameSecret(given, linkToken)) {
    return page(403, 'This link cannot be opened here', '<p>Links open from a message shown in Heron. Open the message again and click the link there.</p>');
  }
  const href = requestUrl.searchParams.get('url') ?? '';
  const text = (requestUrl.searchParams.get('text') ?? '').slice(0, MAX_TEXT_CHARS);
  const check = checkLink(href, text);
  if (check.action === 'block' || !check.url || !/^https?:/i.test(check.url)) {
    const reason = check.reason ?? 'This page opens only web links (http and https).';
    return page(400, 'Heron did not open this link', `<p>${escapeHtml(reason)}</p>`);
  }
  const host = displayHost(new URL(check.url).hostname);
  const warning = check.action === 'confirm' ? `<p class="warning" role="alert"><strong>Careful:</strong> ${escapeHtml(check.reason ?? '')}</p>` : '';
  return page(
    200,
    check.action === 'confirm' ? 'Check this link before you open it' : 'Open this link?',
    `${warning}<p>This link goes to <strong>${escapeHtml(host)}</strong>:</p><p class="url">${escapeHtml(check.url)}</p>` +
      `<p><a class="open" href="${escapeHtml(check.url)}" rel="noopener noreferrer">Open ${escapeHtml(host)}</a></p>` +
      '<p>If you did not expect this address, close this tab.</p>',
  );
}

/** Writes the reply; the server calls it for OPEN_LINK_PATH before its access-token check. */
export function sendOpenLinkPage(request: IncomingMessage, response: ServerResponse, requestUrl: URL, linkToken: string): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...HEADERS, Allow: 'GET, HEAD' }).end();
    return;
  }
  const reply = openLinkReply(requestUrl, linkToken);
  response.writeHead(reply.status, reply.headers);
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}

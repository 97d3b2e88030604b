// How a new message, a reply, a reply to all or a forward starts: recipients, subject, threading headers and the first body.

import type { Address, MessageHeader } from '../../../shared/model';
import { escapeHtml } from '../reader/plain-text';
import { formatAddress } from './address-input';
import { htmlToText, sanitizeForEditor, textToHtml } from './editor-html';
import type { Identity } from './identities';

export type ComposeKind = 'new' | 'reply' | 'reply-all' | 'forward';

/** The message replied to or forwarded, with whichever bodies it has. */
export interface Original {
  header: MessageHeader;
  text: string | null;
  html: string | null;
}

export interface ComposeStart {
  to: Address[];
  cc: Address[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  /** The rich editor's starting document, already sanitized for it. */
  html: string;
  /** The plain editor's starting text. */
  text: string;
}

/**
 * References kept: the first (the thread's root) and the newest. A long thread would otherwise grow the header by one
 * id per reply without end, and threading needs only the root and the nearest parents; Netnews trims the same way
 * (RFC 5537 §3.4.4).
 */
const MAX_REFERENCES = 21;

/** Reply prefixes in the languages mail clients commonly write them in (Aw: German, Sv: Nordic, Antw: Dutch, …), with an optional count ("Re[2]:"). */
const REPLY_PREFIX = /^\s*(?:re|aw|sv|vs|antw|odp|rif|res)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;
const FORWARD_PREFIX = /^\s*(?:fwd?|wg|tr|rv|vb|enc)\s*:\s*/i;
const FORWARD_SEPARATOR = '---------- Forwarded message ----------';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Local time with its offset, in RFC 5322's date form ("Mon, 3 Mar 2025 14:02 +0100"): the people who read the quote
 * may live in other time zones, and the offset tells them which time it was.
 */
function messageDate(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return `${DAYS[date.getDay()]}, ${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ${pad(date.getHours())}:${pad(date.getMinutes())} ${zone}`;
}

function withoutPrefixes(subject: string, prefix: RegExp): string {
  let rest = subject;
  while (prefix.test(rest)) rest = rest.replace(prefix, '');
  return rest.trim();
}

/** Each address once (compared without case), and only real ones: a group name ("undisclosed-recipients") has none. */
function distinct(addresses: readonly Address[], leaveOut: ReadonlySet<string> = new Set()): Address[] {
  const seen = new Set(leaveOut);
  const result: Address[] = [];
  for (const address of addresses) {
    const key = address.address.toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    result.push(address);
  }
  return result;
}

/** RFC 5322 §3.6.4: the parent's References (or, lacking them, its one In-Reply-To), then the parent's Message-ID. */
function referencesOf(header: MessageHeader): string[] {
  const parents = header.references.length > 0 ? header.references : header.inReplyTo ? [header.inReplyTo] : [];
  const ids = [...new Set(parents.filter((id) => id !== header.messageId))];
  if (header.messageId) ids.push(header.messageId);
  return ids.length > MAX_REFERENCES ? [ids[0] as string, ...ids.slice(ids.length - MAX_REFERENCES + 1)] : ids;
}

function recipients(kind: 'reply' | 'reply-all', header: MessageHeader, own: ReadonlySet<string>): Pick<ComposeStart, 'to' | 'cc'> {
  // Replying to one's own sent message means writing to its recipients again, not to oneself. (Reply-To is not kept
  // in the header the store has, so a reply goes to From.)
  const sender = header.from[0];
  const fromSelf = sender !== undefined && own.has(sender.address.toLowerCase()) && header.to.length > 0;
  const to = distinct(fromSelf ? header.to : header.from);
  if (kind === 'reply') return { to, cc: [] };
  return { to, cc: distinct([...header.to, ...header.cc], new Set([...own, ...to.map((a) => a.address.toLowerCase())])) };
}

/** RFC 3676 style: "> " before a line, ">" before one already quoted, and a bare ">" on an empty line (a trailing space would mark a flowed line). */
function quoteText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line === '' ? '>' : line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

/** The signature's own "-- " line is the composer's to add. */
function signatureLines(identity: Identity): string[] {
  const signature = identity.signature.replace(/\r\n?/g, '\n').replace(/^-- ?\n/, '').trimEnd();
  return signature ? signature.split('\n') : [];
}

interface Parts {
  /** "On …, … wrote:" or the forwarded message's header block, as lines. */
  intro: string[];
  kind: 'quote' | 'forward';
  original: Original;
}

function plainBody(parts: Parts | null, signature: string[]): string {
  let text = signature.length > 0 ? `\n\n-- \n${signature.join('\n')}` : '';
  if (!parts) return text;
  const body = parts.original.text ?? (parts.original.html === null ? '' : htmlToText(parts.original.html));
  text += `\n\n${parts.intro.join('\n')}\n`;
  return text + (parts.kind === 'quote' ? quoteText(body) : `\n${body.trimEnd()}`);
}

function richBody(parts: Parts | null, signature: string[]): string {
  // The same lines as the plain body: a line to type on and a blank one above the signature and the quote.
  const blank = '<div><br></div>';
  const signatureHtml = signature.length > 0 ? `<div class="signature">-- <br>${signature.map(escapeHtml).join('<br>')}</div>` : '';
  if (!parts) return signatureHtml && `${blank}${blank}${signatureHtml}`;
  const { html, text } = parts.original;
  // Sanitized on its own, so what the original says cannot close the quote and pass for the person's own words.
  const body = html !== null ? sanitizeForEditor(html) : textToHtml(text ?? '');
  const mine = `${blank}${blank}${signatureHtml}${signatureHtml && blank}${textToHtml(parts.intro.join('\n'))}`;
  return mine + (parts.kind === 'quote' ? `<blockquote type="cite">${body}</blockquote>` : `${blank}${body}`);
}

function partsFor(kind: Exclude<ComposeKind, 'new'>, original: Original, formatDate: (ms: number) => string): Parts {
  const { header } = original;
  const sender = header.from[0];
  const when = formatDate(header.date);
  if (kind !== 'forward') return { kind: 'quote', original, intro: [`On ${when}, ${sender ? formatAddress(sender) : 'an unknown sender'} wrote:`] };
  const intro = [FORWARD_SEPARATOR, `From: ${header.from.map(formatAddress).join(', ')}`, `Date: ${when}`, `Subject: ${header.subject}`, `To: ${header.to.map(formatAddress).join(', ')}`];
  if (header.cc.length > 0) intro.push(`Cc: ${header.cc.map(formatAddress).join(', ')}`);
  return { kind: 'forward', original, intro };
}

/** The body in the chosen format is made from the original; the other is converted from it the way the composer converts when the person switches, so both say the same. */
function bodies(format: 'rich' | 'plain', parts: Parts | null, signature: string[]): Pick<ComposeStart, 'html' | 'text'> {
  if (format === 'rich') {
    const html = richBody(parts, signature);
    return { html, text: htmlToText(html) };
  }
  const text = plainBody(parts, signature);
  return { html: textToHtml(text), text };
}

/** The start of a message: recipients, subject, threading headers, and a body with the signature above any quote, where the person writes. */
export function startCompose(
  kind: ComposeKind,
  original: Original | null,
  identity: Identity,
  ownAddresses: readonly string[],
  format: 'rich' | 'plain',
  formatDate: (ms: number) => string = messageDate,
): ComposeStart {
  const signature = signatureLines(identity);
  // A reply or forward with nothing to answer starts as a new message.
  if (kind === 'new' || original === null) return { to: [], cc: [], subject: '', inReplyTo: null, references: [], ...bodies(format, null, signature) };
  const { header } = original;
  const body = bodies(format, partsFor(kind, original, formatDate), signature);
  if (kind === 'forward') {
    // A forward refers to the message it carries but answers nothing (Thunderbird does the same: References only).
    const references = header.messageId ? [header.messageId] : [];
    return { to: [], cc: [], subject: `Fwd: ${withoutPrefixes(header.subject, FORWARD_PREFIX)}`, inReplyTo: null, references, ...body };
  }
  const own = new Set([...ownAddresses, identity.address].map((a) => a.toLowerCase()));
  return { ...recipients(kind, header, own), subject: `Re: ${withoutPrefixes(header.subject, REPLY_PREFIX)}`, inReplyTo: header.messageId, references: referencesOf(header), ...body };
}

// Owns turning a raw RFC 5322 message into what the reader shows: text, HTML as received, attachment list, embeddable cid: images.

import type { AttachmentMeta, MessageBody } from '../../shared/model';
import { htmlAsText, MAX_HTML_TO_TEXT_CHARS, rawText } from './raw-text';
import { walkMessage, type WalkedAttachment } from './walk-message';

export type ParsedMessage = Pick<MessageBody, 'text' | 'html' | 'attachments' | 'inlineParts' | 'parseError' | 'authResults' | 'size'>;

/** Bytes of a message parsed at most; the rest of a bigger one is not read (its text is almost always near the start). */
export const MAX_PARSE_BYTES = 64 * 1024 * 1024;
/** Largest decoded image embedded as a data: URL; bigger ones are listed as attachments only. */
export const MAX_INLINE_PART_BYTES = 2 * 1024 * 1024;
/** Embedded images per message in total, so one message cannot put hundreds of megabytes into the store. */
export const MAX_INLINE_TOTAL_BYTES = 16 * 1024 * 1024;

export interface ParseOptions {
  /** The message's real size when `source` holds only its first bytes (a partial IMAP fetch). */
  totalSize?: number;
}

/** Content types that may go into a data: URL as they are (mailparser lower-cases them). */
const IMAGE_TYPE = /^image\/[a-z0-9][a-z0-9.+-]*$/;

/** cid: URLs as HTML and CSS write them (src="cid:x", url(cid:x)); mailparser matches them the same way. */
const CID_URL = /\bcid:([^'"\s<>()]{1,256})/gi;

/** Content-IDs the HTML refers to, both as written and URL-decoded (RFC 2392 cid: URLs are %-encoded). */
export function referencedContentIds(html: string | null): Set<string> {
  const ids = new Set<string>();
  if (!html) return ids;
  for (const match of html.matchAll(CID_URL)) {
    const id = match[1] as string;
    ids.add(id);
    try {
      ids.add(decodeURIComponent(id));
    } catch {
      // Not valid %-encoding: the literal form is all there is.
    }
  }
  return ids;
}

/** The top-level header block is read for Authentication-Results only this far; real header blocks are far smaller. */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Every Authentication-Results value of the message's own header block (never of attached messages), unfolded,
 * top first. Read from the raw bytes: these headers are ASCII (RFC 8601), and their order says which server wrote them.
 */
export function authenticationResults(source: Buffer): string[] {
  const head = source.subarray(0, MAX_HEADER_BYTES).toString('latin1');
  const end = /\r?\n\r?\n/.exec(head);
  const block = end ? head.slice(0, end.index) : head;
  return block
    .replace(/\r?\n(?=[ \t])/g, '')
    .split(/\r?\n/)
    .flatMap((line) => {
      const match = /^authentication-results[ \t]*:(.*)$/is.exec(line);
      return match ? [(match[1] as string).replace(/\s+/g, ' ').trim()] : [];
    });
}

/** The field only when the message has such headers, as most mail read through other servers does not. */
function withAuthResults(source: Buffer): Pick<ParsedMessage, 'authResults'> {
  const values = authenticationResults(source);
  return values.length > 0 ? { authResults: values } : {};
}

/** The parseError of a message with a body in which the parser found no part at all (a multipart without a usable boundary, say). */
export const NOTHING_READABLE = 'No part of this message could be read, so it is shown as it arrived.';

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** True when something other than white space follows the header block. */
function hasBody(source: Buffer): boolean {
  const end = /\r?\n\r?\n/.exec(source.subarray(0, MAX_HEADER_BYTES).toString('latin1'));
  return end !== null && source.subarray(end.index + end[0].length).some((byte) => !isWhitespace(byte));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function toMeta(part: WalkedAttachment, index: number, referenced: Set<string>): AttachmentMeta {
  return {
    partId: String(index + 1),
    filename: part.filename,
    contentType: part.contentType,
    size: part.size,
    contentId: part.contentId,
    inline: part.disposition === 'inline' || (part.contentId !== null && referenced.has(part.contentId)),
  };
}

function inlineParts(parts: WalkedAttachment[], referenced: Set<string>): Record<string, string> {
  const embedded: Record<string, string> = {};
  let total = 0;
  for (const part of parts) {
    const id = part.contentId;
    if (!part.content || id === null || !referenced.has(id) || !IMAGE_TYPE.test(part.contentType) || id in embedded) continue;
    if (total + part.content.length > MAX_INLINE_TOTAL_BYTES) continue;
    total += part.content.length;
    embedded[id] = `data:${part.contentType};base64,${part.content.toString('base64')}`;
  }
  return embedded;
}

/**
 * Parses a message with mailparser. The HTML is returned as mailparser decodes it, cid: links intact and not
 * sanitized: the reader sanitizes it (DOMPurify) when it shows it, so a better sanitizer can rerun on cached
 * bodies. Never throws: input mailparser cannot get through becomes its raw text with parseError set.
 */
export async function parseMessage(source: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  const size = Math.max(source.length, options.totalSize ?? 0);
  const input = source.length > MAX_PARSE_BYTES ? source.subarray(0, MAX_PARSE_BYTES) : source;
  let walked;
  try {
    walked = await walkMessage(
      input,
      // Only images that can be embedded are kept in memory; everything else streams through.
      (part) => (part.cid && part.contentType.startsWith('image/') ? MAX_INLINE_PART_BYTES : 0),
      { maxHtmlLengthToParse: MAX_HTML_TO_TEXT_CHARS },
    );
  } catch (error) {
    return { text: rawText(input), html: null, attachments: [], inlineParts: {}, parseError: describe(error), ...withAuthResults(input), size };
  }
  if (walked.text === null && walked.html === null && walked.attachments.length === 0 && hasBody(input)) {
    // Showing nothing, and saying nothing, would hide the message: its raw text is all there is.
    return { text: rawText(input), html: null, attachments: [], inlineParts: {}, parseError: NOTHING_READABLE, ...withAuthResults(input), size };
  }
  const html = walked.html;
  const text = walked.text ?? (html === null ? null : await htmlAsText(html));
  const referenced = referencedContentIds(html);
  return {
    text,
    html,
    attachments: walked.attachments.map((part, index) => toMeta(part, index, referenced)),
    inlineParts: inlineParts(walked.attachments, referenced),
    parseError: input.length < size ? `Only the first ${input.length} of ${size} bytes of this message were read.` : null,
    ...withAuthResults(input),
    size,
  };
}

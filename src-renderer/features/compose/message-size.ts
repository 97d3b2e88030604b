// How big a message will be on the wire, and what to tell the person when that is more than the server takes.

import { formatSize } from '../reader/attachments';

/** Base64 lines are 76 characters (RFC 2045 §6.8), each ended by CRLF. */
const BASE64_LINE = 76;

/** From, To, Cc, Subject, Message-ID, References (21 ids at most), Date and the MIME headers: generous for long recipient lists. */
const MESSAGE_HEADERS = 8 * 1024;
/** One part's boundary line and headers; a long non-ASCII file name is encoded twice (name and filename), three bytes a character. */
const PART_HEADERS = 1024;

/** What `bytes` of content take as base64 with 76-character lines and CRLF. */
export function encodedSize(bytes: number): number {
  const characters = 4 * Math.ceil(bytes / 3);
  return characters + 2 * Math.ceil(characters / BASE64_LINE);
}

/**
 * A text part's size in the encoding nodemailer picks for it (mime-node's _getTextEncoding): quoted-printable when
 * Latin letters outnumber other characters, else base64. Quoted-printable is counted as ASCII one byte, every other
 * UTF-8 byte "=XX", and a soft break ("=" CRLF) every 73 characters. Assumed: the few ASCII characters it also
 * escapes ("=", a space before a line end) do not matter at this scale. Text without any of that goes as 7bit, smaller.
 */
function textPartSize(text: string): number {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) other++;
    else if (/[a-z]/i.test(text[i] ?? '')) latin++;
  }
  const utf8 = new TextEncoder().encode(text);
  let lineEnds = 0;
  let quoted = 0;
  for (const byte of utf8) {
    if (byte === 0x0a) lineEnds++;
    quoted += byte === 0x0a ? 2 : byte < 0x80 ? 1 : 3;
  }
  // Line ends go out as CRLF in either encoding.
  return other < latin ? quoted + 3 * Math.ceil(quoted / 73) : encodedSize(utf8.length + lineEnds);
}

/** A close upper estimate of the whole message as sent: headers, the text and HTML parts, and every attachment as base64. */
export function estimateMessageSize(parts: { text: string; html: string | null; attachmentBytes: number[] }): number {
  let size = MESSAGE_HEADERS + PART_HEADERS + textPartSize(parts.text);
  if (parts.html !== null) size += PART_HEADERS + textPartSize(parts.html);
  for (const bytes of parts.attachmentBytes) size += PART_HEADERS + encodedSize(bytes);
  return size;
}

/** A sentence the person can act on when the message is bigger than the server's limit (EHLO SIZE); null when it fits or no limit is known. */
export function sizeWarning(estimate: number, maxMessageBytes: number | null): string | null {
  if (maxMessageBytes === null || estimate <= maxMessageBytes) return null;
  const size = formatSize(estimate);
  const limit = formatSize(maxMessageBytes);
  const advice = 'Remove an attachment or share it by a link.';
  // Rounded, "about 10 MB" against "at most 10 MB" would read as fitting.
  if (size === limit) return `This message is just over the ${limit} the server accepts. ${advice}`;
  return `This message is about ${size} as sent (attachments grow by about a third on the way); the server accepts at most ${limit}. ${advice}`;
}

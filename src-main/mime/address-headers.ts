// From, To and Cc read from a message's raw header block, the way an IMAP server builds ENVELOPE: every header of
// the name (two From headers are two senders), addr-specs as written (RFC 2047 §5: an encoded-word is never decoded
// inside an address, so "attacker@=?utf-8?q?whitehouse.gov?=" stays that), only display names decoded.

import addressparser from 'nodemailer/lib/addressparser';
import type { Address } from '../../shared/model';

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function decoderFor(charset: string): { decode(bytes: Uint8Array): string } {
  try {
    // RFC 2231 allows a language after '*'; TextDecoder knows the WHATWG labels (utf-8, iso-8859-x, windows-125x, ...).
    return new TextDecoder(charset.split('*')[0]?.trim() || 'utf-8');
  } catch {
    return new TextDecoder('latin1');
  }
}

function wordBytes(encoding: string, text: string): Uint8Array {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const bytes = text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1');
}

/** RFC 2047 encoded-words in a display name, decoded; whitespace between two adjacent encoded-words goes (§6.2). */
export function decodeWords(text: string): string {
  return text
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1')
    .replace(ENCODED_WORD, (_m, charset: string, encoding: string, encoded: string) => decoderFor(charset).decode(wordBytes(encoding, encoded)));
}

/** The header block's lines, unfolded, as text: UTF-8 where it is valid (RFC 6532), Latin-1 otherwise, byte for byte. */
function headerLines(block: Buffer): string[] {
  const utf8 = block.toString('utf8');
  const text = utf8.includes('\uFFFD') ? block.toString('latin1') : utf8;
  return text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

/** Every address of every header called `name` ('from', 'to', 'cc'), in order. */
export function addressesOf(block: Buffer, name: string): Address[] {
  const prefix = `${name.toLowerCase()}:`;
  return headerLines(block)
    .filter((line) => line.toLowerCase().startsWith(prefix))
    // Control characters have no place in a header (RFC 5322 §3.2.3); a NUL would end the address early in the parser.
    // eslint-disable-next-line no-control-regex -- removing them is the point
    .flatMap((line) => addressparser(line.slice(prefix.length).replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''), { flatten: true }))
    .filter((a) => a.address || a.name)
    .map((a) => {
      // "x@spoof.example(comment)@real.example": a comment is CFWS, so the addr-spec goes on after it. The parser takes
      // what follows the comment for a name; it belongs to the address, whose domain is the last one.
      if (/^@\S+$/.test(a.name ?? '') && a.address) return { name: '', address: `${a.address}${a.name}`.trim() };
      return { name: decodeWords(a.name ?? '').trim(), address: (a.address ?? '').trim() };
    });
}

// Text of last resort: a readable rendering of raw bytes mailparser could not parse, and plain text for HTML-only messages.

import { walkMessage } from './walk-message';

/** How much of an unparseable message is shown as raw text. */
export const MAX_FALLBACK_TEXT_BYTES = 1024 * 1024;

/** HTML longer than this is not converted to text: html-to-text is slow on huge markup and the HTML is kept anyway. */
export const MAX_HTML_TO_TEXT_CHARS = 4 * 1024 * 1024;

/**
 * The first MAX_FALLBACK_TEXT_BYTES of `source` as text. Latin-1 maps every byte to a character, so nothing
 * can fail; but most 8-bit mail today is UTF-8, so bytes that are valid UTF-8 are shown as such instead of
 * as mojibake. A character cut at the limit is dropped (stream mode keeps an incomplete sequence back).
 */
export function rawText(source: Buffer): string {
  const head = source.subarray(0, MAX_FALLBACK_TEXT_BYTES);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(head, { stream: true });
  } catch {
    return head.toString('latin1');
  }
}

/**
 * Plain text for HTML that came without a text alternative mailparser would convert (an HTML-only
 * multipart/alternative, say). mailparser converts a root text/html part itself, so the HTML is wrapped in
 * such a message: the same converter and limits as everywhere else, and no dependency beyond mailparser.
 */
export async function htmlAsText(html: string): Promise<string | null> {
  if (html.length > MAX_HTML_TO_TEXT_CHARS) return null;
  const message = Buffer.concat([Buffer.from('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'ascii'), Buffer.from(html, 'utf8')]);
  try {
    const walked = await walkMessage(message, () => 0, { skipTextToHtml: true });
    return walked.text;
  } catch {
    return null;
  }
}

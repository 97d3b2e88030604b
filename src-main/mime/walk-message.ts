// Drives mailparser's streaming MailParser over one message: the text parts, and every attachment's metadata with its bytes kept only where asked.

import { MailParser, type AttachmentStream, type MailParserOptions, type MessageText } from 'mailparser';
import { keepHtmlPartsApart } from './html-parts';

export interface WalkedAttachment {
  contentType: string;
  filename: string | null;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** The Content-Disposition the part declared ('inline', 'attachment', …), if any. */
  disposition: string | null;
  /** Decoded size in bytes. */
  size: number;
  /** The decoded bytes, when `keep` asked for them and they fitted its limit; null otherwise. */
  content: Buffer | null;
}

export interface WalkedMessage {
  text: string | null;
  html: string | null;
  attachments: WalkedAttachment[];
}

/**
 * How many decoded bytes of an attachment (0-based index in mailparser's order) to keep; 0 keeps none.
 * Past the limit the bytes already kept are dropped too, so an oversized part never costs its size twice.
 */
export type KeepAttachment = (attachment: AttachmentStream, index: number) => number;

/** No checksums: nothing reads them, and MD5 over every attachment is wasted CPU during a bulk prefetch. */
const BASE_OPTIONS: MailParserOptions = { checksumAlgo: false };

/**
 * simpleParser buffers every attachment; this reads the same parser the same way (so attachment order and
 * text match simpleParser's exactly) but streams attachment bytes through, so memory stays near the size of
 * the source however large the attachments are. Rejects with the parser's own error on malformed input it
 * cannot get past (too many parts, oversized headers, …).
 */
export function walkMessage(source: Buffer, keep: KeepAttachment, options: MailParserOptions = {}): Promise<WalkedMessage> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ ...BASE_OPTIONS, ...options });
    keepHtmlPartsApart(parser);
    const attachments: WalkedAttachment[] = [];
    let text: MessageText | null = null;
    let settled = false;
    let reading = false;

    // MailParser may report an error and still reach 'end' afterwards: the first outcome wins.
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    const collect = (attachment: AttachmentStream, next: () => void): void => {
      const index = attachments.length;
      const limit = keep(attachment, index);
      const entry: WalkedAttachment = {
        contentType: attachment.contentType,
        filename: attachment.filename ?? null,
        contentId: attachment.cid || null,
        disposition: attachment.contentDisposition ?? null,
        size: 0,
        content: null,
      };
      attachments.push(entry);
      let chunks: Buffer[] | null = limit > 0 ? [] : null;
      attachment.content.on('data', (chunk: Buffer) => {
        entry.size += chunk.length;
        if (chunks && entry.size <= limit) chunks.push(chunk);
        else chunks = null;
      });
      attachment.content.once('error', fail);
      attachment.content.once('end', () => {
        if (chunks) entry.content = Buffer.concat(chunks, entry.size);
        attachment.release?.();
        next();
      });
    };

    // The parser waits for each attachment's release() before it goes on, so reading pauses while one streams.
    const read = (): void => {
      reading = true;
      for (;;) {
        const data = parser.read() as AttachmentStream | MessageText | null;
        if (data === null) {
          reading = false;
          return;
        }
        if (data.type === 'text') text = data;
        else return collect(data, read);
      }
    };

    parser.on('readable', () => {
      if (!reading) read();
    });
    parser.once('error', fail);
    parser.once('end', () => {
      if (settled) return;
      settled = true;
      resolve({ text: text?.text ?? null, html: text?.html ?? null, attachments });
    });
    parser.end(source);
  });
}

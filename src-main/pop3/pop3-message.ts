// Owns turning raw RFC 5322 bytes kept locally (a POP3 download, a POP3 account's Sent copy) into the header, body and
// source the store keeps: with no IMAP server there is no ENVELOPE, so every field comes from the bytes themselves.

import { MailParser, type HeaderValue } from 'mailparser';
import type { Flag, MessageBody, MessageHeader } from '../../shared/model';
import { messageIds } from '../imap/headers';
import { addressesOf } from '../mime/address-headers';
import { parseMessage } from '../mime/parse-message';

/** Where a header block is looked for: real ones are far smaller, and a message without a blank line is all header. */
const MAX_HEADER_BYTES = 256 * 1024;

export interface LocalMessage {
  header: Omit<MessageHeader, 'threadId'>;
  body: MessageBody;
  source: { uid: number; base64: string };
}

export interface LocalMessageOptions {
  accountId: string;
  folderPath: string;
  uid: number;
  flags: Flag[];
  /** When it was downloaded or filed: the date of a message without a usable Date header, and the body's fetchedAt. */
  at: number;
  /** The message's size on the server when `raw` is only its first part (TOP); the raw length otherwise. */
  totalSize?: number;
}

/** The top-level header block, with the blank line that ends it, so the parser sees a complete (empty-bodied) message. */
function headerBlock(raw: Buffer): Buffer {
  const head = raw.subarray(0, MAX_HEADER_BYTES);
  const text = head.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  return end ? head.subarray(0, end.index + end[0].length) : Buffer.concat([head, Buffer.from('\r\n\r\n')]);
}

/** The decoded top-level headers (RFC 2047 words, addresses, dates) exactly as mailparser reads them for the body. */
function readHeaders(raw: Buffer): Promise<Map<string, HeaderValue>> {
  return new Promise((resolve) => {
    const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true });
    let headers = new Map<string, HeaderValue>();
    parser.once('headers', (parsed) => (headers = parsed));
    // Bytes mailparser cannot read leave the headers it got, or none: the message is still kept (its body says why).
    parser.once('error', () => resolve(headers));
    parser.once('end', () => resolve(headers));
    parser.on('data', () => undefined);
    parser.end(headerBlock(raw));
  });
}

function text(value: HeaderValue | undefined): string {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').join(' ') : '';
}

/**
 * Header, body and source of one message. Threading reads Message-ID, In-Reply-To and References from the bytes the
 * way the IMAP path reads them from ENVELOPE, reduced to the same `<id>` form so both kinds of account thread alike.
 */
export async function readLocalMessage(raw: Buffer, options: LocalMessageOptions): Promise<LocalMessage> {
  const { accountId, folderPath, uid, flags, at } = options;
  const size = Math.max(raw.length, options.totalSize ?? 0);
  const block = headerBlock(raw);
  const [headers, parsed] = await Promise.all([readHeaders(raw), parseMessage(raw, { totalSize: size })]);
  const date = headers.get('date');
  const header: Omit<MessageHeader, 'threadId'> = {
    accountId,
    folderPath,
    uid,
    date: date instanceof Date && Number.isFinite(date.getTime()) ? date.getTime() : at,
    subject: text(headers.get('subject')),
    // Not mailparser's: it decodes encoded-words inside addresses and keeps one From header of several (Mailsploit).
    from: addressesOf(block, 'from'),
    to: addressesOf(block, 'to'),
    cc: addressesOf(block, 'cc'),
    messageId: messageIds(text(headers.get('message-id')))[0] ?? null,
    inReplyTo: messageIds(text(headers.get('in-reply-to')))[0] ?? null,
    references: messageIds(text(headers.get('references'))),
    flags,
    unread: flags.includes('\\Seen') ? 0 : 1,
    flagged: flags.includes('\\Flagged') ? 1 : 0,
    size,
    hasAttachments: parsed.attachments.some((a) => !a.inline),
    // The store makes the preview from the body that travels in the same batch.
    preview: '',
  };
  const body: MessageBody = { accountId, folderPath, uid, ...parsed, fetchedAt: at };
  return { header, body, source: { uid, base64: raw.toString('base64') } };
}

/** The Message-ID of raw bytes in `<id>` form, reading only the header block; null when there is none. */
export async function messageIdOf(raw: Buffer): Promise<string | null> {
  return messageIds(text((await readHeaders(raw)).get('message-id')))[0] ?? null;
}

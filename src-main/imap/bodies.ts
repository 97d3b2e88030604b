// Owns message bodies over IMAP: one fetched when the reader opens it, attachments on demand, and (re-exported) the offline prefetch.

import { HeronError } from '../../shared/errors';
import type { AttachmentContent, MessageBody } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { extractAttachment } from '../mime/extract-attachment';
import { MAX_PARSE_BYTES, parseMessage } from '../mime/parse-message';
import { messageNotFound, withFolder } from './body-folder';

export { prefetchBodies, type PrefetchOptions } from './body-prefetch';

/** Largest message whose attachments Heron extracts: the whole message is held in memory to decode one part. */
export const MAX_ATTACHMENT_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * Fetches and parses one message. Only the first MAX_PARSE_BYTES are downloaded (BODY.PEEK[]<0.n>, which
 * never sets \Seen); a bigger message comes back with parseError saying so. Parsing runs after the
 * connection is handed back, so other jobs need not wait for it.
 */
export async function fetchMessageBody(session: AccountSession, folderPath: string, uid: number): Promise<MessageBody> {
  const fetched = await withFolder(session, folderPath, async ({ client }) => {
    const message = await client.fetchOne(String(uid), { uid: true, size: true, source: { maxLength: MAX_PARSE_BYTES } }, { uid: true });
    if (!message || !message.source) throw messageNotFound(folderPath, uid);
    return { source: message.source, size: message.size };
  });
  const parsed = await parseMessage(fetched.source, fetched.size === undefined ? {} : { totalSize: fetched.size });
  return { accountId: session.account.id, folderPath, uid, ...parsed, fetchedAt: Date.now() };
}

/** The bytes of one attachment, by the partId fetchMessageBody listed it under. */
export async function fetchAttachmentContent(session: AccountSession, folderPath: string, uid: number, partId: string): Promise<AttachmentContent> {
  const source = await withFolder(session, folderPath, async ({ client }) => {
    // Size first: refusing a huge message after downloading it would waste the download.
    const sized = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
    if (!sized) throw messageNotFound(folderPath, uid);
    if ((sized.size ?? 0) > MAX_ATTACHMENT_MESSAGE_BYTES) {
      throw new HeronError('unsupported', 'This message is too large for Heron to open its attachments.', { folderPath, uid, size: sized.size ?? 0 });
    }
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!message || !message.source) throw messageNotFound(folderPath, uid);
    return message.source;
  });
  return extractAttachment(source, partId);
}

// Owns reading a POP3 account's messages back from the store: the raw copy kept at download (or filing) is the only
// copy there is, so the reader's body, attachments and "View source" all come from it, never from the server.

import type { RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { AttachmentContent, MessageBody, MessageSource } from '../../shared/model';
import { decodeSource, MAX_SOURCE_BYTES } from '../imap/message-source';
import { extractAttachment } from '../mime/extract-attachment';
import { parseMessage } from '../mime/parse-message';

async function storedBytes(renderer: RendererApi, accountId: string, folderPath: string, uid: number): Promise<Buffer> {
  const base64 = await renderer.messageSource(accountId, folderPath, uid);
  if (base64 === null) throw new HeronError('not-found', 'Heron keeps no copy of this message any more.', { folderPath, uid });
  return Buffer.from(base64, 'base64');
}

/** The body parsed again from the stored copy (the store normally has it from the download already). */
export async function storedBody(renderer: RendererApi, accountId: string, folderPath: string, uid: number, now: number): Promise<MessageBody> {
  const parsed = await parseMessage(await storedBytes(renderer, accountId, folderPath, uid));
  return { accountId, folderPath, uid, ...parsed, fetchedAt: now };
}

export async function storedAttachment(renderer: RendererApi, accountId: string, folderPath: string, uid: number, partId: string): Promise<AttachmentContent> {
  return extractAttachment(await storedBytes(renderer, accountId, folderPath, uid), partId);
}

/** The first MiB of the stored copy, as "View source" shows a message of any account. */
export async function storedSource(renderer: RendererApi, accountId: string, folderPath: string, uid: number): Promise<MessageSource> {
  const bytes = await storedBytes(renderer, accountId, folderPath, uid);
  const truncated = bytes.length > MAX_SOURCE_BYTES;
  return { text: decodeSource(bytes.subarray(0, MAX_SOURCE_BYTES), truncated), truncated };
}

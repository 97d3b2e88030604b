// Owns "View source": the first MiB of a message's raw bytes over IMAP, decoded for display, without setting \Seen.

import type { MessageSource } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { messageNotFound, withFolder } from './body-folder';

/** Enough for every header and the start of any body; a person reading source does not scroll through attachments. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * UTF-8 when the bytes are UTF-8 (most mail today, and all 7-bit mail), else Latin-1, which maps every byte to
 * one character so nothing is lost or replaced. `stream` keeps a multi-byte character cut at the limit from
 * counting as invalid.
 */
export function decodeSource(bytes: Uint8Array, cut: boolean): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** BODY.PEEK[]<0.MAX_SOURCE_BYTES> in a read-only EXAMINE: the message stays unread. */
export async function fetchMessageSource(session: AccountSession, folderPath: string, uid: number): Promise<MessageSource> {
  const fetched = await withFolder(session, folderPath, async ({ client }) => {
    const message = await client.fetchOne(String(uid), { uid: true, size: true, source: { maxLength: MAX_SOURCE_BYTES } }, { uid: true });
    if (!message || !message.source) throw messageNotFound(folderPath, uid);
    return { source: message.source, size: message.size ?? message.source.length };
  });
  const truncated = fetched.size > fetched.source.length;
  return { text: decodeSource(fetched.source, truncated), truncated };
}

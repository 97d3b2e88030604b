// Test oracles for the store: figures read the slow, obvious way (every row), to check the store's own bookkeeping against.

import { Dexie } from 'dexie';
import type { HeronDb } from '../../src-renderer/store/db';
import type { MessageRow } from '../../src-renderer/store/rows';

function folderRows(db: HeronDb, accountId: string, folderPath: string): Promise<MessageRow[]> {
  return db.messages.where('[accountId+folderPath+uid]').between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey]).toArray();
}

/** Unread messages of a folder, counted from the rows (not from the folder row the store keeps by deltas). */
export async function countUnread(db: HeronDb, accountId: string, folderPath: string): Promise<number> {
  return (await folderRows(db, accountId, folderPath)).filter((m) => m.unread === 1).length;
}

/** Flagged messages of a folder, counted from the rows. */
export async function countFlagged(db: HeronDb, accountId: string, folderPath: string): Promise<number> {
  return (await folderRows(db, accountId, folderPath)).filter((m) => m.flagged === 1).length;
}

/** Every stored copy of one Message-ID in the account, in primary-key order (folder, then UID). */
export async function messagesWithMessageId(db: HeronDb, accountId: string, messageId: string): Promise<MessageRow[]> {
  return db.messages.filter((m) => m.accountId === accountId && m.messageId === messageId).toArray();
}

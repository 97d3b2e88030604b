// Reads the UI and the engine need, each through the index built for it, so they stay fast at 100,000 messages per folder.

import { Dexie } from 'dexie';
import type { Folder, MessageHeader, SyncCursor } from '../../shared/model';
import type { HeronDb } from './db';
import type { ThreadRow } from './rows';

export { putAccounts, toAccountSummary } from './accounts';

/**
 * The newest messages of a folder, newest first, read backwards along [accountId+folderPath+date].
 * offset skips index entries one by one; for deep scrolling prefer paging from the last row's date.
 */
export function newestInFolder(db: HeronDb, accountId: string, folderPath: string, limit: number, offset = 0): Promise<MessageHeader[]> {
  return db.messages
    .where('[accountId+folderPath+date]')
    .between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey], true, true)
    .reverse()
    .offset(offset)
    .limit(limit)
    .toArray();
}

/** A conversation across all folders of the account, oldest first (the order it is read in). */
export async function messagesInThread(db: HeronDb, accountId: string, threadId: string): Promise<MessageHeader[]> {
  const rows = await db.messages.where('[accountId+threadId]').equals([accountId, threadId]).toArray();
  return rows.sort((a, b) => a.date - b.date || a.folderPath.localeCompare(b.folderPath) || a.uid - b.uid);
}

export function getThread(db: HeronDb, accountId: string, threadId: string): Promise<ThreadRow | undefined> {
  return db.threads.get([accountId, threadId]);
}

export async function getSyncCursor(db: HeronDb, accountId: string, folderPath: string): Promise<SyncCursor | null> {
  return (await db.syncCursors.get([accountId, folderPath])) ?? null;
}

/** The account's folders in path order: entries of one index key come out in primary-key order, [accountId+path]. */
export function foldersOf(db: HeronDb, accountId: string): Promise<Folder[]> {
  return db.folders.where('accountId').equals(accountId).toArray();
}

/** Every UID the store holds for a folder, ascending, read from the primary key alone. */
export async function folderUids(db: HeronDb, accountId: string, folderPath: string): Promise<number[]> {
  const keys = await db.messages
    .where('[accountId+folderPath+uid]')
    .between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey])
    .primaryKeys();
  return keys.map((key) => key[2]);
}

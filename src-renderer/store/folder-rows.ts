// Folder-level writes inside a batch: upsert and remove folders, drop a folder's cached mail, and recount a folder from its messages.

import { Dexie } from 'dexie';
import type { Folder } from '../../shared/model';
import type { CursorKey, FolderKey, HeronDb } from './db';
import { folderTerms } from './search-index';
import type { ThreadTally } from './thread-rows';

function folderRange(accountId: string, path: string): [unknown[], unknown[]] {
  return [
    [accountId, path, Dexie.minKey],
    [accountId, path, Dexie.maxKey],
  ];
}

/**
 * Once a folder has a sync cursor, its total and unread are what the store holds (recounted by every
 * batch that touches its messages), so a later folder listing does not overwrite them with the server's
 * figures. A folder never synced shows the server's figures until then.
 */
export async function upsertFolders(db: HeronDb, accountId: string, folders: readonly Folder[]): Promise<void> {
  const keys = folders.map((f): FolderKey => [accountId, f.path]);
  const [existing, cursors] = await Promise.all([db.folders.bulkGet(keys), db.syncCursors.bulkGet(keys as CursorKey[])]);
  const rows = folders.map((folder, i): Folder => {
    const old = existing[i];
    return old && cursors[i] ? { ...folder, total: old.total, unread: old.unread } : { ...folder };
  });
  await db.folders.bulkPut(rows);
}

/** Deletes every cached message of a folder with its bodies and attachments, telling the tally which threads lose messages. */
export async function dropFolderMessages(db: HeronDb, accountId: string, path: string, tally: ThreadTally): Promise<number> {
  const [lower, upper] = folderRange(accountId, path);
  const messages = () => db.messages.where('[accountId+folderPath+uid]').between(lower, upper, true, true);
  // each() streams the rows, so dropping a 100,000-message folder does not hold them all in memory.
  await messages().each((m) => tally.remove(m));
  const [dropped] = await Promise.all([
    messages().delete(),
    db.bodies.where('[accountId+folderPath+uid]').between(lower, upper, true, true).delete(),
    db.attachments
      .where('[accountId+folderPath+uid+partId]')
      .between([accountId, path, Dexie.minKey, Dexie.minKey], [accountId, path, Dexie.maxKey, Dexie.maxKey], true, true)
      .delete(),
    // The folder's search terms name only its own messages: one range, no need to read the rows' words.
    folderTerms(db, accountId, path).delete(),
  ]);
  return dropped;
}

/** A folder gone from the server: its row, its cursor and everything cached from it. */
export async function removeFolder(db: HeronDb, accountId: string, path: string, tally: ThreadTally): Promise<number> {
  const dropped = await dropFolderMessages(db, accountId, path, tally);
  await Promise.all([db.folders.delete([accountId, path]), db.syncCursors.delete([accountId, path])]);
  return dropped;
}

/** Recounts total and unread from the message indexes, so the folder list can never drift from the cache. */
export async function refreshFolderCounts(db: HeronDb, accountId: string, path: string): Promise<void> {
  const [lower, upper] = folderRange(accountId, path);
  const [folder, total, unread] = await Promise.all([
    db.folders.get([accountId, path]),
    db.messages.where('[accountId+folderPath+uid]').between(lower, upper, true, true).count(),
    db.messages.where('[accountId+folderPath+unread]').equals([accountId, path, 1]).count(),
  ]);
  if (folder && (folder.total !== total || folder.unread !== unread)) await db.folders.put({ ...folder, total, unread });
}

// Folder-level writes inside a batch: upsert and remove folders, drop a folder's cached mail, and keep each folder's counts by deltas.

import { Dexie } from 'dexie';
import type { Folder, MessageHeader } from '../../shared/model';
import type { FolderKey, HeronDb } from './db';
import type { FolderRow } from './rows';
import { folderTerms } from './search-index';
import type { ThreadTally } from './thread-rows';

function folderRange(accountId: string, path: string): [unknown[], unknown[]] {
  return [
    [accountId, path, Dexie.minKey],
    [accountId, path, Dexie.maxKey],
  ];
}

/**
 * A folder whose counts the store owns (FolderRow.storeCounted) keeps them; any other takes the server's figures from
 * the listing. `local`: the account's folders exist only in the store (POP3), whose listing has no figures to give, so
 * every folder's counts are the store's, counted from its rows the first time (a Sent copy may have been filed before
 * its folder was listed).
 */
export async function upsertFolders(db: HeronDb, accountId: string, folders: readonly Folder[], local = false): Promise<void> {
  const existing = await db.folders.bulkGet(folders.map((f): FolderKey => [accountId, f.path]));
  const rows = await Promise.all(
    folders.map(async (folder, i): Promise<FolderRow> => {
      const old = existing[i];
      if (old?.storeCounted) return { ...folder, total: old.total, unread: old.unread, storeCounted: true };
      return local ? { ...folder, ...(await countFolder(db, accountId, folder.path)), storeCounted: true } : { ...folder };
    }),
  );
  await db.folders.bulkPut(rows);
}

/** Deletes every cached message of a folder with its bodies, attachments and sources, telling the tally which threads lose messages. */
export async function dropFolderMessages(db: HeronDb, accountId: string, path: string, tally: ThreadTally): Promise<number> {
  const [lower, upper] = folderRange(accountId, path);
  const messages = () => db.messages.where('[accountId+folderPath+uid]').between(lower, upper, true, true);
  // each() streams the rows, so dropping a 100,000-message folder does not hold them all in memory.
  await messages().each((m) => tally.remove(m));
  const [dropped] = await Promise.all([
    messages().delete(),
    db.bodies.where('[accountId+folderPath+uid]').between(lower, upper, true, true).delete(),
    db.sources.where('[accountId+folderPath+uid]').between(lower, upper, true, true).delete(),
    db.attachments
      .where('[accountId+folderPath+uid+partId]')
      .between([accountId, path, Dexie.minKey, Dexie.minKey], [accountId, path, Dexie.maxKey, Dexie.maxKey], true, true)
      .delete(),
    // The folder's search terms name only its own messages: one range, no need to read the rows' words.
    folderTerms(db, accountId, path).delete(),
    // Nothing cached is nothing counted: the batch's own rows then count up from zero.
    db.folders.update([accountId, path], { total: 0, unread: 0, storeCounted: true }),
  ]);
  return dropped;
}

/** A folder gone from the server: its row, its cursor and everything cached from it. */
export async function removeFolder(db: HeronDb, accountId: string, path: string, tally: ThreadTally): Promise<number> {
  const dropped = await dropFolderMessages(db, accountId, path, tally);
  await Promise.all([db.folders.delete([accountId, path]), db.syncCursors.delete([accountId, path])]);
  return dropped;
}

/** Counts a folder's cached messages by reading every row: only for a folder's first counted write, or to heal a drift. */
async function countFolder(db: HeronDb, accountId: string, path: string): Promise<{ total: number; unread: number }> {
  const [lower, upper] = folderRange(accountId, path);
  let total = 0;
  let unread = 0;
  await db.messages
    .where('[accountId+folderPath+uid]')
    .between(lower, upper, true, true)
    .each((m) => {
      total += 1;
      unread += m.unread;
    });
  return { total, unread };
}

type Counted = Pick<MessageHeader, 'folderPath' | 'unread'>;

/**
 * Keeps folder totals and unread counts in step with message writes by deltas. Recounting a 100,000-message folder
 * after every sync batch cost more than writing the batch (an IndexedDB count walks every index entry); a delta costs
 * one folder row. A folder is counted from its rows once, the first time its messages are written, and again only
 * if a delta ever yields an impossible figure.
 */
export class FolderTally {
  private readonly deltas = new Map<string, { total: number; unread: number }>();

  constructor(private readonly accountId: string) {}

  private delta(path: string): { total: number; unread: number } {
    let d = this.deltas.get(path);
    if (!d) {
      d = { total: 0, unread: 0 };
      this.deltas.set(path, d);
    }
    return d;
  }

  /** A write touched this folder's messages (even if no count moved): its counts become the store's from now on. */
  touch(path: string): void {
    this.delta(path);
  }

  /** One message row went from `before` to `after` (either may be absent). */
  change(before: Counted | null, after: Counted | null): void {
    if (before) {
      const d = this.delta(before.folderPath);
      d.total -= 1;
      d.unread -= before.unread;
    }
    if (after) {
      const d = this.delta(after.folderPath);
      d.total += 1;
      d.unread += after.unread;
    }
  }

  /** Writes the changed folder rows; call it after the message rows are written, inside the same transaction. */
  async write(db: HeronDb): Promise<void> {
    if (this.deltas.size === 0) return;
    const paths = [...this.deltas.keys()];
    const rows = await db.folders.bulkGet(paths.map((path): FolderKey => [this.accountId, path]));
    const puts = await Promise.all(
      paths.map(async (path, i): Promise<FolderRow | null> => {
        // Messages of a folder not listed (yet) have no row to count into; the listing's figures will do.
        const row = rows[i];
        if (!row) return null;
        const d = this.deltas.get(path) as { total: number; unread: number };
        let total = row.total + d.total;
        let unread = row.unread + d.unread;
        if (!row.storeCounted || total < 0 || unread < 0 || unread > total) ({ total, unread } = await countFolder(db, this.accountId, path));
        return row.storeCounted && total === row.total && unread === row.unread ? null : { ...row, total, unread, storeCounted: true };
      }),
    );
    await db.folders.bulkPut(puts.filter((row): row is FolderRow => row !== null));
  }
}

// Keeps queued local changes visible over sync batches (no flicker, no resurrection) and keeps their record of the server's state current.

import { Dexie } from 'dexie';
import type { Flag, LocalChange, MessageHeader } from '../../shared/model';
import type { HeronDb } from './db';
import type { MessageRow, PendingChangeRow } from './rows';

/** Moves, deletes and archives take messages out of their folder; flag changes leave them in place. */
export function removesMessages(change: LocalChange): boolean {
  return change.kind !== 'flags';
}

/** The flags after a flag change, in the order the server would apply it (add, then remove). */
export function editFlags(flags: readonly Flag[], change: Extract<LocalChange, { kind: 'flags' }>): Flag[] {
  const next = flags.filter((f) => !change.remove.includes(f));
  for (const f of change.add) if (!next.includes(f) && !change.remove.includes(f)) next.push(f);
  return next;
}

/** unread and flagged (0|1, read by counts, threads and list rows) are always derived from flags, so they never disagree. */
export function withFlags<T extends { flags: Flag[] }>(row: T, flags: readonly Flag[]): T & Pick<MessageHeader, 'unread' | 'flagged'> {
  return { ...row, flags: [...flags], unread: flags.includes('\\Seen') ? 0 : 1, flagged: flags.includes('\\Flagged') ? 1 : 0 };
}

export function sameFlags(a: readonly Flag[], b: readonly Flag[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}

export function withoutThread(row: MessageHeader): Omit<MessageHeader, 'threadId'> {
  // Search fields stay behind too (a body's words can be thousands): a copy put back goes through applyBatch, which recomputes them.
  const { threadId: _threadId, words: _words, headerWords: _headerWords, bodyIndexedAt: _bodyIndexedAt, ...header } = row as MessageRow;
  return header;
}

/** One account's queue, oldest first (the order it is replayed in). */
export function pendingRowsOf(db: HeronDb, accountId: string): Promise<PendingChangeRow[]> {
  return db.pendingChanges
    .where('[accountId+createdAt]')
    .between([accountId, Dexie.minKey], [accountId, Dexie.maxKey], true, true)
    .toArray();
}

/** What the store shows for a message: the server's row with the queued changes that name it (oldest first) applied; null when one removes it. */
export function overlaid(row: MessageHeader, changes: readonly PendingChangeRow[]): MessageHeader | null {
  let flags = row.flags;
  for (const p of changes) {
    if (p.change.kind !== 'flags') return null;
    flags = editFlags(flags, p.change);
  }
  return sameFlags(flags, row.flags) ? row : withFlags(row, flags);
}

export interface BatchRows {
  accountId: string;
  folderPath: string;
  /** The rows the batch is about to write in folderPath, by UID, as the server sent them (null: the batch removes it). */
  written: ReadonlyMap<number, MessageHeader | null>;
  /** UIDs the server expunged. */
  removedUids: readonly number[];
  /** UIDVALIDITY changed: every UID a queued change of this folder names now means another message, or none. */
  resetFolder: boolean;
}

/**
 * Runs inside apply-batch's transaction, after the batch's upserts, flag changes and removals are known and
 * before they are written. Returns replacement rows for the UIDs whose display a queued change alters (null:
 * do not write it). Also records what the server just said in each queued change's ServerCopy, so that if
 * the change is dropped later the store puts back the server's latest state, not the one from queue time.
 */
export async function overlayPendingChanges(db: HeronDb, batch: BatchRows): Promise<Map<number, MessageHeader | null>> {
  const replaced = new Map<number, MessageHeader | null>();
  const pending = (await pendingRowsOf(db, batch.accountId)).filter((p) => p.folderPath === batch.folderPath);
  if (pending.length === 0) return replaced;
  if (batch.resetFolder) {
    // Server wins: those changes named messages that no longer exist under these UIDs.
    await db.pendingChanges.bulkDelete(pending.map((p) => p.id));
    return replaced;
  }
  const gone = new Set(batch.removedUids);
  const dirty: PendingChangeRow[] = [];
  // Which queued changes name each UID of the batch, oldest first; one pass over the queue, so large changes stay cheap.
  const naming = new Map<number, PendingChangeRow[]>();
  for (const p of pending) {
    const copies = new Map(p.server.map((copy) => [copy.uid, copy]));
    let changed = false;
    for (const uid of gone) changed = copies.delete(uid) || changed;
    for (const uid of p.uids) {
      const row = batch.written.get(uid);
      if (!row) continue;
      naming.set(uid, [...(naming.get(uid) ?? []), p]);
      const copy = copies.get(uid);
      if (copy && sameFlags(copy.flags, row.flags)) continue;
      // First news of a message the store did not hold when the change was queued, or newer flags.
      copies.set(uid, { uid, flags: [...row.flags], header: copy ? copy.header : removesMessages(p.change) ? withoutThread(row) : null });
      changed = true;
    }
    if (changed) {
      p.server = [...copies.values()];
      dirty.push(p);
    }
  }
  for (const [uid, changes] of naming) {
    const row = batch.written.get(uid) as MessageHeader;
    const shown = overlaid(row, changes);
    if (shown !== row) replaced.set(uid, shown);
  }
  if (dirty.length > 0) await db.pendingChanges.bulkPut(dirty);
  return replaced;
}

// The queue of local changes: each shows in the store at once, waits here until the engine replays it, and is undone if the server refuses it.

import { Dexie } from 'dexie';
import { HeronError } from '../../shared/errors';
import type { ChangeOutcome, LocalChange, MessageHeader, PendingChange } from '../../shared/model';
import { applyBatch } from './apply-batch';
import type { HeronDb, MessageKey } from './db';
import { FolderTally } from './folder-rows';
import { editFlags, pendingRowsOf, removesMessages, withFlags, withoutThread } from './pending-overlay';
import type { DroppedChangeRow, PendingChangeRow, ServerCopy } from './rows';
import { TermChanges } from './search-index';
import { toStoreError } from './store-error';
import { ThreadTally } from './thread-rows';

export interface QueueChangeInput {
  accountId: string;
  folderPath: string;
  uids: number[];
  change: LocalChange;
}

/** What the engine gets: the change without the store's copies of the server state (they can be large). */
export type QueuedChange = PendingChange & Pick<PendingChangeRow, 'uidValidity'>;

function refuse(reason: string): never {
  throw new HeronError('invalid-input', undefined, { operation: 'queue-change', reason });
}

/** Refuses a change that could not mean anything ('invalid-input'); local-changes.ts applies the same rules. */
export function validateChange(input: QueueChangeInput): void {
  if (!input.accountId || !input.folderPath) refuse('A change needs an account and a folder.');
  if (input.uids.length === 0 || !input.uids.every((uid) => Number.isSafeInteger(uid) && uid > 0)) refuse('A change needs valid UIDs.');
  const change = input.change;
  if (change.kind === 'flags' && change.add.length + change.remove.length === 0) refuse('A flag change changes no flag.');
  if (change.kind === 'move' && (!change.toFolder || change.toFolder === input.folderPath)) refuse('A move needs another folder.');
}

function toQueued(row: PendingChangeRow): QueuedChange {
  const { server: _server, ...change } = row;
  return change;
}

/**
 * Applies a local change to the store and queues it for the engine, in one transaction. Flags: the messages'
 * flags, unread/flagged, folder and thread counts. Move, archive, delete (in Trash: expunge): the messages
 * leave the source folder with their bodies and attachments. They appear in the destination only when the
 * engine syncs it after the replay, because only the server knows the UIDs they get there.
 */
export async function queueChange(db: HeronDb, input: QueueChangeInput): Promise<QueuedChange> {
  validateChange(input);
  const { accountId, folderPath, change } = input;
  const uids = [...new Set(input.uids)];
  try {
    return await db.transaction(
      'rw',
      [db.accounts, db.folders, db.messages, db.bodies, db.attachments, db.threads, db.syncCursors, db.pendingChanges, db.searchTerms],
      async (): Promise<QueuedChange> => {
        // A POP3 account has no server folders to replay on: its changes are final in the store (local-changes.ts).
        if ((await db.accounts.get(accountId))?.incoming.protocol === 'pop3') {
          throw new HeronError('internal', undefined, { operation: 'queue-change', reason: 'A POP3 account\'s changes are applied locally, never queued.' });
        }
        const [folder, cursor, queue, rows] = await Promise.all([
          db.folders.get([accountId, folderPath]),
          db.syncCursors.get([accountId, folderPath]),
          pendingRowsOf(db, accountId),
          db.messages.bulkGet(uids.map((uid): MessageKey => [accountId, folderPath, uid])),
        ]);
        if (change.kind === 'archive' && folder?.specialUse === 'archive') refuse('These messages are already in the archive.');
        const present = rows.filter((row): row is MessageHeader => row !== undefined);
        // The server's flags for a message another queued change already altered are in that change's copy, not in the row.
        const serverFlags = new Map<number, ServerCopy['flags']>();
        for (const p of queue) if (p.folderPath === folderPath) for (const copy of p.server) serverFlags.set(copy.uid, copy.flags);
        const server = present.map((row): ServerCopy => {
          const flags = serverFlags.get(row.uid) ?? row.flags;
          return { uid: row.uid, flags: [...flags], header: removesMessages(change) ? { ...withoutThread(row), flags: [...flags] } : null };
        });

        const tally = new ThreadTally(accountId);
        const counts = new FolderTally(accountId);
        if (change.kind === 'flags') {
          const updated = present.map((row) => withFlags(row, editFlags(row.flags, change)));
          present.forEach((row, i) => {
            tally.change(row, updated[i] as MessageHeader);
            counts.change(row, updated[i] as MessageHeader);
          });
          await db.messages.bulkPut(updated);
        } else {
          const terms = new TermChanges();
          for (const row of present) {
            tally.remove(row);
            counts.change(row, null);
            terms.change(row, null);
          }
          const keys = uids.map((uid): MessageKey => [accountId, folderPath, uid]);
          await Promise.all([
            db.messages.bulkDelete(keys),
            terms.write(db.searchTerms),
            db.bodies.bulkDelete(keys),
            ...uids.map((uid) =>
              db.attachments
                .where('[accountId+folderPath+uid+partId]')
                .between([accountId, folderPath, uid, Dexie.minKey], [accountId, folderPath, uid, Dexie.maxKey], true, true)
                .delete(),
            ),
          ]);
        }
        await Promise.all([tally.write(db), counts.write(db)]);

        // Strictly increasing per account, so the index replays changes in the order they were made even within one millisecond.
        const last = queue[queue.length - 1];
        const createdAt = Math.max(Date.now(), last ? last.createdAt + 1 : 0);
        const row: PendingChangeRow = {
          id: crypto.randomUUID(),
          accountId,
          folderPath,
          uids,
          change,
          createdAt,
          attempts: 0,
          lastError: null,
          uidValidity: cursor?.uidValidity ?? null,
          server,
        };
        await db.pendingChanges.add(row);
        return toQueued(row);
      },
    );
  } catch (error) {
    throw toStoreError(error, 'queue-change');
  }
}

/** The account's queued changes, oldest first: the order the engine must replay them in. */
export async function pendingChangesOf(db: HeronDb, accountId: string): Promise<QueuedChange[]> {
  try {
    return (await pendingRowsOf(db, accountId)).map(toQueued);
  } catch (error) {
    throw toStoreError(error, 'pending-changes');
  }
}

/**
 * Done: forgotten. Kept for a retry: attempts and lastError recorded. Dropped (server wins): forgotten, and
 * the messages go back to the server's last known state, through applyBatch so threads and counts follow and
 * any later queued change still shows on top. A message the server no longer has is not put back (the
 * engine reports it as removed first). Unknown ids are ignored: an outcome may arrive twice.
 */
export async function completeChange(db: HeronDb, changeId: string, outcome: ChangeOutcome): Promise<void> {
  try {
    if (outcome.ok) {
      await db.pendingChanges.delete(changeId);
      return;
    }
    if (outcome.retry) {
      await db.pendingChanges.update(changeId, (row) => {
        row.attempts += 1;
        row.lastError = outcome.error;
      });
      return;
    }
    // Every table, because applyBatch nests its transaction in this one: dropping and restoring commit together.
    await db.transaction('rw', db.tables, async () => {
      const row = await db.pendingChanges.get(changeId);
      if (!row) return;
      await db.pendingChanges.delete(changeId);
      const { accountId, folderPath } = row;
      await db.droppedChanges.put({ id: row.id, accountId, folderPath, change: row.change, count: row.uids.length, error: outcome.error, droppedAt: Date.now() });
      // A folder that is gone (deleted on the server meanwhile) has nothing to restore into.
      if (!(await db.folders.get([accountId, folderPath]))) return;
      const upsertMessages = row.server.flatMap((copy) => (copy.header ? [withFlags(copy.header, copy.flags)] : []));
      const flagChanges = row.server.filter((copy) => !copy.header).map((copy) => ({ uid: copy.uid, flags: copy.flags }));
      if (upsertMessages.length + flagChanges.length === 0) return;
      await applyBatch(db, { accountId, folderPath, upsertMessages, flagChanges });
    });
  } catch (error) {
    throw toStoreError(error, 'complete-change');
  }
}

/** Changes the server refused for good that the person has not dismissed yet, oldest first, every account. */
export async function droppedChangesOf(db: HeronDb): Promise<DroppedChangeRow[]> {
  // A handful at most: the person dismisses them as they come.
  return (await db.droppedChanges.toArray()).sort((a, b) => a.droppedAt - b.droppedAt);
}

/** The person has read why the change was undone. */
export async function dismissDroppedChange(db: HeronDb, id: string): Promise<void> {
  try {
    await db.droppedChanges.delete(id);
  } catch (error) {
    throw toStoreError(error, 'dismiss-dropped-change');
  }
}

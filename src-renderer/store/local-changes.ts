// Changes to a POP3 account's messages, made in the store alone: its folders exist only here, so a flag, a move or a delete is final once committed and nothing is queued for a server.

import { HeronError } from '../../shared/errors';
import type { LocalChange, SpecialUse } from '../../shared/model';
import type { HeronDb, MessageKey } from './db';
import { LocalTallies, localMailTables, relocateMessages, removeForGood } from './local-moves';
import { queueChange, validateChange, type QueueChangeInput, type QueuedChange } from './pending-changes';
import { editFlags, withFlags } from './pending-overlay';
import type { FolderRow, MessageRow } from './rows';
import { toStoreError } from './store-error';

/** Whether the account's folders exist only in the store (POP3): its changes are applied, never queued. */
export async function isLocalAccount(db: HeronDb, accountId: string): Promise<boolean> {
  return (await db.accounts.get(accountId))?.incoming.protocol === 'pop3';
}

function refuse(reason: string, code: 'invalid-input' | 'not-found' = 'invalid-input'): never {
  throw new HeronError(code, reason, { operation: 'local-change', reason });
}

function specialFolder(folders: readonly FolderRow[], use: SpecialUse, name: string): FolderRow {
  const folder = folders.find((f) => f.specialUse === use);
  if (!folder) refuse(`This account has no ${name} folder.`, 'not-found');
  return folder;
}

/** Where a change takes messages out of `from`: a folder's path, or null to remove them for good (delete in Trash). */
function destinationOf(change: Exclude<LocalChange, { kind: 'flags' }>, from: FolderRow, folders: readonly FolderRow[]): string | null {
  switch (change.kind) {
    case 'move': {
      const target = folders.find((f) => f.path === change.toFolder);
      if (!target?.selectable) refuse('That folder no longer exists.', 'not-found');
      return target.path;
    }
    case 'archive':
      if (from.specialUse === 'archive') refuse('These messages are already in the archive.');
      return specialFolder(folders, 'archive', 'Archive').path;
    case 'delete':
      return from.specialUse === 'trash' ? null : specialFolder(folders, 'trash', 'Trash').path;
  }
}

/**
 * Applies a change to a POP3 account's messages in one transaction. Flags: flags, folder and thread counts. Move,
 * archive, delete: the messages go to the folder with their UIDs, bodies, attachments, sources and search terms.
 * Delete in Trash removes them for good and marks their server records deletedLocally.
 */
export async function applyLocalChange(db: HeronDb, input: QueueChangeInput): Promise<void> {
  validateChange(input);
  const { accountId, folderPath, change } = input;
  const uids = [...new Set(input.uids)];
  try {
    await db.transaction('rw', localMailTables(db), async () => {
      const [local, folders, rows] = await Promise.all([
        isLocalAccount(db, accountId),
        db.folders.where('accountId').equals(accountId).toArray(),
        db.messages.bulkGet(uids.map((uid): MessageKey => [accountId, folderPath, uid])),
      ]);
      if (!local) throw new HeronError('internal', undefined, { operation: 'local-change', reason: 'Only a POP3 account\'s changes are applied locally.' });
      const from = folders.find((f) => f.path === folderPath);
      if (!from) refuse('That folder no longer exists.', 'not-found');
      // A message gone meanwhile (another tab moved it) has nothing left to change.
      const present = rows.filter((row): row is MessageRow => row !== undefined);
      const tallies = new LocalTallies(accountId);
      if (change.kind === 'flags') {
        const updated = present.map((row) => withFlags(row, editFlags(row.flags, change)));
        present.forEach((row, i) => {
          tallies.threads.change(row, updated[i] as MessageRow);
          tallies.folders.change(row, updated[i] as MessageRow);
        });
        await db.messages.bulkPut(updated);
      } else {
        const to = destinationOf(change, from, folders);
        if (to === null) await removeForGood(db, present, tallies);
        else await relocateMessages(db, present, to, tallies);
      }
      await tallies.write(db);
    });
  } catch (error) {
    throw toStoreError(error, 'local-change');
  }
}

/**
 * What every action on messages calls: a POP3 account's change is applied for good (null: nothing for the engine to
 * replay), any other account's is applied and queued for replay on its server (queueChange).
 */
export async function changeMessages(db: HeronDb, input: QueueChangeInput): Promise<QueuedChange | null> {
  if (await isLocalAccount(db, input.accountId)) {
    await applyLocalChange(db, input);
    return null;
  }
  return queueChange(db, input);
}

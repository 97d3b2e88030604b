// Moves and removals of a POP3 account's messages inside the caller's transaction: each message keeps its UID and takes its body, attachments, source and search terms along.

import { Dexie } from 'dexie';
import { HeronError } from '../../shared/errors';
import { attachmentsOf } from './bodies';
import type { HeronDb, MessageKey } from './db';
import { FolderTally } from './folder-rows';
import type { MessageRow } from './rows';
import { TermChanges } from './search-index';
import { ThreadTally } from './thread-rows';

/** Every table a local change of a POP3 account reads or writes, for the caller's transaction. */
export function localMailTables(db: HeronDb) {
  return [db.accounts, db.folders, db.messages, db.bodies, db.attachments, db.sources, db.threads, db.searchTerms, db.popMessages];
}

/** The bookkeeping of one transaction's moves and removals (threads, folder counts, search terms), written once at its end. */
export class LocalTallies {
  readonly threads: ThreadTally;
  readonly folders: FolderTally;
  readonly terms = new TermChanges();

  constructor(accountId: string) {
    this.threads = new ThreadTally(accountId);
    this.folders = new FolderTally(accountId);
  }

  /** Call it after the message rows are written: a folder count may be recounted from them. */
  async write(db: HeronDb): Promise<void> {
    await Promise.all([this.threads.write(db), this.folders.write(db), this.terms.write(db.searchTerms)]);
  }
}

const keyOf = (row: MessageRow): MessageKey => [row.accountId, row.folderPath, row.uid];

/** Every message of one folder. */
export function folderMessages(db: HeronDb, accountId: string, folderPath: string): Promise<MessageRow[]> {
  return db.messages
    .where('[accountId+folderPath+uid]')
    .between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey], true, true)
    .toArray();
}

/**
 * Moves messages of one account to `toPath` under the same UIDs, which a POP3 account hands out once for all its
 * folders (allocateUids). Threads keep them (a thread spans folders); the folders' counts and the search terms move.
 */
export async function relocateMessages(db: HeronDb, rows: readonly MessageRow[], toPath: string, tallies: LocalTallies): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const { accountId } = first;
  const from = rows.map(keyOf);
  const to = rows.map((row): MessageKey => [accountId, toPath, row.uid]);
  const [taken, bodies, sources, attachments] = await Promise.all([
    db.messages.bulkGet(to),
    db.bodies.bulkGet(from),
    db.sources.bulkGet(from),
    Promise.all(rows.map((row) => attachmentsOf(db, accountId, row.folderPath, row.uid).toArray())),
  ]);
  const clash = taken.find((row) => row !== undefined);
  // Only a bug hands out one UID twice; overwriting would lose a message that exists nowhere else.
  if (clash) throw new HeronError('internal', undefined, { operation: 'local-change', reason: `UID ${clash.uid} is already in ${toPath}.` });
  const moved = rows.map((row): MessageRow => ({ ...row, folderPath: toPath }));
  rows.forEach((row, i) => {
    const after = moved[i] as MessageRow;
    tallies.threads.change(row, after);
    tallies.folders.change(row, after);
    // Two edits, not one: the terms of another folder are other rows, and change() skips rows whose words stay.
    tallies.terms.change(row, null);
    tallies.terms.change(null, after);
  });
  await Promise.all([
    db.messages.bulkDelete(from),
    db.bodies.bulkDelete(from),
    db.sources.bulkDelete(from),
    ...rows.map((row) => attachmentsOf(db, accountId, row.folderPath, row.uid).delete()),
  ]);
  await Promise.all([
    db.messages.bulkPut(moved),
    db.bodies.bulkPut(bodies.flatMap((body) => (body ? [{ ...body, folderPath: toPath }] : []))),
    db.sources.bulkPut(sources.flatMap((source) => (source ? [{ ...source, folderPath: toPath }] : []))),
    db.attachments.bulkPut(attachments.flat().map((meta) => ({ ...meta, folderPath: toPath }))),
  ]);
}

/**
 * Deletes messages for good, with everything stored of them, and marks their server records deletedLocally: the copy
 * is gone, the record stays so the message is not downloaded again, and the engine deletes it on the server if the
 * account's options say so.
 */
export async function removeForGood(db: HeronDb, rows: readonly MessageRow[], tallies: LocalTallies): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const { accountId } = first;
  for (const row of rows) {
    tallies.threads.change(row, null);
    tallies.folders.change(row, null);
    tallies.terms.change(row, null);
  }
  const keys = rows.map(keyOf);
  await Promise.all([
    db.messages.bulkDelete(keys),
    db.bodies.bulkDelete(keys),
    db.sources.bulkDelete(keys),
    ...rows.map((row) => attachmentsOf(db, accountId, row.folderPath, row.uid).delete()),
    db.popMessages
      .where('[accountId+uid]')
      .anyOf(rows.map((row) => [accountId, row.uid]))
      .modify({ deletedLocally: true }),
  ]);
}

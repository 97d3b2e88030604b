// Applies one engine sync batch in one read-write transaction (folders, messages, threads, contacts, POP3 bodies, sources and records, cursor) and acknowledges it only after commit.

import type { BatchAck, MessageBody, MessageHeader, SyncBatch } from '../../shared/model';
import { HeronError } from '../../shared/errors';
import { touchesMessages, validateBatch } from './batch-validation';
import { withBody, writeBodyRows } from './bodies';
import { ContactTally, SEEN_SCORE } from './contacts';
import type { HeronDb, MessageKey } from './db';
import { dropFolderMessages, FolderTally, removeFolder, upsertFolders } from './folder-rows';
import { overlayPendingChanges, withFlags } from './pending-overlay';
import { TermChanges } from './search-index';
import { withHeaderWords } from './search-words';
import { toStoreError } from './store-error';
import { loadStoredThreads, messagesOfThread, moveThreadLinks, writeThreadLinks } from './thread-lookup';
import { ThreadTally } from './thread-rows';
import { planThreads, type ThreadingInput } from '../../shared/threading';

/** One message row's fate in this batch: `before` is what the store held when the batch began. */
interface RowChange {
  before: MessageHeader | null;
  after: MessageHeader | null;
  /** False while the row only moves to a merged thread; such bookkeeping is not counted in the ack. */
  fromBatch: boolean;
}

/** The rows the batch changes, keyed by folder and UID (thread merges can touch other folders). */
class RowChanges {
  readonly byKey = new Map<string, RowChange>();

  static key(folderPath: string, uid: number): string {
    return `${folderPath}\u0000${uid}`;
  }

  get(folderPath: string, uid: number): RowChange | undefined {
    return this.byKey.get(RowChanges.key(folderPath, uid));
  }

  /** Records a new state for a row, keeping the state it had before the batch. */
  set(before: MessageHeader | null | undefined, after: MessageHeader | null, folderPath: string, uid: number, fromBatch = true): void {
    const key = RowChanges.key(folderPath, uid);
    const known = this.byKey.get(key);
    this.byKey.set(key, { before: known ? known.before : (before ?? null), after, fromBatch: fromBatch || (known?.fromBatch ?? false) });
  }
}

async function upsertMessages(db: HeronDb, batch: SyncBatch, path: string, changes: RowChanges): Promise<void> {
  const arriving = batch.upsertMessages ?? [];
  if (arriving.length === 0) return;
  const { accountId } = batch;
  const bodies = new Map((batch.bodies ?? []).map((body): [number, MessageBody] => [body.uid, body]));
  const indexedAt = Date.now();
  const existing = await db.messages.bulkGet(arriving.map((m): MessageKey => [accountId, path, m.uid]));
  const current = new Set<string>();
  for (const row of existing) if (row) current.add(row.threadId);
  const stored = await loadStoredThreads(db, accountId, arriving, current);
  const inputs = arriving.map(
    (m, i): ThreadingInput => ({
      messageId: m.messageId,
      inReplyTo: m.inReplyTo,
      references: m.references,
      currentThreadId: existing[i]?.threadId ?? null,
      syntheticThreadId: `synthetic:${path}:${m.uid}`,
    }),
  );
  const plan = planThreads(inputs, stored);
  // Relabel the stored messages of merged threads first, so a row the batch also re-sends ends with the batch's version.
  const merged = await Promise.all(
    [...plan.merges].map(async ([from, into]) => {
      const [rows] = await Promise.all([messagesOfThread(db, accountId, from), moveThreadLinks(db, accountId, from, into)]);
      return { into, rows };
    }),
  );
  await writeThreadLinks(db, accountId, plan.links);
  for (const { into, rows } of merged) {
    for (const row of rows) changes.set(row, { ...row, threadId: into }, row.folderPath, row.uid, false);
  }
  arriving.forEach((m, i) => {
    // Search words come from the header; body words already indexed for this message are kept (the body is not re-sent).
    // Headers arrive without body bytes: a preview made earlier from the cached body must survive a re-sent header.
    const preview = m.preview || existing[i]?.preview || '';
    // A POP3 message's flags live only here (the server has none): a copy downloaded again whole keeps the person's.
    const flags = batch.popMessages && existing[i] ? (existing[i] as MessageHeader).flags : m.flags;
    const row: MessageHeader = withHeaderWords({ ...withFlags(m, flags), preview, threadId: plan.threadIds[i] as string }, existing[i]);
    // A body in the batch (POP3) is searchable from the same commit that stores the message.
    const body = bodies.get(m.uid);
    changes.set(existing[i], body ? withBody(row, body, indexedAt) : row, path, m.uid);
  });
}

async function applyFlagChanges(db: HeronDb, batch: SyncBatch, path: string, changes: RowChanges): Promise<void> {
  const flagChanges = batch.flagChanges ?? [];
  if (flagChanges.length === 0) return;
  const unseen = flagChanges.filter((c) => !changes.get(path, c.uid));
  const fetched = await db.messages.bulkGet(unseen.map((c): MessageKey => [batch.accountId, path, c.uid]));
  const stored = new Map<number, MessageHeader>();
  for (const row of fetched) if (row) stored.set(row.uid, row);
  for (const change of flagChanges) {
    const known = changes.get(path, change.uid);
    const base = known ? known.after : stored.get(change.uid);
    // A flag change for a message the store never cached (or that this batch removed) has nothing to update.
    if (!base) continue;
    changes.set(known ? known.before : base, withFlags(base, change.flags), path, change.uid);
  }
}

async function markRemovals(db: HeronDb, batch: SyncBatch, path: string, changes: RowChanges): Promise<void> {
  const uids = batch.removedUids ?? [];
  if (uids.length === 0) return;
  const unseen = uids.filter((uid) => !changes.get(path, uid));
  const fetched = await db.messages.bulkGet(unseen.map((uid): MessageKey => [batch.accountId, path, uid]));
  for (const row of fetched) if (row) changes.set(row, null, path, row.uid);
  for (const uid of uids) {
    const known = changes.get(path, uid);
    if (known) changes.set(known.before, null, path, uid);
  }
}

/**
 * Local changes the engine has not replayed yet win over this batch's older view of the same messages: a
 * pending flag change stays applied (no flicker) and a message pending a move or delete is not written back
 * (no resurrection). See pending-overlay.ts, which also records the server's state for a later rollback.
 */
async function overlayPending(db: HeronDb, batch: SyncBatch, path: string, changes: RowChanges): Promise<void> {
  if (!touchesMessages(batch)) return;
  const written = new Map<number, MessageHeader | null>();
  for (const { uid } of [...(batch.upsertMessages ?? []), ...(batch.flagChanges ?? [])]) written.set(uid, changes.get(path, uid)?.after ?? null);
  const replaced = await overlayPendingChanges(db, {
    accountId: batch.accountId,
    folderPath: path,
    written,
    removedUids: batch.removedUids ?? [],
    resetFolder: batch.resetFolder === true,
  });
  for (const [uid, row] of replaced) changes.set(null, row, path, uid);
}

/**
 * Writes the recorded rows and returns how many message rows the batch itself wrote or deleted. Only a message the
 * store did not hold counts toward its addresses' contacts: a re-sent header or a flag change is the same message.
 */
async function writeChanges(
  db: HeronDb,
  batch: SyncBatch,
  path: string,
  changes: RowChanges,
  tally: ThreadTally,
  counts: FolderTally,
  contacts: ContactTally,
): Promise<number> {
  const puts: MessageHeader[] = [];
  const deletes: MessageKey[] = [];
  const terms = new TermChanges();
  let counted = 0;
  for (const { before, after, fromBatch } of changes.byKey.values()) {
    if (after) puts.push(after);
    else if (before) deletes.push([before.accountId, before.folderPath, before.uid]);
    else continue;
    if (fromBatch) counted += 1;
    if (after && !before) contacts.add(after.accountId, [...after.from, ...after.to, ...after.cc], after.date, SEEN_SCORE);
    tally.change(before, after);
    counts.change(before, after);
    terms.change(before, after);
  }
  const removed = batch.removedUids ?? [];
  const { accountId } = batch;
  const removedKeys = removed.map((uid): MessageKey => [accountId, path, uid]);
  await Promise.all([
    db.messages.bulkPut(puts),
    db.messages.bulkDelete(deletes),
    terms.write(db.searchTerms),
    // Bodies, sources and attachments may be stored for UIDs whose header is already gone; delete them regardless.
    db.bodies.bulkDelete(removedKeys),
    db.sources.bulkDelete(removedKeys),
    ...removed.map((uid) =>
      db.attachments.where('[accountId+folderPath+uid+partId]').between([accountId, path, uid, ''], [accountId, path, uid, '\uffff'], true, true).delete(),
    ),
  ]);
  return counted;
}

/**
 * The POP3 parts of a batch: bodies and sources of the messages it wrote (not of one a pending change keeps out of the
 * store, which nobody would list), its records of server messages, and the records of UIDLs the server no longer lists.
 */
async function writePop3Parts(db: HeronDb, batch: SyncBatch, path: string, changes: RowChanges): Promise<void> {
  const stored = (uid: number) => Boolean(changes.get(path, uid)?.after);
  const bodies = (batch.bodies ?? []).filter((body) => stored(body.uid));
  const sources = (batch.sources ?? []).filter((source) => stored(source.uid));
  const { accountId } = batch;
  await Promise.all([
    writeBodyRows(db, bodies),
    db.sources.bulkPut(sources.map(({ uid, base64 }) => ({ accountId, folderPath: path, uid, base64 }))),
    db.popMessages.bulkDelete((batch.removedPopUidls ?? []).map((uidl): [string, string] => [accountId, uidl])),
    db.popMessages.bulkPut(
      // Field by field, so whatever else an RPC message carried never lands in the store.
      (batch.popMessages ?? []).map(({ uidl, uid, downloadedAt, partial, deletedLocally }) => ({ accountId, uidl, uid, downloadedAt, partial, deletedLocally })),
    ),
  ]);
}

interface Committed {
  messages: number;
  durability: BatchAck['durability'];
}

/**
 * Applies a batch atomically and resolves after the transaction committed; on any failure nothing of
 * the batch is written and it rejects with HeronError('store-failed'). A malformed batch is refused with
 * HeronError('internal') before anything is touched. A POP3 batch's messages, bodies, sources and records commit
 * together, strictly when it asks: the engine deletes a message on the server only after this resolves.
 */
export async function applyBatch(db: HeronDb, batch: SyncBatch): Promise<BatchAck> {
  validateBatch(batch);
  const requested = batch.durability ?? 'default';
  const conn = requested === 'strict' ? db.strictConnection() : db;
  const { accountId } = batch;
  const path = batch.folderPath ?? '';
  let committed: Committed;
  try {
    committed = await conn.transaction(
      'rw',
      [
        conn.folders,
        conn.messages,
        conn.bodies,
        conn.attachments,
        conn.threads,
        conn.threadLinks,
        conn.syncCursors,
        conn.pendingChanges,
        conn.searchTerms,
        conn.contacts,
        conn.accounts,
        conn.sources,
        conn.popMessages,
      ],
      async (tx): Promise<Committed> => {
        // Read from the live IDBTransaction, not from our own option, so the ack reports what IndexedDB was asked for.
        const observed = tx.idbtrans.durability ?? conn.durability;
        if (requested === 'strict' && observed !== 'strict') {
          throw new HeronError('store-failed', undefined, { operation: 'apply-batch', reason: `durability ${observed}, strict required` });
        }
        const tally = new ThreadTally(accountId);
        // A POP3 account's folders exist only here: the engine's list names the standard ones, never the person's own.
        const local = batch.folders !== undefined || batch.foldersComplete ? (await conn.accounts.get(accountId))?.incoming.protocol === 'pop3' : false;
        for (const removed of batch.removedFolders ?? []) await removeFolder(conn, accountId, removed, tally);
        if (batch.foldersComplete && !local) {
          // The server's full list: a stored folder missing from it was deleted or renamed there.
          const listed = new Set((batch.folders ?? []).map((f) => f.path));
          const stored = await conn.folders.where('accountId').equals(accountId).primaryKeys();
          for (const [, storedPath] of stored) if (!listed.has(storedPath)) await removeFolder(conn, accountId, storedPath, tally);
        }
        if (batch.folders?.length) await upsertFolders(conn, accountId, batch.folders, local);
        if (batch.resetFolder) {
          // UIDVALIDITY changed: every cached UID of the folder now names a different message, or none.
          await dropFolderMessages(conn, accountId, path, tally);
          if (!batch.cursor) await conn.syncCursors.delete([accountId, path]);
        }
        const changes = new RowChanges();
        await upsertMessages(conn, batch, path, changes);
        await applyFlagChanges(conn, batch, path, changes);
        await markRemovals(conn, batch, path, changes);
        await overlayPending(conn, batch, path, changes);
        const counts = new FolderTally(accountId);
        if (touchesMessages(batch)) counts.touch(path);
        const contacts = new ContactTally();
        const messages = await writeChanges(conn, batch, path, changes, tally, counts, contacts);
        await Promise.all([tally.write(conn), counts.write(conn), contacts.write(conn.contacts), writePop3Parts(conn, batch, path, changes)]);
        // Last and in the same transaction: a crash before commit leaves neither the data nor the cursor.
        if (batch.cursor) await conn.syncCursors.put(batch.cursor);
        return { messages, durability: observed === 'strict' ? 'strict' : 'default' };
      },
    );
  } catch (error) {
    throw toStoreError(error, 'apply-batch');
  }
  return { applied: true, messages: committed.messages, durability: committed.durability };
}

// The store's versioned IndexedDB layout: every schema version Heron has shipped, and how each upgrades the one before.

import type { Dexie, Transaction } from 'dexie';
import { MAX_BODY_CHARS } from '../../shared/search-tokens';
import type { SyncCursor } from '../../shared/model';
import { ContactTally, SEEN_SCORE } from './contacts';
import type { BodyRow, FolderRow, MessageRow } from './rows';
import { TermChanges } from './search-index';
import { withBodyWords, withHeaderWords } from './search-words';

export interface SchemaVersion {
  version: number;
  /** Dexie store specs for the tables this version adds or changes (null deletes a table). The first entry is the primary key. */
  stores: Record<string, string | null>;
  /** Rewrites existing rows when this version needs it; runs inside the upgrade transaction. */
  upgrade?: (tx: Transaction) => Promise<void>;
}

/**
 * Version 1. Index choices follow the queries a 100,000-message folder must answer without scanning:
 * - messages [accountId+folderPath+date]: newest-first listing (read in reverse; ties fall back to the
 *   primary key, so equal dates still come out in a stable order).
 * - messages [accountId+folderPath+unread] / [accountId+folderPath+flagged]: counts and filters
 *   (0|1 numbers, because IndexedDB cannot index booleans).
 * - messages [accountId+threadId]: one conversation. [accountId+messageId]: a message by its Message-ID
 *   (a null Message-ID stays out of the index).
 * - threadLinks: every Message-ID a stored message carries or names as a parent, mapped to its thread, so
 *   threading a batch of 5,000 is one primary-key bulkGet instead of thousands of index queries (which
 *   cost ten times as much per key). [accountId+threadId] lets a merge move a thread's links at once.
 */
const V1: SchemaVersion = {
  version: 1,
  stores: {
    accounts: 'id',
    folders: '[accountId+path], accountId',
    messages:
      '[accountId+folderPath+uid], [accountId+folderPath+date], [accountId+threadId], [accountId+folderPath+unread], ' +
      '[accountId+folderPath+flagged], [accountId+messageId]',
    bodies: '[accountId+folderPath+uid]',
    attachments: '[accountId+folderPath+uid+partId]',
    threads: '[accountId+threadId], [accountId+lastDate]',
    threadLinks: '[accountId+messageId], [accountId+threadId]',
    syncCursors: '[accountId+folderPath]',
    outbox: 'id, [accountId+state], nextAttemptAt',
    drafts: 'id, accountId, updatedAt',
    settings: 'key',
  },
};

/**
 * Version 2: local changes (flags, move, delete, archive) waiting to be replayed on the server. The key is a
 * random UUID; [accountId+createdAt] reads one account's queue in replay order (queueChange keeps createdAt
 * strictly increasing per account, so there are no ties). New table only: version-1 rows need no upgrade.
 */
const V2: SchemaVersion = {
  version: 2,
  stores: { pendingChanges: 'id, [accountId+createdAt]' },
};

/**
 * Version 3: local search. searchTerms holds, per folder and word, the UIDs and dates of the messages with that
 * word (search-index.ts says why not a multiEntry index); its key [accountId+folderPath+word+seg] makes a word,
 * a word prefix and a whole folder each one range. Message rows gain `words` (unindexed), from which the terms
 * of a changed or removed message are found. The upgrade fills both for every stored message, body words
 * included for bodies cached before this version, so a cached body is always a searched one.
 */
const V3: SchemaVersion = {
  version: 3,
  stores: { searchTerms: '[accountId+folderPath+word+seg]' },
  upgrade: async (tx) => {
    const bodies = new Map<string, Pick<BodyRow, 'text' | 'html'>>();
    const keyOf = (r: { accountId: string; folderPath: string; uid: number }) => `${r.accountId}\u0000${r.folderPath}\u0000${r.uid}`;
    // Only the part of each body words are read from is held (bodies may be megabytes; HTML only when there is no text).
    const head = (value: string | null) => (value === null ? null : value.slice(0, MAX_BODY_CHARS));
    await tx.table('bodies').each((body: BodyRow) => void bodies.set(keyOf(body), { text: head(body.text), html: body.text === null ? head(body.html) : null }));
    const now = Date.now();
    const terms = new TermChanges();
    await tx
      .table('messages')
      .toCollection()
      .modify((row: MessageRow) => {
        const body = bodies.get(keyOf(row));
        const headed = withHeaderWords(row, null);
        Object.assign(row, body ? withBodyWords(headed, body, now) : headed);
        terms.change(null, row);
      });
    await terms.write(tx.table('searchTerms'));
  },
};

/**
 * Version 4: cheaper sync writes (in Chromium every put costs about 60 µs plus a share per index entry, and a
 * 100,000-message first sync puts every row once).
 * - messages lose [accountId+folderPath+unread], [accountId+folderPath+flagged] and [accountId+messageId]: folder
 *   counts are kept by deltas (FolderTally) instead of index counts, and threading finds Message-IDs in threadLinks.
 *   A folder with a sync cursor had its counts recounted by every batch until now, so they are marked as the store's.
 * - searchTerms are rebuilt at TERM_SEGMENT_UIDS 16,384 instead of 65,536: newest-first backfill added each batch's
 *   postings to a segment row that then held up to 65,536 of them, rewritten whole by every batch.
 * - droppedChanges (new): local changes the server refused for good, kept until the person has seen why their
 *   action was undone.
 */
const V4: SchemaVersion = {
  version: 4,
  stores: {
    messages: '[accountId+folderPath+uid], [accountId+folderPath+date], [accountId+threadId]',
    droppedChanges: 'id',
  },
  upgrade: async (tx) => {
    const cursors = new Set<string>();
    await tx.table('syncCursors').each((c: SyncCursor) => void cursors.add(`${c.accountId}\u0000${c.folderPath}`));
    await tx
      .table('folders')
      .toCollection()
      .modify((folder: FolderRow) => {
        if (cursors.has(`${folder.accountId}\u0000${folder.path}`)) folder.storeCounted = true;
      });
    await tx.table('searchTerms').clear();
    const terms = new TermChanges();
    await tx.table('messages').each((row: MessageRow) => terms.change(null, row));
    await terms.write(tx.table('searchTerms'));
  },
};

/**
 * Version 5: contacts, the addresses the composer suggests, one row per account and lower-cased address. *words is
 * multi-entry so a typed prefix of any word of the name or the address is one index range. The upgrade counts the
 * From, To and Cc of every stored message, as applyBatch does for new ones from now on.
 */
const V5: SchemaVersion = {
  version: 5,
  stores: { contacts: '[accountId+key], *words' },
  upgrade: async (tx) => {
    const contacts = new ContactTally();
    await tx.table('messages').each((m: MessageRow) => contacts.add(m.accountId, [...m.from, ...m.to, ...m.cc], m.date, SEEN_SCORE));
    await contacts.write(tx.table('contacts'));
  },
};

/**
 * Version 6: POP3 accounts, whose mail exists only in the store. New tables only: no stored row needs an upgrade.
 * - popMessages: what the store knows of each server message, by [accountId+uidl]; [accountId+uid] finds the record
 *   of a local copy (deleting the copy for good marks the record, for the engine to act on).
 * - sources: each POP3 copy's raw message, keyed like its body so it moves with it from folder to folder.
 * - uidCounters: each POP3 account's next local UID (allocateUids). A table of its own rather than a settings row, so
 *   the account's removal takes it by accountId like every other row of the account.
 */
const V6: SchemaVersion = {
  version: 6,
  stores: {
    popMessages: '[accountId+uidl], [accountId+uid]',
    sources: '[accountId+folderPath+uid]',
    uidCounters: 'accountId',
  },
};

/**
 * Every version ever released, oldest first. To change the schema, never edit a released entry: append
 * one that lists only the tables it changes (each with its full new spec) and, if old rows need new
 * fields, an upgrade, as version 3 adds searchTerms with an upgrade that fills `words` through
 * `tx.table('messages').toCollection().modify(...)`. Dexie runs every missing
 * version in order inside one versionchange transaction, so a store an old build left at version 1
 * reaches the latest in one step, or stays at version 1 if an upgrade fails. The schema test opens a
 * version-1 store with such a version 2 to keep this recipe honest.
 */
export const SCHEMA_HISTORY: readonly SchemaVersion[] = [V1, V2, V3, V4, V5, V6];

export const LATEST_SCHEMA_VERSION = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]?.version ?? 1;

/** Declares the versions on a Dexie instance; call it in the constructor, before the database opens. */
export function declareSchema(db: Dexie, history: readonly SchemaVersion[] = SCHEMA_HISTORY): void {
  for (const entry of history) {
    const version = db.version(entry.version).stores(entry.stores);
    const upgrade = entry.upgrade;
    if (upgrade) version.upgrade((tx) => upgrade(tx));
  }
}

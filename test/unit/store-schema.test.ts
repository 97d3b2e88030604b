// The store's IndexedDB layout: the tables and indexes exist as designed, and the version recipe really upgrades an old store.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dexie } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronDb } from '../../src-renderer/store/db';
import type { MessageRow } from '../../src-renderer/store/rows';
import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, declareSchema, type SchemaVersion } from '../../src-renderer/store/schema';

const uniqueName = (): string => `heron-schema-${randomUUID()}`;

/** What IndexedDB itself reports for one object store, not what Dexie was told. */
function describeStore(db: Dexie, name: string): { keyPath: unknown; indexes: Record<string, { keyPath: unknown; multiEntry: boolean }> } {
  const store = db.backendDB().transaction(name, 'readonly').objectStore(name);
  const indexes: Record<string, { keyPath: unknown; multiEntry: boolean }> = {};
  for (const indexName of Array.from(store.indexNames)) {
    const index = store.index(indexName);
    indexes[indexName] = { keyPath: index.keyPath, multiEntry: index.multiEntry };
  }
  return { keyPath: store.keyPath, indexes };
}

test('the schema opens with every table the design names', async () => {
  const db = new HeronDb(uniqueName(), { indexedDB, IDBKeyRange });
  await db.open();
  assert.equal(db.verno, LATEST_SCHEMA_VERSION);
  assert.deepEqual(
    db.tables.map((t) => t.name).sort(),
    [
      'accounts', 'attachments', 'bodies', 'contacts', 'drafts', 'droppedChanges', 'folders', 'messages', 'outbox', 'pendingChanges', 'popMessages', 'searchTerms',
      'settings', 'sources', 'syncCursors', 'threadLinks', 'threads', 'uidCounters',
    ],
  );
  db.close();
});

test('primary keys and indexes exist in IndexedDB as designed', async () => {
  const db = new HeronDb(uniqueName(), { indexedDB, IDBKeyRange });
  await db.open();
  const expected: Record<string, { keyPath: unknown; indexes: string[] }> = {
    accounts: { keyPath: 'id', indexes: [] },
    folders: { keyPath: ['accountId', 'path'], indexes: ['accountId'] },
    messages: {
      keyPath: ['accountId', 'folderPath', 'uid'],
      indexes: [
        '[accountId+folderPath+date]',
        '[accountId+threadId]',
      ],
    },
    bodies: { keyPath: ['accountId', 'folderPath', 'uid'], indexes: [] },
    attachments: { keyPath: ['accountId', 'folderPath', 'uid', 'partId'], indexes: [] },
    threads: { keyPath: ['accountId', 'threadId'], indexes: ['[accountId+lastDate]'] },
    threadLinks: { keyPath: ['accountId', 'messageId'], indexes: ['[accountId+threadId]'] },
    syncCursors: { keyPath: ['accountId', 'folderPath'], indexes: [] },
    outbox: { keyPath: 'id', indexes: ['[accountId+state]', 'nextAttemptAt'] },
    drafts: { keyPath: 'id', indexes: ['accountId', 'updatedAt'] },
    settings: { keyPath: 'key', indexes: [] },
    // Search: a word, a word prefix and a whole folder are each one range of the key.
    searchTerms: { keyPath: ['accountId', 'folderPath', 'word', 'seg'], indexes: [] },
    droppedChanges: { keyPath: 'id', indexes: [] },
    // Suggestions: a typed prefix of any word of a contact is one range of the multi-entry index.
    contacts: { keyPath: ['accountId', 'key'], indexes: ['words'] },
    // POP3: a server message's record by UIDL, and by the local UID of its copy (deleting the copy marks it).
    popMessages: { keyPath: ['accountId', 'uidl'], indexes: ['[accountId+uid]'] },
    sources: { keyPath: ['accountId', 'folderPath', 'uid'], indexes: [] },
    uidCounters: { keyPath: 'accountId', indexes: [] },
  };
  for (const [table, want] of Object.entries(expected)) {
    const got = describeStore(db, table);
    assert.deepEqual(got.keyPath, want.keyPath, `primary key of ${table}`);
    assert.deepEqual(Object.keys(got.indexes).sort(), want.indexes.sort(), `indexes of ${table}`);
  }
  const messages = describeStore(db, 'messages');
  assert.deepEqual(messages.indexes['[accountId+folderPath+date]']?.keyPath, ['accountId', 'folderPath', 'date']);
  assert.deepEqual(describeStore(db, 'contacts').indexes.words, { keyPath: 'words', multiEntry: true });
  // Dexie's own view agrees (it drives query planning).
  assert.deepEqual(
    db.messages.schema.indexes.map((i) => i.name).sort(),
    expected.messages?.indexes.slice().sort(),
  );
  db.close();
});

test('a later version declared the documented way upgrades a version-1 store and keeps its rows', async () => {
  const name = uniqueName();
  const v1 = new HeronDb(name, { indexedDB, IDBKeyRange });
  await v1.settings.put({ key: 'theme', value: 'dark' });
  await v1.drafts.put({
    id: 'd1',
    accountId: 'a1',
    messageId: '<d1@example.test>',
    from: { name: '', address: 'me@example.test' },
    to: [],
    cc: [],
    bcc: [],
    subject: 'Hello there',
    format: 'plain',
    text: 'Hi',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    open: true,
    createdAt: 1,
    updatedAt: 2,
    serverSavedAt: null,
    serverFolder: null,
  });
  v1.close();

  const v2: SchemaVersion = {
    version: LATEST_SCHEMA_VERSION + 1,
    stores: { drafts: 'id, accountId, updatedAt, *subjectWords' },
    upgrade: async (tx) => {
      await tx
        .table('drafts')
        .toCollection()
        .modify((draft: { subject: string; subjectWords?: string[] }) => {
          draft.subjectWords = draft.subject.toLowerCase().split(/\s+/);
        });
    },
  };
  const upgraded = new Dexie(name, { indexedDB, IDBKeyRange });
  declareSchema(upgraded, [...SCHEMA_HISTORY, v2]);
  await upgraded.open();
  assert.equal(upgraded.verno, LATEST_SCHEMA_VERSION + 1);
  assert.deepEqual(await upgraded.table('drafts').where('subjectWords').equals('there').primaryKeys(), ['d1']);
  assert.deepEqual(await upgraded.table('settings').get('theme'), { key: 'theme', value: 'dark' });
  upgraded.close();
});

test('version 5 fills contacts from the messages a version-4 store already holds', async () => {
  const name = uniqueName();
  const v4 = new Dexie(name, { indexedDB, IDBKeyRange });
  declareSchema(v4, SCHEMA_HISTORY.filter((entry) => entry.version <= 4));
  await v4.open();
  const message = (accountId: string, uid: number, over: Partial<MessageRow>): MessageRow => ({
    accountId, folderPath: 'INBOX', uid, date: uid * 1000, subject: 'Hi', from: [], to: [], cc: [], messageId: null, inReplyTo: null, references: [],
    flags: [], unread: 0, flagged: 0, size: 1, hasAttachments: false, preview: '', threadId: `t${uid}`, ...over,
  });
  const ann = (name: string) => ({ name, address: 'Ann@Example.test' });
  await v4.table('messages').bulkPut([
    message('a1', 1, { from: [ann('Ann')], to: [{ name: '', address: 'me@example.test' }], cc: [ann('')] }),
    message('a1', 2, { from: [{ name: '', address: 'bob@example.test' }], to: [ann('Ann Lee')] }),
    message('a2', 3, { from: [ann('')] }),
  ]);
  v4.close();

  const db = new HeronDb(name, { indexedDB, IDBKeyRange });
  await db.open();
  const rows = await db.contacts.toArray();
  assert.deepEqual(
    rows.map((c) => [c.accountId, c.key, c.name, c.score, c.lastSeen]),
    [
      ['a1', 'ann@example.test', 'Ann Lee', 2, 2000],
      ['a1', 'bob@example.test', '', 1, 2000],
      ['a1', 'me@example.test', '', 1, 1000],
      ['a2', 'ann@example.test', '', 1, 3000],
    ],
  );
  assert.deepEqual(await db.contacts.where('words').startsWith('lee').primaryKeys(), [['a1', 'ann@example.test']]);
  db.close();
});

test('version 6 adds the POP3 tables to a version-5 store and keeps what it held', async () => {
  const name = uniqueName();
  const v5 = new Dexie(name, { indexedDB, IDBKeyRange });
  declareSchema(v5, SCHEMA_HISTORY.filter((entry) => entry.version <= 5));
  await v5.open();
  await v5.table('settings').put({ key: 'theme', value: 'dark' });
  v5.close();

  const db = new HeronDb(name, { indexedDB, IDBKeyRange });
  await db.open();
  assert.equal(db.verno, 6);
  assert.deepEqual(await db.settings.get('theme'), { key: 'theme', value: 'dark' });
  assert.deepEqual([await db.popMessages.count(), await db.sources.count(), await db.uidCounters.count()], [0, 0, 0]);
  await db.popMessages.put({ accountId: 'p1', uidl: 'u1', uid: 7, downloadedAt: 1, partial: true, deletedLocally: false });
  assert.equal((await db.popMessages.where('[accountId+uid]').equals(['p1', 7]).first())?.uidl, 'u1');
  db.close();
});

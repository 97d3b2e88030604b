// Batch apply: folders, messages, flags, removals, cursors, counts, atomicity under injected failures, durability, and the renderer API.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dexie, liveQuery, type DBCore, type Middleware } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { EngineEvent } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { DEFAULT_POP3_OPTIONS, type AccountSummary, type Folder, type MessageHeader, type SyncBatch, type SyncCursor } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { foldersOf, getSyncCursor, newestInFolder, putAccounts } from '../../src-renderer/store/queries';
import { queueChange } from '../../src-renderer/store/pending-changes';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { countUnread, countFlagged } from '../support/store-oracle';
import { failingWrites, rejection, snapshot } from '../support/store-faults';

// liveQuery stays silent unless Dexie's global dependencies name an IndexedDB (a browser always has one);
// the databases themselves still get the factory explicitly.
Dexie.dependencies.indexedDB = indexedDB;
Dexie.dependencies.IDBKeyRange = IDBKeyRange;

type Arriving = Omit<MessageHeader, 'threadId'>;
const BASE_DATE = Date.UTC(2025, 0, 1);

function openDb(): HeronDb {
  return new HeronDb(`heron-apply-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

function folder(path: string, over: Partial<Folder> = {}): Folder {
  return {
    accountId: 'a1',
    path,
    name: path,
    delimiter: '/',
    parentPath: null,
    specialUse: null,
    subscribed: true,
    selectable: true,
    total: 0,
    unread: 0,
    ...over,
  };
}

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: BASE_DATE + uid * 60_000,
    subject: `Message ${uid}`,
    from: [{ name: 'Ann', address: 'ann@example.test' }],
    to: [{ name: '', address: 'me@example.test' }],
    cc: [],
    messageId: `<m${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    flags: [],
    unread: 1,
    flagged: 0,
    size: 1200,
    hasAttachments: false,
    preview: `Preview ${uid}`,
    ...over,
  };
}

function cursor(folderPath: string, over: Partial<SyncCursor> = {}): SyncCursor {
  return { accountId: 'a1', folderPath, uidValidity: 7, uidNext: 100, highestModseq: '42', backfillBelowUid: null, updatedAt: BASE_DATE, ...over };
}

/** Waits for a condition that an asynchronous observer makes true; fails rather than hanging. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'the condition never became true');
}


test('folders are upserted and removed with their messages, bodies, attachments and cursor', async () => {
  const db = openDb();
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', { specialUse: 'inbox' }), folder('Old'), folder('Sent')] });
  assert.deepEqual(
    (await foldersOf(db, 'a1')).map((f) => f.path),
    ['INBOX', 'Old', 'Sent'],
  );
  await applyBatch(db, { accountId: 'a1', folders: [folder('Sent', { name: 'Sent Items', specialUse: 'sent' })] });
  assert.equal((await db.folders.get(['a1', 'Sent']))?.name, 'Sent Items');

  await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'Old',
    upsertMessages: [header(1, { folderPath: 'Old' }), header(2, { folderPath: 'Old' })],
    cursor: cursor('Old'),
  });
  await db.bodies.put({ accountId: 'a1', folderPath: 'Old', uid: 1, text: 'hi', html: null, fetchedAt: 1, size: 0, inlineParts: {}, parseError: null });
  await db.attachments.put({
    accountId: 'a1',
    folderPath: 'Old',
    uid: 1,
    partId: '2',
    filename: 'a.txt',
    contentType: 'text/plain',
    size: 2,
    contentId: null,
    inline: false,
  });
  assert.equal(await db.threads.count(), 2);

  await applyBatch(db, { accountId: 'a1', removedFolders: ['Old'] });
  assert.deepEqual(
    (await foldersOf(db, 'a1')).map((f) => f.path),
    ['INBOX', 'Sent'],
  );
  assert.equal(await db.messages.count(), 0);
  assert.equal(await db.bodies.count(), 0);
  assert.equal(await db.attachments.count(), 0);
  assert.equal(await getSyncCursor(db, 'a1', 'Old'), null);
  assert.equal(await db.threads.count(), 0, 'threads of the removed messages go too');
  db.close();
});

test('upserting the same messages twice leaves no duplicates and counts the folder from the store', async () => {
  const db = openDb();
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX')] });
  const batch: SyncBatch = {
    accountId: 'a1',
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2, { flags: ['\\Seen'] }), header(3)],
  };
  const first = await applyBatch(db, batch);
  const second = await applyBatch(db, batch);
  assert.deepEqual(first, { applied: true, messages: 3, durability: 'default' });
  assert.equal(second.messages, 3);
  assert.equal(await db.messages.count(), 3);
  assert.equal(await db.threads.count(), 3);
  const inbox = await db.folders.get(['a1', 'INBOX']);
  assert.equal(inbox?.total, 3);
  assert.equal(inbox?.unread, 2, 'unread is derived from \\Seen, so message 2 counts as read');
  const threadOfOne = (await db.messages.get(['a1', 'INBOX', 1]))?.threadId;
  assert.equal(threadOfOne, '<m1@example.test>');
  assert.equal((await db.threads.get(['a1', threadOfOne]))?.messageCount, 1, 'a re-sent message is not counted twice in its thread');
  db.close();
});

test('resetFolder replaces the cached folder (UIDVALIDITY changed) and drops old bodies', async () => {
  const db = openDb();
  await applyBatch(db, {
    accountId: 'a1',
    folders: [folder('INBOX')],
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2), header(3)],
    cursor: cursor('INBOX', { uidValidity: 7 }),
  });
  await db.bodies.put({ accountId: 'a1', folderPath: 'INBOX', uid: 1, text: 'old body', html: null, fetchedAt: 1, size: 0, inlineParts: {}, parseError: null });

  await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    resetFolder: true,
    upsertMessages: [
      header(1, { messageId: '<new1@example.test>', subject: 'New one' }),
      header(2, { messageId: '<new2@example.test>', subject: 'New two', flags: ['\\Seen'] }),
    ],
    cursor: cursor('INBOX', { uidValidity: 8, uidNext: 3 }),
  });
  const rows = await db.messages.toArray();
  assert.deepEqual(
    rows.map((m) => [m.uid, m.subject]),
    [
      [1, 'New one'],
      [2, 'New two'],
    ],
  );
  assert.equal(await db.bodies.count(), 0, 'the old UID 1 body belonged to another message');
  assert.equal((await getSyncCursor(db, 'a1', 'INBOX'))?.uidValidity, 8);
  assert.deepEqual((await db.threads.toArray()).map((t) => t.threadId).sort(), ['<new1@example.test>', '<new2@example.test>']);
  const inbox = await db.folders.get(['a1', 'INBOX']);
  assert.deepEqual([inbox?.total, inbox?.unread], [2, 1]);
  db.close();
});

test('flag changes update flags, the unread and flagged fields, and the folder and thread counts', async () => {
  const db = openDb();
  await applyBatch(db, {
    accountId: 'a1',
    folders: [folder('INBOX')],
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2, { inReplyTo: '<m1@example.test>', references: ['<m1@example.test>'] }), header(3)],
  });
  assert.equal(await countUnread(db, 'a1', 'INBOX'), 3);
  const ack = await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    flagChanges: [
      { uid: 1, flags: ['\\Seen', '\\Flagged'] },
      { uid: 2, flags: ['\\Seen'] },
      { uid: 99, flags: ['\\Seen'] },
    ],
  });
  assert.equal(ack.messages, 2, 'a flag change for a UID the store never cached changes nothing');
  const one = await db.messages.get(['a1', 'INBOX', 1]);
  assert.deepEqual([one?.flags, one?.unread, one?.flagged, one?.subject], [['\\Seen', '\\Flagged'], 0, 1, 'Message 1']);
  assert.equal(await countUnread(db, 'a1', 'INBOX'), 1);
  assert.equal((await db.folders.get(['a1', 'INBOX']))?.unread, 1);
  assert.equal(await countFlagged(db, 'a1', 'INBOX'), 1);
  const thread = await db.threads.get(['a1', '<m1@example.test>']);
  assert.deepEqual([thread?.messageCount, thread?.unreadCount], [2, 0]);
  db.close();
});

test('removed UIDs go with their bodies and attachments, and counts follow', async () => {
  const db = openDb();
  await applyBatch(db, {
    accountId: 'a1',
    folders: [folder('INBOX')],
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2, { inReplyTo: '<m1@example.test>' }), header(3)],
  });
  await db.bodies.bulkPut([1, 2].map((uid) => ({ accountId: 'a1', folderPath: 'INBOX', uid, text: 'x', html: null, fetchedAt: 1, size: 0, inlineParts: {}, parseError: null })));
  await db.attachments.put({
    accountId: 'a1',
    folderPath: 'INBOX',
    uid: 2,
    partId: '1.2',
    filename: null,
    contentType: 'image/png',
    size: 10,
    contentId: 'c1',
    inline: true,
  });
  const ack = await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [2, 3, 404] });
  assert.equal(ack.messages, 2);
  assert.deepEqual(await db.messages.toCollection().primaryKeys(), [['a1', 'INBOX', 1]]);
  assert.deepEqual(await db.bodies.toCollection().primaryKeys(), [['a1', 'INBOX', 1]]);
  assert.equal(await db.attachments.count(), 0);
  const inbox = await db.folders.get(['a1', 'INBOX']);
  assert.deepEqual([inbox?.total, inbox?.unread], [1, 1]);
  const thread = await db.threads.get(['a1', '<m1@example.test>']);
  assert.deepEqual([thread?.messageCount, thread?.lastDate], [1, BASE_DATE + 60_000], 'the thread recounts its last date when its newest message goes');
  assert.equal(await db.threads.get(['a1', '<m3@example.test>']), undefined);
  db.close();
});

test('the cursor is written with the data, and a folder listing does not overwrite counts of a synced folder', async () => {
  const db = openDb();
  await applyBatch(db, {
    accountId: 'a1',
    folders: [folder('INBOX')],
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2)],
    cursor: cursor('INBOX', { uidNext: 3 }),
  });
  assert.deepEqual(await getSyncCursor(db, 'a1', 'INBOX'), cursor('INBOX', { uidNext: 3 }));
  assert.equal(await getSyncCursor(db, 'a1', 'Elsewhere'), null);
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', { total: 5000, unread: 4000 }), folder('Never', { total: 9, unread: 4 })] });
  const [inbox, never] = await db.folders.bulkGet([
    ['a1', 'INBOX'],
    ['a1', 'Never'],
  ]);
  assert.deepEqual([inbox?.total, inbox?.unread], [2, 2], 'a synced folder shows what the store holds');
  assert.deepEqual([never?.total, never?.unread], [9, 4], 'a folder never synced shows the server figures');
  db.close();
});

test('folder counts move by each batch\'s delta and always match the rows: first write counted from rows, an impossible count healed', async () => {
  const db = openDb();
  const rowCounts = async (): Promise<[number, number]> => [await db.messages.where('[accountId+folderPath+uid]').between(['a1', 'INBOX', 0], ['a1', 'INBOX', Infinity]).count(), await countUnread(db, 'a1', 'INBOX')];
  const folderCounts = async (): Promise<[number | undefined, number | undefined]> => {
    const row = await db.folders.get(['a1', 'INBOX']);
    return [row?.total, row?.unread];
  };
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', { total: 500, unread: 20 })] });
  assert.deepEqual(await folderCounts(), [500, 20], 'before any message is stored, the server figures show');
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(1), header(2), header(3, { flags: ['\\Seen'], unread: 0 })] });
  assert.deepEqual(await folderCounts(), [3, 2], 'the first write counts what the store holds');

  const steps: Array<Omit<SyncBatch, 'accountId' | 'folderPath'>> = [
    { upsertMessages: [header(4), header(5, { flags: ['\\Seen'], unread: 0 })] },
    { flagChanges: [{ uid: 1, flags: ['\\Seen'] }, { uid: 5, flags: [] }, { uid: 77, flags: [] }] },
    { removedUids: [2, 3, 88] },
    // A re-sent header with other flags, a new one, a flag change and a removal of a row this batch also sends.
    { upsertMessages: [header(1, { flags: [] }), header(6), header(7)], flagChanges: [{ uid: 6, flags: ['\\Seen'] }], removedUids: [7] },
  ];
  for (const step of steps) {
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', ...step });
    assert.deepEqual(await folderCounts(), await rowCounts(), JSON.stringify(step));
  }
  assert.deepEqual(await folderCounts(), [4, 3]);

  // A count that can no longer be true (more unread than messages) is recounted from the rows by the next write.
  await db.folders.update(['a1', 'INBOX'], { unread: 40 });
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', flagChanges: [{ uid: 4, flags: ['\\Seen'] }] });
  assert.deepEqual(await folderCounts(), [4, 2]);
  db.close();
});

for (const failingTable of ['syncCursors', 'threads', 'folders', 'messages']) {
  test(`a storage failure while writing ${failingTable} leaves no part of the batch, cursor included`, async () => {
    const db = openDb();
    const failure = failingWrites(failingTable);
    db.use(failure.middleware);
    await applyBatch(db, {
      accountId: 'a1',
      folders: [folder('INBOX')],
      folderPath: 'INBOX',
      upsertMessages: [header(1), header(2), header(3)],
      cursor: cursor('INBOX', { uidNext: 4 }),
    });
    const before = await snapshot(db);
    failure.arm();
    const error = await rejection(
      applyBatch(db, {
        accountId: 'a1',
        folders: [folder('INBOX'), folder('Archive')],
        folderPath: 'INBOX',
        upsertMessages: [header(4), header(5, { inReplyTo: '<m1@example.test>' })],
        flagChanges: [{ uid: 1, flags: ['\\Seen'] }],
        removedUids: [2],
        cursor: cursor('INBOX', { uidNext: 6 }),
      }),
    );
    assert.ok(error instanceof HeronError, `expected a HeronError, got ${String(error)}`);
    assert.equal(error.code, 'store-failed');
    assert.match(String(error.detail?.reason), /QuotaExceededError/);
    assert.deepEqual(await snapshot(db), before, 'the store is exactly as it was before the failed batch');
    db.close();
  });
}

test('a failure IndexedDB itself raises (an invalid key) rolls the batch back too', async () => {
  const db = openDb();
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX')], folderPath: 'INBOX', upsertMessages: [header(1)] });
  const before = await snapshot(db);
  const broken = { ...folder('Broken'), path: undefined } as unknown as Folder;
  const error = await rejection(
    applyBatch(db, { accountId: 'a1', removedFolders: ['Gone'], folders: [folder('Fine'), broken], cursor: cursor('INBOX') }),
  );
  assert.ok(error instanceof HeronError && error.code === 'store-failed', String(error));
  assert.deepEqual(await snapshot(db), before);
  db.close();
});

test('a malformed batch is refused before anything is written', async () => {
  const db = openDb();
  const error = await rejection(
    applyBatch(db, { accountId: 'a1', folders: [folder('INBOX')], folderPath: 'INBOX', upsertMessages: [header(1, { folderPath: 'Sent' })] }),
  );
  assert.ok(error instanceof HeronError && error.code === 'internal', String(error));
  assert.equal(await db.folders.count(), 0);
  db.close();
});

test('a strict batch commits through the strict connection with IndexedDB durability strict', async () => {
  const db = openDb();
  // Watch each read-write transaction IndexedDB creates on either connection: the durability it was asked for,
  // and what the real IDBTransaction reports. Middlewares must be in place before a connection opens.
  const seen: { connection: string; asked: string | undefined; idb: string }[] = [];
  const watch = (label: string): Middleware<DBCore> => ({
    stack: 'dbcore',
    name: 'test-watch-durability',
    create: (down) => ({
      ...down,
      transaction: (stores, mode, options) => {
        const tx = down.transaction(stores, mode, options);
        if (mode === 'readwrite') seen.push({ connection: label, asked: options?.durability, idb: (tx as IDBTransaction).durability });
        return tx;
      },
    }),
  });
  db.use(watch('default'));
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX')] });
  assert.equal(db.hasStrictConnection(), false, 'default batches never open the strict connection');
  db.strictConnection().use(watch('strict'));
  seen.length = 0;

  // Live queries on the UI's connection must see strict writes: Dexie announces changes by database name.
  const unread: number[] = [];
  const subscription = liveQuery(() => countUnread(db, 'a1', 'INBOX')).subscribe((n) => unread.push(n));
  await until(() => unread.at(-1) === 0);

  const strictAck = await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2)],
    cursor: cursor('INBOX'),
    popMessages: [1, 2].map((uid) => ({ accountId: 'a1', uidl: `u${uid}`, uid, downloadedAt: BASE_DATE, partial: false, deletedLocally: false })),
    durability: 'strict',
  });
  assert.deepEqual(strictAck, { applied: true, messages: 2, durability: 'strict' });
  assert.equal(db.hasStrictConnection(), true);
  await until(() => unread.at(-1) === 2);
  subscription.unsubscribe();

  const defaultAck = await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(3)] });
  assert.equal(defaultAck.durability, 'default');
  assert.deepEqual(seen, [
    { connection: 'strict', asked: 'strict', idb: 'strict' },
    { connection: 'default', asked: 'default', idb: 'default' },
  ]);
  assert.deepEqual((await db.popMessages.toArray()).map((m) => m.uidl), ['u1', 'u2'], 'the default connection reads what the strict one wrote');
  db.close();
});

test('newestInFolder pages newest first through the date index', async () => {
  const db = openDb();
  // Dates out of UID order, so UID order cannot pass for date order.
  const arriving = [5, 1, 4, 2, 3].map((uid, i) => header(uid, { date: BASE_DATE + i * 1000 }));
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX')], folderPath: 'INBOX', upsertMessages: arriving });
  await applyBatch(db, { accountId: 'a1', folders: [folder('Sent')], folderPath: 'Sent', upsertMessages: [header(9, { folderPath: 'Sent', date: BASE_DATE + 99_000 })] });
  assert.deepEqual(
    (await newestInFolder(db, 'a1', 'INBOX', 3)).map((m) => m.uid),
    [3, 2, 4],
  );
  assert.deepEqual(
    (await newestInFolder(db, 'a1', 'INBOX', 3, 3)).map((m) => m.uid),
    [1, 5],
  );
  db.close();
});

test('putAccounts replaces the list and keeps display fields only', async () => {
  const db = openDb();
  const account = (id: string): AccountSummary => ({
    id,
    name: `Account ${id}`,
    email: `${id}@example.test`,
    incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: id },
    outgoing: { host: 'smtp.example.test', port: 587, security: 'starttls', username: id },
    pinnedFingerprint256: null,
    keepBodiesDays: 30,
    pop3: null,
    passwordStorage: 'encrypted',
    createdAt: 1,
  });
  await putAccounts(db, [account('old')]);
  const leaky = {
    ...account('a1'),
    password: 'hunter2',
    incoming: { ...account('a1').incoming, password: 'hunter2', accessToken: 'tok' },
  } as AccountSummary;
  await putAccounts(db, [leaky, account('a2')]);
  const rows = await db.accounts.toArray();
  assert.deepEqual(
    rows.map((a) => a.id),
    ['a1', 'a2'],
  );
  assert.deepEqual(rows[0], account('a1'));
  assert.doesNotMatch(JSON.stringify(rows), /hunter2|tok"/);
  db.close();
});

test('the renderer API serves cursors and batches and forwards events in order, saving account lists', async () => {
  const db = openDb();
  const events: EngineEvent[] = [];
  const api = createStoreRendererApi(db, (e) => events.push(e));
  assert.equal(await api.getSyncCursor('a1', 'INBOX'), null);
  const ack = await api.applyBatch({
    accountId: 'a1',
    folders: [folder('INBOX')],
    folderPath: 'INBOX',
    upsertMessages: [header(1)],
    cursor: cursor('INBOX'),
  });
  assert.equal(ack.applied, true);
  assert.deepEqual(await api.getSyncCursor('a1', 'INBOX'), cursor('INBOX'));

  const summary: AccountSummary = {
    id: 'a1',
    name: 'Work',
    email: 'me@example.test',
    incoming: { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: 'me' },
    outgoing: null,
    pinnedFingerprint256: null,
    keepBodiesDays: null,
    pop3: DEFAULT_POP3_OPTIONS,
    passwordStorage: 'memory',
    createdAt: 5,
  };
  api.engineEvent({ type: 'accounts-changed', accounts: [summary] });
  api.engineEvent({ type: 'account-state', accountId: 'a1', state: 'syncing' });
  assert.deepEqual(
    events.map((e) => e.type),
    ['accounts-changed', 'account-state'],
  );
  // The save runs in the background; a read-write transaction after it on the same table sees it done.
  await db.transaction('rw', db.accounts, () => undefined);
  assert.deepEqual(await db.accounts.toArray(), [summary]);

  const failed = await rejection(api.applyBatch({ accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(1, { accountId: 'a2' })] }));
  assert.ok(failed instanceof HeronError);
  db.close();
});

test('an account that leaves the engine list takes its cached mail with it; others keep theirs', async () => {
  const db = openDb();
  const summary = (id: string): AccountSummary => ({
    id, name: id, email: `${id}@example.test`, createdAt: 1, pinnedFingerprint256: null, passwordStorage: 'memory', outgoing: null, keepBodiesDays: null, pop3: null,
    incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: id },
  });
  await putAccounts(db, [summary('a1'), summary('a2')]);
  for (const accountId of ['a1', 'a2']) {
    await applyBatch(db, {
      accountId, folders: [folder('INBOX', { accountId })], folderPath: 'INBOX',
      upsertMessages: [header(1, { accountId }), header(2, { accountId })], cursor: cursor('INBOX', { accountId }),
    });
  }
  // Its queue and its record of undone changes go too: nothing could ever replay or show them.
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  await db.droppedChanges.put({ id: 'd1', accountId: 'a1', folderPath: 'INBOX', change: { kind: 'delete' }, count: 1, error: 'not-found: gone', droppedAt: 1 });
  await putAccounts(db, [summary('a2')]);
  const after = await snapshot(db);
  for (const [table, rows] of Object.entries(after)) {
    assert.ok(!(rows as { accountId?: string; id?: string }[]).some((r) => (r.accountId ?? r.id) === 'a1'), `${table} still holds a1`);
  }
  assert.equal((await newestInFolder(db, 'a2', 'INBOX', 10)).length, 2);
  db.close();
});

// Queued local changes: optimistic effects and counts, queue order, outcomes (done, retry, server wins), the overlay over later sync batches, and the v1 → v2 upgrade.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dexie } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import type { Flag, Folder, MessageHeader, SyncCursor } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { completeChange, dismissDroppedChange, droppedChangesOf, pendingChangesOf, queueChange } from '../../src-renderer/store/pending-changes';

import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, declareSchema } from '../../src-renderer/store/schema';
import { countUnread, countFlagged } from '../support/store-oracle';

type Arriving = Omit<MessageHeader, 'threadId'>;
const BASE_DATE = Date.UTC(2025, 0, 1);

function openDb(name = `heron-pending-${randomUUID()}`): HeronDb {
  return new HeronDb(name, { indexedDB, IDBKeyRange });
}

function folder(path: string, over: Partial<Folder> = {}): Folder {
  return { accountId: 'a1', path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0, ...over };
}

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  const flags = over.flags ?? [];
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: BASE_DATE + uid * 60_000,
    subject: `Message ${uid}`,
    from: [{ name: 'Ann', address: 'ann@example.test' }],
    to: [],
    cc: [],
    messageId: `<m${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    size: 1000,
    hasAttachments: false,
    preview: '',
    ...over,
    flags,
    unread: flags.includes('\\Seen') ? 0 : 1,
    flagged: flags.includes('\\Flagged') ? 1 : 0,
  };
}

function cursor(folderPath: string, over: Partial<SyncCursor> = {}): SyncCursor {
  return { accountId: 'a1', folderPath, uidValidity: 7, uidNext: 100, highestModseq: '42', backfillBelowUid: null, updatedAt: BASE_DATE, ...over };
}

/**
 * INBOX: 1 (unread), 2 (read, replies to 1), 3 (unread), 4 (read, flagged), 5 (unread); Archive: 10 (read, replies to 1).
 * Message 1's thread spans both folders, so thread counts must follow a move out of INBOX.
 */
async function seeded(): Promise<HeronDb> {
  const db = openDb();
  const reply = { inReplyTo: '<m1@example.test>', references: ['<m1@example.test>'] };
  await applyBatch(db, {
    accountId: 'a1',
    folders: [folder('INBOX', { specialUse: 'inbox' }), folder('Archive', { specialUse: 'archive' }), folder('Trash', { specialUse: 'trash' })],
    folderPath: 'INBOX',
    upsertMessages: [header(1), header(2, { flags: ['\\Seen'], ...reply }), header(3), header(4, { flags: ['\\Seen', '\\Flagged'] }), header(5)],
    cursor: cursor('INBOX'),
  });
  await applyBatch(db, { accountId: 'a1', folderPath: 'Archive', upsertMessages: [header(10, { folderPath: 'Archive', flags: ['\\Seen'], ...reply })], cursor: cursor('Archive') });
  return db;
}

async function flagsOf(db: HeronDb, uid: number, folderPath = 'INBOX'): Promise<Flag[] | undefined> {
  return (await db.messages.get(['a1', folderPath, uid]))?.flags;
}

async function counts(db: HeronDb, path = 'INBOX'): Promise<[number | undefined, number | undefined]> {
  const f = await db.folders.get(['a1', path]);
  return [f?.total, f?.unread];
}

async function threadCounts(db: HeronDb, threadId = '<m1@example.test>'): Promise<[number | undefined, number | undefined]> {
  const t = await db.threads.get(['a1', threadId]);
  return [t?.messageCount, t?.unreadCount];
}

test('a flag change shows at once: flags, unread/flagged fields, folder and thread counts', async () => {
  const db = await seeded();
  assert.deepEqual(await counts(db), [5, 3]);
  assert.deepEqual(await threadCounts(db), [3, 1]);
  const queued = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1, 3], change: { kind: 'flags', add: ['\\Seen', '\\Flagged'], remove: [] } });
  const one = await db.messages.get(['a1', 'INBOX', 1]);
  assert.deepEqual([one?.flags, one?.unread, one?.flagged], [['\\Seen', '\\Flagged'], 0, 1]);
  assert.deepEqual(await counts(db), [5, 1]);
  assert.equal(await countUnread(db, 'a1', 'INBOX'), 1);
  assert.deepEqual(await threadCounts(db), [3, 0]);
  assert.equal(await countFlagged(db, 'a1', 'INBOX'), 3);

  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [4], change: { kind: 'flags', add: [], remove: ['\\Seen', '\\Flagged'] } });
  assert.deepEqual(await flagsOf(db, 4), []);
  assert.deepEqual(await counts(db), [5, 2]);

  assert.deepEqual(queued, {
    id: queued.id,
    accountId: 'a1',
    folderPath: 'INBOX',
    uids: [1, 3],
    change: { kind: 'flags', add: ['\\Seen', '\\Flagged'], remove: [] },
    createdAt: queued.createdAt,
    attempts: 0,
    lastError: null,
    uidValidity: 7,
  });
  assert.match(queued.id, /^[0-9a-f-]{36}$/);
  db.close();
});

test('move, archive and delete take the messages out of the folder with their bodies and attachments', async () => {
  const db = await seeded();
  await db.bodies.bulkPut([1, 2, 3].map((uid) => ({ accountId: 'a1', folderPath: 'INBOX', uid, text: 'x', html: null, inlineParts: {}, parseError: null, size: 1, fetchedAt: 1 })));
  const attachment = { accountId: 'a1', folderPath: 'INBOX', partId: '2', filename: 'a.pdf', contentType: 'application/pdf', size: 1, contentId: null, inline: false };
  await db.attachments.bulkPut([{ ...attachment, uid: 1 }, { ...attachment, uid: 3 }]);

  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'move', toFolder: 'Projects' } });
  assert.equal(await db.messages.get(['a1', 'INBOX', 1]), undefined);
  assert.deepEqual(await counts(db), [4, 2]);
  assert.deepEqual(await threadCounts(db), [2, 0], 'the thread keeps its other two messages, both read');
  assert.equal(await db.bodies.get(['a1', 'INBOX', 1]), undefined);
  assert.equal(await db.attachments.where('[accountId+folderPath+uid+partId]').between(['a1', 'INBOX', 1, ''], ['a1', 'INBOX', 1, '\uffff']).count(), 0);
  assert.equal(await db.attachments.count(), 1, 'other messages keep theirs');

  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [2], change: { kind: 'archive' } });
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [3, 4], change: { kind: 'delete' } });
  assert.deepEqual((await db.messages.where('[accountId+folderPath+uid]').between(['a1', 'INBOX', 0], ['a1', 'INBOX', Infinity]).primaryKeys()).map((k) => k[2]), [5]);
  assert.deepEqual(await counts(db), [1, 1]);
  assert.deepEqual(await threadCounts(db), [1, 0], 'only the archived reply 10 is left in the thread');
  assert.equal(await db.bodies.count(), 0);
  assert.equal(await db.attachments.count(), 0);

  // Delete inside Trash (an expunge on the server) has the same local effect.
  await applyBatch(db, { accountId: 'a1', folderPath: 'Trash', upsertMessages: [header(20, { folderPath: 'Trash' })] });
  await queueChange(db, { accountId: 'a1', folderPath: 'Trash', uids: [20], change: { kind: 'delete' } });
  assert.deepEqual(await counts(db, 'Trash'), [0, 0]);
  db.close();
});

test('invalid changes are refused before anything is written', async () => {
  const db = await seeded();
  const refusals = [
    queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [], change: { kind: 'delete' } }),
    queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [0], change: { kind: 'delete' } }),
    queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'move', toFolder: 'INBOX' } }),
    queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: [], remove: [] } }),
    queueChange(db, { accountId: 'a1', folderPath: 'Archive', uids: [10], change: { kind: 'archive' } }),
  ];
  for (const refusal of refusals) {
    await assert.rejects(refusal, (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
  }
  assert.equal(await db.pendingChanges.count(), 0);
  assert.deepEqual(await counts(db), [5, 3]);
  db.close();
});

test('the queue comes back oldest first per account, even for changes made within one millisecond', async () => {
  const db = await seeded();
  await applyBatch(db, { accountId: 'a2', folders: [folder('INBOX', { accountId: 'a2' })] });
  const made: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    const { id } = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [5], change: { kind: 'flags', add: i % 2 ? ['\\Seen'] : [], remove: i % 2 ? [] : ['\\Seen'] } });
    made.push(id);
    if (i === 5) await queueChange(db, { accountId: 'a2', folderPath: 'INBOX', uids: [1], change: { kind: 'delete' } });
  }
  const queue = await pendingChangesOf(db, 'a1');
  assert.deepEqual(queue.map((c) => c.id), made);
  for (let i = 1; i < queue.length; i += 1) assert.ok((queue[i]?.createdAt ?? 0) > (queue[i - 1]?.createdAt ?? 0));
  assert.equal((await pendingChangesOf(db, 'a2')).length, 1);
  assert.ok(queue.every((c) => !('server' in c)), 'the copies of server state stay in the store');
  assert.deepEqual(await flagsOf(db, 5), ['\\Seen'], 'the last change made wins locally');
  db.close();
});

test('completeChange: done forgets, retry counts attempts, an unknown id is ignored', async () => {
  const db = await seeded();
  const a = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  const b = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [3], change: { kind: 'delete' } });
  await completeChange(db, b.id, { ok: false, retry: true, error: 'connection-lost' });
  await completeChange(db, b.id, { ok: false, retry: true, error: 'timeout' });
  await completeChange(db, a.id, { ok: true });
  await completeChange(db, 'no-such-change', { ok: true });
  await completeChange(db, 'no-such-change', { ok: false, retry: false, error: 'x' });
  const queue = await pendingChangesOf(db, 'a1');
  assert.deepEqual(queue.map((c) => [c.id, c.attempts, c.lastError]), [[b.id, 2, 'timeout']]);
  assert.deepEqual(await flagsOf(db, 1), ['\\Seen'], 'a change the server took stays');
  assert.equal(await db.messages.get(['a1', 'INBOX', 3]), undefined);
  db.close();
});

test('server wins: a dropped flag change is undone, with counts', async () => {
  const db = await seeded();
  const change = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1, 4], change: { kind: 'flags', add: ['\\Seen'], remove: ['\\Flagged'] } });
  assert.deepEqual(await counts(db), [5, 2]);
  await completeChange(db, change.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.deepEqual(await flagsOf(db, 1), []);
  assert.deepEqual(await flagsOf(db, 4), ['\\Seen', '\\Flagged']);
  assert.deepEqual(await counts(db), [5, 3]);
  assert.deepEqual(await threadCounts(db), [3, 1]);
  assert.equal(await db.pendingChanges.count(), 0);
  db.close();
});

test('server wins: a dropped move puts the messages back, with any later queued flag change on top', async () => {
  const db = await seeded();
  const move = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1, 3], change: { kind: 'move', toFolder: 'Nowhere' } });
  assert.deepEqual(await counts(db), [3, 1]);
  await completeChange(db, move.id, { ok: false, retry: false, error: 'server-rejected' });
  const restored = await db.messages.get(['a1', 'INBOX', 1]);
  assert.deepEqual([restored?.subject, restored?.flags, restored?.threadId], ['Message 1', [], '<m1@example.test>']);
  assert.deepEqual(await counts(db), [5, 3]);
  assert.deepEqual(await threadCounts(db), [3, 1]);

  // A flag change, then a delete of the same message: dropping the delete brings it back with the flag change still shown.
  const flag = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [5], change: { kind: 'flags', add: ['\\Flagged'], remove: [] } });
  const del = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [5], change: { kind: 'delete' } });
  await completeChange(db, del.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.deepEqual(await flagsOf(db, 5), ['\\Flagged']);
  // And once the flag change is dropped too, the message is exactly as the server has it.
  await completeChange(db, flag.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.deepEqual(await flagsOf(db, 5), []);
  db.close();
});

test('a dropped change is recorded with why until dismissed; a retried or completed one is not', async () => {
  const db = await seeded();
  const move = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1, 3], change: { kind: 'move', toFolder: 'Nowhere' } });
  const read = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [2], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  const flag = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [4], change: { kind: 'flags', add: ['\\Flagged'], remove: [] } });
  await completeChange(db, read.id, { ok: false, retry: true, error: 'The server cannot be reached.' });
  await completeChange(db, flag.id, { ok: true });
  assert.deepEqual(await droppedChangesOf(db), []);

  await completeChange(db, move.id, { ok: false, retry: false, error: 'The server refused: no such folder.' });
  const dropped = await droppedChangesOf(db);
  assert.deepEqual(
    dropped.map(({ droppedAt: _at, ...rest }) => rest),
    [{ id: move.id, accountId: 'a1', folderPath: 'INBOX', change: { kind: 'move', toFolder: 'Nowhere' }, count: 2, error: 'The server refused: no such folder.' }],
  );
  await dismissDroppedChange(db, move.id);
  assert.deepEqual(await droppedChangesOf(db), []);
  db.close();
});

test('overlay: a sync batch does not undo a pending flag change, and a later drop restores what the server said last', async () => {
  const db = await seeded();
  const read = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1, 3], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  // The server has not seen the change yet: its batch still says unread, and meanwhile someone flagged 3 elsewhere.
  await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    flagChanges: [
      { uid: 1, flags: [] },
      { uid: 3, flags: ['\\Flagged'] },
    ],
    cursor: cursor('INBOX', { highestModseq: '50' }),
  });
  assert.deepEqual(await flagsOf(db, 1), ['\\Seen'], 'no flicker back to unread');
  assert.deepEqual(await flagsOf(db, 3), ['\\Flagged', '\\Seen']);
  assert.deepEqual(await counts(db), [5, 1]);
  // A full re-send (upsert) of the same message is overlaid too.
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(1)] });
  assert.deepEqual(await flagsOf(db, 1), ['\\Seen']);
  assert.deepEqual(await threadCounts(db), [3, 0]);

  await completeChange(db, read.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.deepEqual(await flagsOf(db, 1), []);
  assert.deepEqual(await flagsOf(db, 3), ['\\Flagged'], "the server's latest flags, not those from queue time");
  assert.deepEqual(await counts(db), [5, 3]);
  db.close();
});

test('overlay: a message pending removal is not resurrected by a batch that re-sends it', async () => {
  const db = await seeded();
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [3], change: { kind: 'archive' } });
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [5], change: { kind: 'delete' } });
  const ack = await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    upsertMessages: [header(3), header(5, { flags: ['\\Seen'] }), header(6)],
    flagChanges: [{ uid: 3, flags: ['\\Seen'] }],
  });
  assert.equal(ack.messages, 1, 'only message 6 was written');
  assert.equal(await db.messages.get(['a1', 'INBOX', 3]), undefined);
  assert.equal(await db.messages.get(['a1', 'INBOX', 5]), undefined);
  assert.ok(await db.messages.get(['a1', 'INBOX', 6]));
  assert.deepEqual(await counts(db), [4, 2]);
  assert.equal(await db.threads.get(['a1', '<m5@example.test>']), undefined, 'no thread row for a message not shown');
  db.close();
});

test('a change on messages the store did not hold yet applies when a batch brings them, and a drop restores them', async () => {
  const db = await seeded();
  // Say the list showed messages still being backfilled: 50 and 51 reach the store only after the change was made.
  const del = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [50], change: { kind: 'delete' } });
  const read = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [51], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(50), header(51)] });
  assert.equal(await db.messages.get(['a1', 'INBOX', 50]), undefined);
  assert.deepEqual(await flagsOf(db, 51), ['\\Seen']);
  await completeChange(db, del.id, { ok: false, retry: false, error: 'server-rejected' });
  await completeChange(db, read.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.deepEqual(await flagsOf(db, 50), []);
  assert.deepEqual(await flagsOf(db, 51), []);
  assert.deepEqual(await counts(db), [7, 5]);
  db.close();
});

test('a server expunge is recorded, so dropping the change later does not bring the message back', async () => {
  const db = await seeded();
  const del = await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [3, 5], change: { kind: 'delete' } });
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [3] });
  await completeChange(db, del.id, { ok: false, retry: false, error: 'server-rejected' });
  assert.equal(await db.messages.get(['a1', 'INBOX', 3]), undefined);
  assert.ok(await db.messages.get(['a1', 'INBOX', 5]));
  db.close();
});

test('a UIDVALIDITY reset forgets the folder\'s pending changes: their UIDs now name other messages', async () => {
  const db = await seeded();
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [2], change: { kind: 'delete' } });
  const other = await queueChange(db, { accountId: 'a1', folderPath: 'Archive', uids: [10], change: { kind: 'flags', add: ['\\Flagged'], remove: [] } });
  await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    resetFolder: true,
    upsertMessages: [header(1, { messageId: '<new1@example.test>' }), header(2, { messageId: '<new2@example.test>' })],
    cursor: cursor('INBOX', { uidValidity: 8 }),
  });
  assert.deepEqual((await pendingChangesOf(db, 'a1')).map((c) => c.id), [other.id]);
  assert.deepEqual(await flagsOf(db, 1), [], 'the new message 1 is not marked read');
  assert.ok(await db.messages.get(['a1', 'INBOX', 2]), 'the new message 2 is shown');
  db.close();
});

test('schema version 2 upgrades a version-1 store and keeps its data', async () => {
  const name = `heron-pending-upgrade-${randomUUID()}`;
  const v1 = new Dexie(name, { indexedDB, IDBKeyRange });
  declareSchema(v1, SCHEMA_HISTORY.filter((v) => v.version === 1));
  await v1.open();
  assert.equal(v1.verno, 1);
  await v1.table('folders').put(folder('INBOX'));
  await v1.table('messages').put({ ...header(1), threadId: '<m1@example.test>' });
  await v1.table('settings').put({ key: 'theme', value: 'dark' });
  v1.close();

  const db = openDb(name);
  await db.open();
  assert.equal(db.verno, LATEST_SCHEMA_VERSION);
  assert.ok(LATEST_SCHEMA_VERSION >= 2);
  assert.equal((await db.messages.get(['a1', 'INBOX', 1]))?.subject, 'Message 1');
  assert.deepEqual(await db.settings.get('theme'), { key: 'theme', value: 'dark' });
  assert.equal(await db.pendingChanges.count(), 0);
  await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  assert.equal((await pendingChangesOf(db, 'a1')).length, 1);
  db.close();
});

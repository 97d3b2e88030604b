// The list's reads: windows by date at an offset, UIDs from the index alone, and conversations (one row per thread, with its count and latest message).

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { Folder, MessageHeader } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import {
  conversationOrderVersion,
  conversationRows,
  folderMessageCount,
  messageWindow,
  newConversationScan,
  scanConversations,
  threadUidsInFolder,
  uidWindow,
} from '../../src-renderer/store/list-queries';

type Arriving = Omit<MessageHeader, 'threadId'>;
const BASE = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

function folder(path: string): Folder {
  return { accountId: 'a1', path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0 };
}

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  const flags = over.flags ?? [];
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: BASE + uid * MINUTE,
    subject: `Message ${uid}`,
    from: [{ name: `Sender ${uid}`, address: `s${uid}@example.test` }],
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

const replyTo = (uid: number) => ({ inReplyTo: `<m${uid}@example.test>`, references: [`<m${uid}@example.test>`] });

async function openDb(): Promise<HeronDb> {
  const db = new HeronDb(`heron-list-${randomUUID()}`, { indexedDB, IDBKeyRange });
  await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX'), folder('Sent')] });
  return db;
}

/** 1..n in INBOX, dates in UID order. */
async function flatFolder(n: number): Promise<HeronDb> {
  const db = await openDb();
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: Array.from({ length: n }, (_, i) => header(i + 1)) });
  return db;
}

/**
 * INBOX, oldest first: 1 (thread A), 2 (thread B), 3 (reply to 1, read, attachment), 4 (thread C), 5 (reply to 2, flagged),
 * 6 (reply to 3, answered). Sent: 7 (reply to 4), the newest of all, which must not count in INBOX's conversations.
 */
async function threadedFolder(): Promise<HeronDb> {
  const db = await openDb();
  await applyBatch(db, {
    accountId: 'a1',
    folderPath: 'INBOX',
    upsertMessages: [
      header(1),
      header(2),
      header(3, { ...replyTo(1), flags: ['\\Seen'], hasAttachments: true }),
      header(4),
      header(5, { ...replyTo(2), flags: ['\\Flagged'] }),
      header(6, { ...replyTo(3), flags: ['\\Seen', '\\Answered'], from: [{ name: 'Sender 1', address: 's1@example.test' }] }),
    ],
  });
  await applyBatch(db, { accountId: 'a1', folderPath: 'Sent', upsertMessages: [header(7, { folderPath: 'Sent', ...replyTo(4) })] });
  return db;
}

describe('flat list windows', () => {
  it('counts what the store holds: from the folder row once the store counts it, never the server figures before', async () => {
    const db = await openDb();
    const inbox = { accountId: 'a1', path: 'INBOX', name: 'Inbox', delimiter: '/', parentPath: null, specialUse: 'inbox' as const, subscribed: true, selectable: true, total: 500, unread: 20 };
    await applyBatch(db, { accountId: 'a1', folders: [inbox] });
    assert.equal(await folderMessageCount(db, 'a1', 'INBOX'), 0, 'listed with the server figures, nothing stored yet');
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: Array.from({ length: 30 }, (_, i) => header(i + 1)) });
    assert.equal(await folderMessageCount(db, 'a1', 'INBOX'), 30);
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(31)], removedUids: [1, 2, 3] });
    assert.equal(await folderMessageCount(db, 'a1', 'INBOX'), 28);
    assert.equal(await folderMessageCount(db, 'a1', 'INBOX'), await db.messages.where('[accountId+folderPath+uid]').between(['a1', 'INBOX', 0], ['a1', 'INBOX', Infinity]).count());
    db.close();
  });

  it('reads a window at an offset, newest first or oldest first', async () => {
    const db = await flatFolder(250);
    assert.equal(await folderMessageCount(db, 'a1', 'INBOX'), 250);
    assert.deepEqual((await messageWindow(db, 'a1', 'INBOX', 'newest', 0, 3)).map((m) => m.uid), [250, 249, 248]);
    assert.deepEqual((await messageWindow(db, 'a1', 'INBOX', 'newest', 100, 3)).map((m) => m.uid), [150, 149, 148]);
    assert.deepEqual((await messageWindow(db, 'a1', 'INBOX', 'oldest', 100, 3)).map((m) => m.uid), [101, 102, 103]);
    assert.deepEqual((await messageWindow(db, 'a1', 'INBOX', 'newest', 248, 10)).map((m) => m.uid), [2, 1]);
    assert.deepEqual(await messageWindow(db, 'a1', 'INBOX', 'newest', 300, 10), []);
    db.close();
  });

  it('reads UIDs for a range from the index keys, in list order', async () => {
    const db = await flatFolder(40);
    assert.deepEqual(await uidWindow(db, 'a1', 'INBOX', 'newest', 5, 4), [35, 34, 33, 32]);
    assert.deepEqual(await uidWindow(db, 'a1', 'INBOX', 'oldest', 38, 10), [39, 40]);
    assert.equal((await uidWindow(db, 'a1', 'INBOX', 'newest', 0, Number.POSITIVE_INFINITY)).length, 40);
    db.close();
  });

  it('keeps other folders out of a window', async () => {
    const db = await threadedFolder();
    assert.deepEqual((await messageWindow(db, 'a1', 'INBOX', 'newest', 0, 10)).map((m) => m.uid), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual((await messageWindow(db, 'a1', 'Sent', 'newest', 0, 10)).map((m) => m.uid), [7]);
    db.close();
  });
});

describe('conversations', () => {
  it('lists one row per thread, ordered by its latest message, with count and markers from this folder only', async () => {
    const db = await threadedFolder();
    const scan = await scanConversations(db, 'a1', 'INBOX', newConversationScan('newest'), 10);
    assert.equal(scan.done, true);
    const rows = await conversationRows(db, 'a1', 'INBOX', scan.threadIds);
    assert.deepEqual(
      rows.map((r) => [r.latest.uid, r.count, r.unreadCount]),
      [
        [6, 3, 1], // thread A: 1, 3, 6
        [5, 2, 2], // thread B: 2, 5 (flagged, not read)
        [4, 1, 1], // thread C: 4 (its reply 7 is in Sent)
      ],
    );
    const [a, b, c] = rows;
    assert.deepEqual(a?.uids, [6, 3, 1]);
    assert.equal(a?.hasAttachments, true);
    assert.equal(a?.answered, true);
    assert.equal(a?.flagged, false);
    assert.deepEqual(a?.senders.map((s) => s.address), ['s1@example.test', 's3@example.test']);
    assert.equal(b?.flagged, true);
    assert.equal(c?.count, 1);
    db.close();
  });

  it('orders oldest first by when each thread started', async () => {
    const db = await threadedFolder();
    const scan = await scanConversations(db, 'a1', 'INBOX', newConversationScan('oldest'), 10);
    const rows = await conversationRows(db, 'a1', 'INBOX', scan.threadIds);
    assert.deepEqual(rows.map((r) => r.uids.at(-1)), [1, 2, 4]);
    db.close();
  });

  it('reads only as far as the rows asked for, and goes on from there', async () => {
    const db = await flatFolder(1000);
    const scan = newConversationScan('newest');
    await scanConversations(db, 'a1', 'INBOX', scan, 10);
    assert.ok(scan.threadIds.length >= 10);
    assert.ok(scan.scanned < 1000, `read ${scan.scanned} rows for 10 threads`);
    assert.equal(scan.done, false);
    await scanConversations(db, 'a1', 'INBOX', scan, 2000);
    assert.equal(scan.done, true);
    assert.equal(scan.threadIds.length, 1000);
    assert.equal(new Set(scan.threadIds).size, 1000);
    db.close();
  });

  it('resolves selected threads to their UIDs in this folder', async () => {
    const db = await threadedFolder();
    const scan = await scanConversations(db, 'a1', 'INBOX', newConversationScan('newest'), 10);
    const [a, , c] = scan.threadIds;
    assert.deepEqual((await threadUidsInFolder(db, 'a1', 'INBOX', [a as string, c as string])).sort((x, y) => x - y), [1, 3, 4, 6]);
    db.close();
  });

  it('changes its order version when messages arrive or leave, not when flags change', async () => {
    const db = await threadedFolder();
    const first = await conversationOrderVersion(db, 'a1', 'INBOX', 'newest');
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', flagChanges: [{ uid: 4, flags: ['\\Seen'] }] });
    assert.equal(await conversationOrderVersion(db, 'a1', 'INBOX', 'newest'), first);
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(8, replyTo(4))] });
    const second = await conversationOrderVersion(db, 'a1', 'INBOX', 'newest');
    assert.notEqual(second, first);
    // One message leaves and another arrives in the same batch: the count alone would not tell.
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [2], upsertMessages: [header(9, { date: BASE })] });
    assert.notEqual(await conversationOrderVersion(db, 'a1', 'INBOX', 'newest'), second);
    db.close();
  });
});

// Threading inside batch apply: replies join parents across folders, early replies merge when the parent arrives, thread rows stay counted.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { Folder, MessageHeader } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { messagesInThread } from '../../src-renderer/store/queries';
import { planThreads, type ThreadingInput } from '../../shared/threading';
import { messagesWithMessageId } from '../support/store-oracle';

type Arriving = Omit<MessageHeader, 'threadId'>;
const BASE_DATE = Date.UTC(2025, 2, 1);

function openDb(): HeronDb {
  return new HeronDb(`heron-threading-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

function folder(path: string): Folder {
  return { accountId: 'a1', path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0 };
}

/** A message `id` in `folderPath`; `parents` are its ancestors root first, as a References header lists them. */
function message(folderPath: string, uid: number, id: string | null, parents: string[] = [], over: Partial<Arriving> = {}): Arriving {
  return {
    accountId: 'a1',
    folderPath,
    uid,
    date: BASE_DATE + uid * 3_600_000,
    subject: parents.length > 0 ? 'Re: Lunch' : 'Lunch',
    from: [{ name: 'Bo', address: 'bo@example.test' }],
    to: [],
    cc: [],
    messageId: id,
    inReplyTo: parents.at(-1) ?? null,
    references: parents,
    flags: [],
    unread: 1,
    flagged: 0,
    size: 500,
    hasAttachments: false,
    preview: '',
    ...over,
  };
}

async function put(db: HeronDb, folderPath: string, messages: Arriving[]): Promise<void> {
  await applyBatch(db, { accountId: 'a1', folders: [folder(folderPath)], folderPath, upsertMessages: messages });
}

async function threadOf(db: HeronDb, folderPath: string, uid: number): Promise<string> {
  const row = await db.messages.get(['a1', folderPath, uid]);
  assert.ok(row, `message ${folderPath}/${uid} is stored`);
  return row.threadId;
}

test('a reply in Sent joins the INBOX thread of its parent, and the thread row counts both', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, '<p@x>', [], { flags: ['\\Seen'] }), message('INBOX', 2, '<other@x>')]);
  await put(db, 'Sent', [message('Sent', 5, '<r@x>', ['<p@x>'])]);
  const thread = await threadOf(db, 'INBOX', 1);
  assert.equal(thread, '<p@x>', 'a message that starts a thread names it after its own Message-ID');
  assert.equal(await threadOf(db, 'Sent', 5), thread);
  assert.notEqual(await threadOf(db, 'INBOX', 2), thread);
  assert.deepEqual(
    (await messagesInThread(db, 'a1', thread)).map((m) => `${m.folderPath}/${m.uid}`),
    ['INBOX/1', 'Sent/5'],
  );
  assert.deepEqual(await db.threads.get(['a1', thread]), {
    accountId: 'a1',
    threadId: thread,
    subject: 'Lunch',
    firstDate: BASE_DATE + 3_600_000,
    lastDate: BASE_DATE + 5 * 3_600_000,
    messageCount: 2,
    unreadCount: 1,
  });
  db.close();
});

test('replies that arrive before their parent are one thread with it once it comes', async () => {
  const db = openDb();
  // Newest first, as backfill fetches: the grandchild, then the child, then the root, each in its own batch.
  await put(db, 'INBOX', [message('INBOX', 30, '<g@x>', ['<p@x>', '<c@x>'])]);
  const thread = await threadOf(db, 'INBOX', 30);
  assert.equal(thread, '<g@x>', 'with no parent stored, the reply starts a thread named by its own Message-ID');
  await put(db, 'INBOX', [message('INBOX', 20, '<c@x>', ['<p@x>'])]);
  await put(db, 'INBOX', [message('INBOX', 10, '<p@x>')]);
  // The parents join the thread their replies started, so no stored row had to be relabelled.
  for (const uid of [10, 20, 30]) assert.equal(await threadOf(db, 'INBOX', uid), thread);
  assert.deepEqual(await db.threads.toArray(), [
    {
      accountId: 'a1',
      threadId: thread,
      subject: 'Lunch',
      firstDate: BASE_DATE + 10 * 3_600_000,
      lastDate: BASE_DATE + 30 * 3_600_000,
      messageCount: 3,
      unreadCount: 3,
    },
  ]);
  db.close();
});

test('a late parent that belongs to another stored thread merges its early replies into it, relabelling them', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, '<root@x>'), message('INBOX', 2, '<sibling@x>', ['<root@x>'])]);
  // An old client's reply with only In-Reply-To: nothing stored links it to the root yet.
  await put(db, 'INBOX', [message('INBOX', 9, '<late-reply@x>', [], { inReplyTo: '<parent@x>' })]);
  assert.equal(await threadOf(db, 'INBOX', 9), '<late-reply@x>');
  assert.equal(await db.threads.count(), 2);
  await put(db, 'Archive', [message('Archive', 5, '<parent@x>', ['<root@x>'])]);
  for (const [folderPath, uid] of [
    ['INBOX', 1],
    ['INBOX', 2],
    ['INBOX', 9],
    ['Archive', 5],
  ] as const) {
    assert.equal(await threadOf(db, folderPath, uid), '<root@x>', `${folderPath}/${uid}`);
  }
  assert.deepEqual(
    (await db.threads.toArray()).map((t) => [t.threadId, t.messageCount, t.lastDate]),
    [['<root@x>', 4, BASE_DATE + 9 * 3_600_000]],
  );
  // The reply's links moved too: a later message naming <parent@x> finds the merged thread.
  assert.deepEqual(await db.threadLinks.get(['a1', '<parent@x>']), { accountId: 'a1', messageId: '<parent@x>', threadId: '<root@x>' });
  db.close();
});

test('a parent later in the same batch than its replies is in their thread', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 3, '<b@x>', ['<a@x>']), message('INBOX', 2, '<c@x>', ['<a@x>', '<b@x>']), message('INBOX', 1, '<a@x>')]);
  const thread = await threadOf(db, 'INBOX', 1);
  for (const uid of [2, 3]) assert.equal(await threadOf(db, 'INBOX', uid), thread);
  assert.equal(await db.threads.count(), 1);
  assert.equal((await db.threads.get(['a1', thread]))?.messageCount, 3);
  db.close();
});

test('replies to the same missing parent share a thread', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, '<r1@x>', ['<missing@x>'])]);
  await put(db, 'Sent', [message('Sent', 1, '<r2@x>', ['<missing@x>'])]);
  assert.equal(await threadOf(db, 'Sent', 1), await threadOf(db, 'INBOX', 1));
  db.close();
});

test('messages without a Message-ID get distinct threads, even with the same subject', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, null), message('INBOX', 2, null)]);
  const [one, two] = [await threadOf(db, 'INBOX', 1), await threadOf(db, 'INBOX', 2)];
  assert.notEqual(one, two);
  assert.equal(await db.threads.count(), 2);
  // Sending them again keeps their threads: a re-sent message keeps the thread it has.
  await put(db, 'INBOX', [message('INBOX', 1, null), message('INBOX', 2, null)]);
  assert.deepEqual([await threadOf(db, 'INBOX', 1), await threadOf(db, 'INBOX', 2)], [one, two]);
  assert.equal(await db.threads.count(), 2);
  db.close();
});

test('a copy of a message in another folder joins the same thread, and a message naming two threads joins them', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, '<a@x>'), message('INBOX', 2, '<b@x>')]);
  await put(db, 'Archive', [message('Archive', 7, '<a@x>')]);
  assert.equal(await threadOf(db, 'Archive', 7), '<a@x>');
  assert.deepEqual(
    (await messagesWithMessageId(db, 'a1', '<a@x>')).map((m) => m.folderPath),
    ['Archive', 'INBOX'],
  );
  await put(db, 'INBOX', [message('INBOX', 3, '<link@x>', ['<a@x>', '<b@x>'])]);
  const merged = await threadOf(db, 'INBOX', 3);
  assert.equal(merged, '<a@x>', 'the larger thread keeps its id; the smaller one is relabelled');
  assert.equal(await threadOf(db, 'INBOX', 2), merged);
  assert.equal(await threadOf(db, 'INBOX', 1), merged);
  assert.equal(await threadOf(db, 'Archive', 7), merged, 'merging relabels messages in every folder');
  assert.deepEqual(
    (await db.threads.toArray()).map((t) => [t.threadId, t.messageCount]),
    [['<a@x>', 4]],
  );
  db.close();
});

test('thread rows follow flag changes and removals', async () => {
  const db = openDb();
  await put(db, 'INBOX', [message('INBOX', 1, '<p@x>'), message('INBOX', 2, '<r1@x>', ['<p@x>']), message('INBOX', 3, '<r2@x>', ['<p@x>'])]);
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', flagChanges: [{ uid: 2, flags: ['\\Seen'] }] });
  assert.equal((await db.threads.get(['a1', '<p@x>']))?.unreadCount, 2);
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [1] });
  const row = await db.threads.get(['a1', '<p@x>']);
  assert.deepEqual([row?.messageCount, row?.unreadCount, row?.subject, row?.firstDate], [2, 1, 'Re: Lunch', BASE_DATE + 2 * 3_600_000]);
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [2, 3] });
  assert.equal(await db.threads.count(), 0);
  db.close();
});

test('planThreads: merges name stored threads only, links name only new Message-IDs, the larger thread wins', () => {
  const input = (messageId: string | null, parents: string[], currentThreadId: string | null = null): ThreadingInput => ({
    messageId,
    inReplyTo: parents.at(-1) ?? null,
    references: parents,
    currentThreadId,
    syntheticThreadId: `synthetic:${messageId ?? 'none'}`,
  });
  const plan = planThreads([input('<new@x>', ['<small-root@x>']), input('<link@x>', ['<big-root@x>', '<new@x>']), input(null, [])], {
    threadOf: new Map([
      ['<small-root@x>', 'T-small'],
      ['<big-root@x>', 'T-big'],
    ]),
    sizeOf: new Map([
      ['T-small', 1],
      ['T-big', 5],
    ]),
  });
  assert.deepEqual(plan.threadIds, ['T-big', 'T-big', 'synthetic:none']);
  assert.deepEqual([...plan.merges], [['T-small', 'T-big']]);
  assert.deepEqual(
    [...plan.links].sort(),
    [
      ['<link@x>', 'T-big'],
      ['<new@x>', 'T-big'],
    ],
  );
});

// 100,000 messages in one folder, applied newest first in batches of 5,000: listing, unread count and threads stay exact. Timings are printed, never asserted.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { MessageHeader } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { messagesInThread, newestInFolder } from '../../src-renderer/store/queries';
import { countUnread } from '../support/store-oracle';

const TOTAL = 100_000;
const BATCH = 5_000;
const BASE_DATE = Date.UTC(2020, 0, 1);

const idOf = (uid: number): string => `<m${uid}@scale.example.test>`;
/** Threads of three consecutive UIDs; with 5,000-message batches some threads straddle two batches. */
const rootOf = (uid: number): number => uid - ((uid - 1) % 3);
/** 7919 is prime and shares no factor with 100,000, so dates are a permutation of UIDs, not in UID order. */
const dateOf = (uid: number): number => BASE_DATE + ((uid * 7919) % TOTAL) * 1000;
const isUnread = (uid: number): boolean => uid % 7 < 3;

function message(uid: number): Omit<MessageHeader, 'threadId'> {
  const root = rootOf(uid);
  const references = root === uid ? [] : [idOf(root), ...(uid - root === 2 ? [idOf(root + 1)] : [])];
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: dateOf(uid),
    subject: root === uid ? `Topic ${root}` : `Re: Topic ${root}`,
    from: [{ name: 'Sender', address: `s${uid % 50}@example.test` }],
    to: [{ name: '', address: 'me@example.test' }],
    cc: [],
    messageId: idOf(uid),
    inReplyTo: references.at(-1) ?? null,
    references,
    flags: isUnread(uid) ? [] : ['\\Seen'],
    unread: isUnread(uid) ? 1 : 0,
    flagged: 0,
    size: 2000 + (uid % 1000),
    hasAttachments: uid % 10 === 0,
    preview: `Preview of message ${uid}`,
  };
}

const ms = (start: number): string => `${(performance.now() - start).toFixed(1)} ms`;

test('100,000 messages in one folder: newest 50, unread count and thread members are exact', async () => {
  const db = new HeronDb(`heron-scale-${randomUUID()}`, { indexedDB, IDBKeyRange });
  await applyBatch(db, {
    accountId: 'a1',
    folders: [
      {
        accountId: 'a1',
        path: 'INBOX',
        name: 'Inbox',
        delimiter: '/',
        parentPath: null,
        specialUse: 'inbox',
        subscribed: true,
        selectable: true,
        total: TOTAL,
        unread: 0,
      },
    ],
  });

  const batchTimes: number[] = [];
  const started = performance.now();
  // Newest first, as backfill runs: replies often arrive a batch before their thread's root.
  for (let top = TOTAL; top > 0; top -= BATCH) {
    const upsertMessages = [];
    for (let uid = top; uid > top - BATCH; uid -= 1) upsertMessages.push(message(uid));
    const t = performance.now();
    const ack = await applyBatch(db, {
      accountId: 'a1',
      folderPath: 'INBOX',
      upsertMessages,
      cursor: { accountId: 'a1', folderPath: 'INBOX', uidValidity: 1, uidNext: TOTAL + 1, highestModseq: null, backfillBelowUid: top - BATCH + 1, updatedAt: t },
    });
    batchTimes.push(performance.now() - t);
    assert.equal(ack.messages, BATCH);
  }
  const applyTotal = performance.now() - started;
  console.log(
    `apply ${TOTAL} messages in ${batchTimes.length} batches of ${BATCH}: ${applyTotal.toFixed(0)} ms ` +
      `(per batch min ${Math.min(...batchTimes).toFixed(0)} / max ${Math.max(...batchTimes).toFixed(0)} ms; ` +
      `${Math.round(TOTAL / (applyTotal / 1000))} messages/s)`,
  );

  let t = performance.now();
  const newest = await newestInFolder(db, 'a1', 'INBOX', 50);
  console.log(`newestInFolder(50): ${ms(t)}`);
  const expectedNewest = Array.from({ length: TOTAL }, (_, i) => i + 1)
    .sort((a, b) => dateOf(b) - dateOf(a))
    .slice(0, 50);
  assert.deepEqual(
    newest.map((m) => m.uid),
    expectedNewest,
  );

  t = performance.now();
  const unread = await countUnread(db, 'a1', 'INBOX');
  console.log(`countUnread: ${ms(t)}`);
  let expectedUnread = 0;
  for (let uid = 1; uid <= TOTAL; uid += 1) if (isUnread(uid)) expectedUnread += 1;
  assert.equal(unread, expectedUnread);
  const inbox = await db.folders.get(['a1', 'INBOX']);
  assert.deepEqual([inbox?.total, inbox?.unread], [TOTAL, expectedUnread]);

  // 4999, 5000 and 5001 form one thread split across two batches, the reply (5001) arriving first.
  for (const root of [4999, 1, 50_002, 99_997, 100_000]) {
    const members = [root, root + 1, root + 2].filter((uid) => uid <= TOTAL);
    const threadId = (await db.messages.get(['a1', 'INBOX', root]))?.threadId ?? '';
    t = performance.now();
    const thread = await messagesInThread(db, 'a1', threadId);
    console.log(`messagesInThread(thread of UID ${root}, ${members.length} messages): ${ms(t)}`);
    // Oldest first; dates are a permutation of UIDs, so that is not UID order.
    const byDate = [...members].sort((a, b) => dateOf(a) - dateOf(b));
    assert.deepEqual(
      thread.map((m) => m.uid),
      byDate,
      `thread of ${root}`,
    );
    const row = await db.threads.get(['a1', threadId]);
    assert.deepEqual(
      [row?.messageCount, row?.subject, row?.lastDate],
      [members.length, message(byDate[0] as number).subject, dateOf(byDate.at(-1) as number)],
    );
  }
  assert.equal(await db.threads.count(), Math.ceil(TOTAL / 3));
  db.close();
});

// The outbox in the store: queueing (Message-ID once, Undo delay, Send later), what is due when, claims that respect Undo, every report, and \Answered on acceptance.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import type { AccountSummary, MessageHeader } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { putAccounts } from '../../src-renderer/store/accounts';
import { HeronDb } from '../../src-renderer/store/db';
import { claimOutgoing, outboxWork, queueOutgoing, recordSend, removeOutgoing, retryOutgoing, UNDO_DELAY_MS, type OutgoingInput } from '../../src-renderer/store/outbox';
import { pendingChangesOf } from '../../src-renderer/store/pending-changes';

const NOW = Date.UTC(2025, 5, 1, 12);
const openDb = () => new HeronDb(`heron-outbox-${randomUUID()}`, { indexedDB, IDBKeyRange });

function input(over: Partial<OutgoingInput> = {}): OutgoingInput {
  return {
    accountId: 'a1',
    from: { name: 'Alice', address: 'alice@maillab.test' },
    to: [{ name: 'Bob', address: 'bob@maillab.test' }],
    cc: [],
    bcc: [],
    subject: 'Hello',
    text: 'Hi Bob',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    draftId: null,
    ...over,
  };
}

const error = { code: 'connection-lost' as const, message: 'lost' };

async function stateOf(db: HeronDb, id: string) {
  return (await db.outbox.get(id))?.state;
}

describe('queueOutgoing', () => {
  it('makes the Message-ID once, in the sender\'s domain, and waits the Undo delay by default', async () => {
    const db = openDb();
    const row = await queueOutgoing(db, input(), NOW);
    assert.match(row.messageId, /^<[0-9a-f-]{36}@maillab\.test>$/);
    // Dated when Send was pressed (RFC 5322 §3.6.1), so every attempt gives the same bytes.
    assert.deepEqual([row.state, row.nextAttemptAt, row.attempts, row.date], ['queued', NOW + UNDO_DELAY_MS, 0, NOW]);
    assert.equal((await db.outbox.get(row.id))?.messageId, row.messageId);
  });

  it('a Send later time is when it becomes due, and its Date; sent early, it is dated then', async () => {
    const db = openDb();
    const row = await queueOutgoing(db, input({ sendAt: NOW + 3_600_000 }), NOW);
    assert.deepEqual([row.nextAttemptAt, row.date], [NOW + 3_600_000, NOW + 3_600_000]);
    await retryOutgoing(db, row.id, NOW + 60_000);
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 60_000)).due, [row.id]);
    assert.equal((await claimOutgoing(db, row.id, NOW + 60_000))?.date, NOW + 60_000);
  });

  it('refuses a message without recipients, with a bad address, or with an unreadable attachment', async () => {
    const db = openDb();
    for (const bad of [
      input({ to: [] }),
      input({ to: [{ name: '', address: 'not an address' }] }),
      input({ from: { name: '', address: '' } }),
      input({ attachments: [{ filename: 'a', contentType: 'text/plain', base64: 'not base64!', contentId: null }] }),
    ]) {
      await assert.rejects(queueOutgoing(db, bad, NOW), (e: unknown) => e instanceof HeronError && e.code === 'invalid-input');
    }
    assert.equal(await db.outbox.count(), 0);
  });
});

describe('outboxWork and claimOutgoing', () => {
  it('a message is due at its time, not before; the next time is reported', async () => {
    const db = openDb();
    const soon = await queueOutgoing(db, input(), NOW);
    const later = await queueOutgoing(db, input({ sendAt: NOW + 60_000 }), NOW);
    assert.deepEqual(await outboxWork(db, 'a1', NOW), { due: [], toFile: [], nextAttemptAt: NOW + UNDO_DELAY_MS });
    assert.equal(await claimOutgoing(db, soon.id, NOW), null, 'not due yet: the Undo delay is running');
    assert.deepEqual(await outboxWork(db, 'a1', NOW + UNDO_DELAY_MS), { due: [soon.id], toFile: [], nextAttemptAt: NOW + 60_000 });
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 60_000)).due, [soon.id, later.id], 'in the order they were queued');
    assert.deepEqual(await outboxWork(db, 'other', NOW + 60_000), { due: [], toFile: [], nextAttemptAt: null });
  });

  it('messages queued within one millisecond still go in the order they were queued', async () => {
    const db = openDb();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await queueOutgoing(db, input({ sendAt: NOW }), NOW)).id);
    assert.deepEqual((await outboxWork(db, 'a1', NOW)).due, ids);
  });

  it('a claim re-reads the row: one removed during the Undo delay is never handed over', async () => {
    const db = openDb();
    const row = await queueOutgoing(db, input(), NOW);
    const { due } = await outboxWork(db, 'a1', NOW + UNDO_DELAY_MS);
    assert.equal(await removeOutgoing(db, row.id), true);
    assert.equal(await claimOutgoing(db, due[0] as string, NOW + UNDO_DELAY_MS), null);
  });

  it('a claim marks the message as being sent and counts the attempt, keeping the Date of the Send; Undo is then too late', async () => {
    const db = openDb();
    const row = await queueOutgoing(db, input(), NOW);
    const claimed = await claimOutgoing(db, row.id, NOW + 6_000);
    assert.deepEqual([claimed?.attempts, claimed?.date, claimed?.messageId], [1, NOW, row.messageId]);
    assert.equal(await stateOf(db, row.id), 'sending');
    assert.equal(await claimOutgoing(db, row.id, NOW + 6_000), null, 'claimed once');
    assert.equal(await removeOutgoing(db, row.id), false);
    assert.equal(await stateOf(db, row.id), 'sending');
  });

  it('a message still being sent when a round starts is left over from a stopped Heron: unconfirmed, not due', async () => {
    const db = openDb();
    const row = await queueOutgoing(db, input(), NOW);
    await claimOutgoing(db, row.id, NOW + 6_000);
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 7_000)).due, []);
    const stored = await db.outbox.get(row.id);
    assert.equal(stored?.state, 'unconfirmed');
    assert.match(stored?.lastError?.message ?? '', /may have reached the server/);
    assert.equal(stored?.nextAttemptAt, null);
  });
});

describe('recordSend', () => {
  async function claimed(db: HeronDb, over: Partial<OutgoingInput> = {}) {
    const row = await queueOutgoing(db, input(over), NOW);
    await claimOutgoing(db, row.id, NOW + UNDO_DELAY_MS);
    return row;
  }

  it('retry: due again at the backoff time, with the reason', async () => {
    const db = openDb();
    const row = await claimed(db);
    await recordSend(db, row.id, { kind: 'retry', error, nextAttemptAt: NOW + 9_000 });
    const stored = await db.outbox.get(row.id);
    assert.deepEqual([stored?.state, stored?.nextAttemptAt, stored?.lastError], ['retry', NOW + 9_000, error]);
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 9_000)).due, [row.id]);
    assert.equal((await claimOutgoing(db, row.id, NOW + 9_000))?.attempts, 2);
  });

  it('failed and unconfirmed wait for the person, who can send again or remove them', async () => {
    const db = openDb();
    const refused = await claimed(db);
    const unsure = await claimed(db, { subject: 'second' });
    const rejected = [{ address: 'bob@maillab.test', response: '550 5.1.1 User unknown', temporary: false }];
    await recordSend(db, refused.id, { kind: 'failed', error: { code: 'server-rejected', message: 'no' }, rejected });
    await recordSend(db, unsure.id, { kind: 'unconfirmed', error });
    assert.deepEqual((await db.outbox.get(refused.id))?.rejected, rejected);
    assert.deepEqual(await outboxWork(db, 'a1', NOW + 3_600_000), { due: [], toFile: [], nextAttemptAt: null });
    await retryOutgoing(db, unsure.id, NOW + 100_000);
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 100_000)).due, [unsure.id]);
    assert.equal(await removeOutgoing(db, refused.id), true);
  });

  it('a report that no longer fits is ignored (an outcome arriving twice)', async () => {
    const db = openDb();
    const row = await claimed(db);
    await recordSend(db, row.id, { kind: 'unconfirmed', error });
    await recordSend(db, row.id, { kind: 'retry', error, nextAttemptAt: NOW });
    assert.equal(await stateOf(db, row.id), 'unconfirmed');
    await recordSend(db, 'gone', { kind: 'retry', error, nextAttemptAt: NOW });
  });

  it('accepted: recorded before anything else, filed later, then cleared', async () => {
    const db = openDb();
    const row = await claimed(db);
    await recordSend(db, row.id, { kind: 'accepted', accepted: ['bob@maillab.test'], rejected: [], response: '250 2.0.0 Ok: queued as X', at: NOW + 6_000 });
    const sent = await db.outbox.get(row.id);
    assert.deepEqual([sent?.state, sent?.serverResponse, sent?.sentAt], ['sent', '250 2.0.0 Ok: queued as X', NOW + 6_000]);
    assert.equal(await removeOutgoing(db, row.id), false, 'not before its copy is in Sent');
    const work = await outboxWork(db, 'a1', NOW + 7_000);
    assert.deepEqual([work.due, work.toFile.map((m) => [m.id, m.date])], [[], [[row.id, NOW]]], 'a stopped round files it later, same Date');
    await recordSend(db, row.id, { kind: 'filed', sentFolder: 'Sent', error: null });
    assert.equal(await db.outbox.get(row.id), undefined);
  });

  it('accepted with refused recipients: kept after filing, so the person can read which and why', async () => {
    const db = openDb();
    const row = await claimed(db);
    const rejected = [{ address: 'nobody@maillab.test', response: '550 5.1.1 User unknown', temporary: false }];
    await recordSend(db, row.id, { kind: 'accepted', accepted: ['bob@maillab.test'], rejected, response: '250 ok', at: NOW });
    await recordSend(db, row.id, { kind: 'filed', sentFolder: 'Sent', error: null });
    const kept = await db.outbox.get(row.id);
    assert.deepEqual([kept?.state, kept?.rejected, kept?.sentFolder], ['sent', rejected, 'Sent']);
    assert.deepEqual((await outboxWork(db, 'a1', NOW + 60_000)).toFile, [], 'filed once');
    assert.equal(await removeOutgoing(db, row.id), true);
  });

  it('accepting a reply queues \\Answered for every stored copy of the message replied to', async () => {
    const db = openDb();
    await putAccounts(db, [account()]);
    const parent = (folderPath: string, uid: number): Omit<MessageHeader, 'threadId'> => ({
      accountId: 'a1', folderPath, uid, date: NOW - 60_000, subject: 'Question', from: [{ name: 'Bob', address: 'bob@maillab.test' }], to: [], cc: [],
      messageId: '<question@maillab.test>', inReplyTo: null, references: [], flags: ['\\Seen'], unread: 0, flagged: 0, size: 10, hasAttachments: false, preview: '',
    });
    await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX'), folder('Archive')], folderPath: 'INBOX', upsertMessages: [parent('INBOX', 7)] });
    await applyBatch(db, { accountId: 'a1', folderPath: 'Archive', upsertMessages: [parent('Archive', 3)] });
    const row = await claimed(db, { inReplyTo: '<question@maillab.test>', references: ['<question@maillab.test>'] });
    await recordSend(db, row.id, { kind: 'accepted', accepted: ['bob@maillab.test'], rejected: [], response: '250 ok', at: NOW });
    assert.deepEqual((await db.messages.get(['a1', 'INBOX', 7]))?.flags.sort(), ['\\Answered', '\\Seen'], 'shown at once');
    const queued = (await pendingChangesOf(db, 'a1')).map((c) => [c.folderPath, c.uids, c.change]);
    assert.deepEqual(queued.sort(), [
      ['Archive', [3], { kind: 'flags', add: ['\\Answered'], remove: [] }],
      ['INBOX', [7], { kind: 'flags', add: ['\\Answered'], remove: [] }],
    ]);
  });
});

function folder(path: string) {
  return { accountId: 'a1', path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0 };
}

function account(): AccountSummary {
  const server = { host: 'mail.example.test', port: 993, security: 'tls' as const, username: 'alice' };
  return {
    id: 'a1', name: 'Alice', email: 'alice@maillab.test', incoming: { ...server, protocol: 'imap' }, outgoing: { ...server, port: 465 },
    pinnedFingerprint256: null, passwordStorage: 'memory', keepBodiesDays: null, pop3: null, createdAt: NOW,
  };
}

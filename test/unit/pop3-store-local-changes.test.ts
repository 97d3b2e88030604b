// A POP3 account's actions are final in the store: flags, moves (with body, attachments, source, search terms),
// Trash and removal for good (marking the server record), Archive, \Answered on a reply; counts and threads stay right; nothing is queued.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { MessageBody } from '../../shared/model';
import { runChange } from '../../src-renderer/features/actions/run-change';
import { putAccounts } from '../../src-renderer/store/accounts';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { getBody } from '../../src-renderer/store/bodies';
import type { HeronDb } from '../../src-renderer/store/db';
import { applyLocalChange, changeMessages } from '../../src-renderer/store/local-changes';
import { createLocalFolder } from '../../src-renderer/store/local-folders';
import { pendingChangesOf, queueChange } from '../../src-renderer/store/pending-changes';
import { claimOutgoing, queueOutgoing, recordSend } from '../../src-renderer/store/outbox';
import { messageSourceOf, popMessageOfUid } from '../../src-renderer/store/pop3';
import { searchMessages } from '../../src-renderer/store/search';
import { ACCOUNT, body, downloadBatch, folder, imapAccount, openDb, pop3Account, record, seeded } from '../support/pop3-fixtures';
import { failingWrites, rejection, snapshot } from '../support/store-faults';
import { countUnread } from '../support/store-oracle';

async function counts(db: HeronDb, path: string): Promise<[number, number] | null> {
  const row = await db.folders.get([ACCOUNT, path]);
  return row ? [row.total, row.unread] : null;
}

async function hits(db: HeronDb, text: string): Promise<string[]> {
  return (await searchMessages(db, { accountId: ACCOUNT, text })).hits.map((h) => `${h.folderPath}/${h.uid}`);
}

/** Three Inbox messages; 1 and 2 in one conversation (2 replies to 1), 2 with an attachment. */
async function conversation(): Promise<HeronDb> {
  const db = await seeded(0);
  const batch = downloadBatch([1, 2, 3]);
  batch.upsertMessages = batch.upsertMessages?.map((m) => (m.uid === 2 ? { ...m, inReplyTo: '<m1@example.test>', references: ['<m1@example.test>'] } : m));
  const withAttachment: MessageBody = { ...body(2, 'Reply saying pelican2'), attachments: [{ partId: '2', filename: 'a.txt', contentType: 'text/plain', size: 1, contentId: null, inline: false }] };
  batch.bodies = batch.bodies?.map((b) => (b.uid === 2 ? withAttachment : b));
  await applyBatch(db, batch);
  return db;
}

const threadOf = async (db: HeronDb, uid: number, path = 'INBOX') => {
  const threadId = (await db.messages.get([ACCOUNT, path, uid]))?.threadId ?? '';
  return db.threads.get([ACCOUNT, threadId]);
};

describe('a POP3 account’s local changes', () => {
  it('set flags with folder and thread counts, and queue nothing', async () => {
    const db = await conversation();
    await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1, 2], change: { kind: 'flags', add: ['\\Seen', '\\Flagged'], remove: [] } });
    const one = await db.messages.get([ACCOUNT, 'INBOX', 1]);
    assert.deepEqual([one?.flags, one?.unread, one?.flagged], [['\\Seen', '\\Flagged'], 0, 1]);
    assert.deepEqual(await counts(db, 'INBOX'), [3, 1]);
    assert.equal((await threadOf(db, 1))?.unreadCount, 0);
    assert.deepEqual(await pendingChangesOf(db, ACCOUNT), []);
    db.close();
  });

  it('move messages with the same UIDs, bodies, attachments, sources and search terms; threads and counts follow', async () => {
    const db = await conversation();
    await createLocalFolder(db, ACCOUNT, 'Birds');
    const threadBefore = await threadOf(db, 1);
    await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [2], change: { kind: 'move', toFolder: 'Birds' } });
    assert.equal(await db.messages.get([ACCOUNT, 'INBOX', 2]), undefined);
    assert.equal((await db.messages.get([ACCOUNT, 'Birds', 2]))?.subject, 'Message 2');
    assert.deepEqual((await getBody(db, ACCOUNT, 'Birds', 2))?.attachments.map((a) => a.filename), ['a.txt']);
    assert.equal(await getBody(db, ACCOUNT, 'INBOX', 2), undefined);
    assert.equal(await db.attachments.where('[accountId+folderPath+uid+partId]').between([ACCOUNT, 'INBOX', 2, ''], [ACCOUNT, 'INBOX', 2, '\uffff']).count(), 0);
    assert.ok(await messageSourceOf(db, ACCOUNT, 'Birds', 2));
    assert.equal(await messageSourceOf(db, ACCOUNT, 'INBOX', 2), null);
    assert.deepEqual(await hits(db, 'pelican2'), ['Birds/2'], 'found by its body words in its new folder only');
    assert.deepEqual(await counts(db, 'INBOX'), [2, 2]);
    assert.deepEqual(await counts(db, 'Birds'), [1, 1]);
    assert.deepEqual(await threadOf(db, 2, 'Birds'), threadBefore, 'a thread spans folders: still two messages');
    assert.equal((await popMessageOfUid(db, ACCOUNT, 2))?.uidl, 'uidl-2', 'the record still finds its copy by UID');
    db.close();
  });

  it('delete to Trash, then for good from Trash, marking the server record and keeping it', async () => {
    const db = await conversation();
    await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [2, 3], change: { kind: 'delete' } });
    assert.deepEqual(await counts(db, 'Trash'), [2, 2]);
    assert.deepEqual(await counts(db, 'INBOX'), [1, 1]);
    await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'Trash', uids: [2], change: { kind: 'delete' } });
    assert.equal(await db.messages.get([ACCOUNT, 'Trash', 2]), undefined);
    assert.equal(await getBody(db, ACCOUNT, 'Trash', 2), undefined);
    assert.equal(await messageSourceOf(db, ACCOUNT, 'Trash', 2), null);
    assert.equal(await db.attachments.count(), 0);
    assert.deepEqual(await hits(db, 'pelican2'), []);
    assert.deepEqual(await counts(db, 'Trash'), [1, 1]);
    assert.equal(await countUnread(db, ACCOUNT, 'Trash'), 1);
    assert.equal((await threadOf(db, 1))?.messageCount, 1, 'the conversation lost the reply');
    assert.deepEqual(await popMessageOfUid(db, ACCOUNT, 2), record(2, { deletedLocally: true }));
    assert.equal((await popMessageOfUid(db, ACCOUNT, 3))?.deletedLocally, false, 'only what was deleted for good is marked');
    db.close();
  });

  it('archive to Archive, and refuse to archive what is there already', async () => {
    const db = await conversation();
    await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1], change: { kind: 'archive' } });
    assert.deepEqual(await counts(db, 'Archive'), [1, 1]);
    const error = await rejection(applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'Archive', uids: [1], change: { kind: 'archive' } }));
    assert.ok(error instanceof HeronError && error.code === 'invalid-input', String(error));
    db.close();
  });

  it('refuse a folder that does not exist and a UID already in the destination, changing nothing', async () => {
    const db = await conversation();
    await applyBatch(db, { accountId: ACCOUNT, folders: [folder('Other')] });
    // Only a bug gives one UID twice; the store must not overwrite the other message.
    await applyBatch(db, downloadBatch([3], 'Other', { popMessages: [] }));
    const before = await snapshot(db);
    const missing = await rejection(applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1], change: { kind: 'move', toFolder: 'Nowhere' } }));
    assert.ok(missing instanceof HeronError && missing.code === 'not-found', String(missing));
    const clash = await rejection(applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1, 3], change: { kind: 'move', toFolder: 'Other' } }));
    assert.ok(clash instanceof HeronError && clash.code === 'internal', String(clash));
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });

  it('leave the store as it was when a write fails', async () => {
    const db = openDb();
    const failure = failingWrites('sources');
    db.use(failure.middleware);
    await putAccounts(db, [pop3Account()]);
    await applyBatch(db, { accountId: ACCOUNT, folders: [folder('INBOX', 'inbox'), folder('Trash', 'trash')] });
    await applyBatch(db, { ...downloadBatch([1, 2]), durability: 'default' });
    const before = await snapshot(db);
    failure.arm();
    const error = await rejection(applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1], change: { kind: 'delete' } }));
    assert.ok(error instanceof HeronError && error.code === 'store-failed', String(error));
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });
});

describe('routing a change by account', () => {
  it('applies a POP3 change locally and queues an IMAP change for replay', async () => {
    const db = await conversation();
    await putAccounts(db, [pop3Account(), imapAccount('a1')]);
    await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', 'inbox', 'a1')], folderPath: 'INBOX', upsertMessages: [{ ...downloadBatch([1]).upsertMessages![0]!, accountId: 'a1' }] });
    assert.equal(await changeMessages(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1], change: { kind: 'delete' } }), null);
    assert.ok(await db.messages.get([ACCOUNT, 'Trash', 1]));
    const queued = await changeMessages(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'delete' } });
    assert.equal(queued?.accountId, 'a1');
    assert.equal((await pendingChangesOf(db, 'a1')).length, 1);
    assert.deepEqual(await pendingChangesOf(db, ACCOUNT), []);
    db.close();
  });

  it('never asks the engine to replay a POP3 change, and the queue refuses one', async () => {
    const db = await conversation();
    let replays = 0;
    const engine = { replayChanges: async () => void (replays += 1) } as unknown as EngineApi;
    await runChange(db, engine, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1] }, { kind: 'flags', add: ['\\Seen'], remove: [] });
    assert.equal((await db.messages.get([ACCOUNT, 'INBOX', 1]))?.unread, 0);
    assert.equal(replays, 0);
    const error = await rejection(queueChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [2], change: { kind: 'delete' } }));
    assert.ok(error instanceof HeronError && error.code === 'internal', String(error));
    assert.deepEqual(await pendingChangesOf(db, ACCOUNT), []);
    db.close();
  });
});

describe('a reply sent from a POP3 account', () => {
  it('marks the message replied to \\Answered in the store, with nothing queued', async () => {
    const db = await conversation();
    await putAccounts(db, [{ ...pop3Account(), outgoing: { host: 'smtp.example.test', port: 465, security: 'tls', username: ACCOUNT } }]);
    const now = Date.now();
    const queued = await queueOutgoing(
      db,
      { accountId: ACCOUNT, from: { name: '', address: 'p1@example.test' }, to: [{ name: 'Ann', address: 'ann@example.test' }], cc: [], bcc: [], subject: 'Re: Message 1', text: 'Yes.', html: null, inReplyTo: '<m1@example.test>', references: ['<m1@example.test>'], attachments: [], draftId: null, sendAt: now },
      now,
    );
    assert.ok(await claimOutgoing(db, queued.id, now));
    await recordSend(db, queued.id, { kind: 'accepted', accepted: ['ann@example.test'], rejected: [], response: '250 ok', at: now });
    assert.deepEqual((await db.messages.get([ACCOUNT, 'INBOX', 1]))?.flags, ['\\Answered']);
    assert.deepEqual(await pendingChangesOf(db, ACCOUNT), []);
    db.close();
  });
});

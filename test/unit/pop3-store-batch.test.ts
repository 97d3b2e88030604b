// A POP3 batch in the store: message, body (searchable), source and record commit together, strictly, or not at
// all; its parts are validated; records of vanished UIDLs go; a POP3 folder list never removes or recounts folders.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { MessageBody } from '../../shared/model';
import { putAccounts } from '../../src-renderer/store/accounts';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { getBody } from '../../src-renderer/store/bodies';
import { createLocalFolder } from '../../src-renderer/store/local-folders';
import { messageSourceOf, popMessagesOf } from '../../src-renderer/store/pop3';
import { foldersOf } from '../../src-renderer/store/queries';
import { searchMessages } from '../../src-renderer/store/search';
import { ACCOUNT, body, downloadBatch, folder, header, imapAccount, LOCAL_FOLDERS, openDb, pop3Account, record, rowsOf, seeded } from '../support/pop3-fixtures';
import { failingWrites, rejection, snapshot } from '../support/store-faults';

const searchUids = async (db: Awaited<ReturnType<typeof seeded>>, text: string) =>
  (await searchMessages(db, { accountId: ACCOUNT, text })).hits.map((h) => `${h.folderPath}/${h.uid}`);

describe('a POP3 download batch', () => {
  it('stores messages, bodies, attachments, sources and records in one strict commit, bodies searchable at once', async () => {
    const db = await seeded(0);
    const withAttachment: MessageBody = {
      ...body(2, 'Minutes attached, see the pelican2 item'),
      attachments: [{ partId: '2', filename: 'minutes.pdf', contentType: 'application/pdf', size: 900, contentId: null, inline: false }],
    };
    const ack = await applyBatch(db, { ...downloadBatch([1, 2]), bodies: [body(1, 'Body of message 1 saying pelican1'), withAttachment] });
    assert.deepEqual(ack, { applied: true, messages: 2, durability: 'strict' });
    assert.equal(db.hasStrictConnection(), true);
    assert.equal((await getBody(db, ACCOUNT, 'INBOX', 2))?.attachments[0]?.filename, 'minutes.pdf');
    assert.match((await messageSourceOf(db, ACCOUNT, 'INBOX', 1)) ?? '', /^U3ViamVjdDog/);
    assert.deepEqual((await popMessagesOf(db, ACCOUNT)).map((m) => [m.uidl, m.uid]), [['uidl-1', 1], ['uidl-2', 2]]);
    // Body words are in the index with the message: search covers full bodies, as everything is local.
    assert.deepEqual(await searchUids(db, 'pelican2'), ['INBOX/2']);
    assert.equal((await db.messages.get([ACCOUNT, 'INBOX', 1]))?.preview, 'Body of message 1 saying pelican1', 'the preview comes from the body');
    assert.deepEqual([(await db.folders.get([ACCOUNT, 'INBOX']))?.total, (await db.folders.get([ACCOUNT, 'INBOX']))?.unread], [2, 2]);
    db.close();
  });

  for (const failingTable of ['sources', 'popMessages', 'bodies', 'attachments', 'messages']) {
    it(`rejects and leaves no message, body or record when writing ${failingTable} fails`, async () => {
      const db = openDb();
      const failure = failingWrites(failingTable);
      // On the strict connection, which POP3 batches use; a middleware must be in place before it opens.
      db.strictConnection().use(failure.middleware);
      await putAccounts(db, [pop3Account()]);
      await applyBatch(db, { accountId: ACCOUNT, folders: LOCAL_FOLDERS });
      await applyBatch(db, downloadBatch([1]));
      const before = await snapshot(db);
      failure.arm();
      const batch = downloadBatch([2, 3]);
      batch.bodies = [body(2, 'two'), { ...body(3, 'three'), attachments: [{ partId: '2', filename: 'a.txt', contentType: 'text/plain', size: 1, contentId: null, inline: false }] }];
      const error = await rejection(applyBatch(db, batch));
      assert.ok(error instanceof HeronError && error.code === 'store-failed', String(error));
      assert.deepEqual(await snapshot(db), before, 'nothing of the batch was written, so the engine never deletes it on the server');
      assert.equal(await db.messages.get([ACCOUNT, 'INBOX', 2]), undefined);
      assert.deepEqual((await popMessagesOf(db, ACCOUNT)).map((m) => m.uidl), ['uidl-1']);
      db.close();
    });
  }

  it('rejects as a whole when a body cannot be stored at all (IndexedDB cannot clone it)', async () => {
    const db = await seeded(1);
    const before = await snapshot(db);
    const batch = downloadBatch([2]);
    batch.bodies = [{ ...body(2, 'two'), inlineParts: { logo: (() => 'not data') as unknown as string } }];
    const error = await rejection(applyBatch(db, batch));
    assert.ok(error instanceof HeronError && error.code === 'store-failed', String(error));
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });

  it('is refused before anything is written when its POP3 parts do not match its messages', async () => {
    const db = await seeded(0);
    const before = await snapshot(db);
    const refused = [
      { ...downloadBatch([1]), bodies: [body(2, 'not in the batch')] },
      { ...downloadBatch([1]), bodies: [body(1, 'wrong folder', { folderPath: 'Sent' })] },
      { ...downloadBatch([1]), removedUids: [1] },
      { ...downloadBatch([1]), sources: [{ uid: 5, base64: '' }] },
      { ...downloadBatch([1]), popMessages: [record(1, { accountId: 'other' })] },
      { ...downloadBatch([1]), popMessages: [record(1, { uidl: '' })] },
      { ...downloadBatch([1]), removedPopUidls: ['uidl-1'] },
    ];
    for (const batch of refused) {
      const error = await rejection(applyBatch(db, batch));
      assert.ok(error instanceof HeronError && error.code === 'internal', `${JSON.stringify(batch.bodies?.[0]?.text)}: ${String(error)}`);
    }
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });

  it('drops the records of UIDLs the server no longer lists and keeps their local copies', async () => {
    const db = await seeded(2);
    await applyBatch(db, { accountId: ACCOUNT, removedPopUidls: ['uidl-1'], durability: 'strict' });
    assert.deepEqual((await popMessagesOf(db, ACCOUNT)).map((m) => m.uidl), ['uidl-2']);
    assert.ok(await db.messages.get([ACCOUNT, 'INBOX', 1]));
    assert.ok(await messageSourceOf(db, ACCOUNT, 'INBOX', 1));
    db.close();
  });

  it('fetched whole later (Download the rest), replaces the partial body, its words and attachments, and the record', async () => {
    const db = await seeded(0);
    const partial = downloadBatch([1], 'INBOX', { popMessages: [record(1, { partial: true })] });
    partial.bodies = [{ ...body(1, 'The beginning about herons'), attachments: [{ partId: '9', filename: 'cut.bin', contentType: 'application/octet-stream', size: 1, contentId: null, inline: false }] }];
    await applyBatch(db, partial);
    assert.deepEqual(await searchUids(db, 'herons'), ['INBOX/1']);
    // Flagged here meanwhile: the flags of a POP3 message live only in the store, so the whole copy keeps them.
    await applyBatch(db, { accountId: ACCOUNT, folderPath: 'INBOX', flagChanges: [{ uid: 1, flags: ['\\Flagged'] }] });
    const whole = downloadBatch([1]);
    whole.upsertMessages = [header(1, { flags: ['\\Seen'], unread: 0 })];
    whole.bodies = [{ ...body(1, 'The beginning about egrets and the rest'), attachments: [{ partId: '2', filename: 'photo.jpg', contentType: 'image/jpeg', size: 5, contentId: null, inline: false }] }];
    await applyBatch(db, whole);
    assert.deepEqual(await searchUids(db, 'herons'), []);
    assert.deepEqual(await searchUids(db, 'egrets'), ['INBOX/1']);
    assert.deepEqual((await getBody(db, ACCOUNT, 'INBOX', 1))?.attachments.map((a) => a.filename), ['photo.jpg']);
    assert.equal((await popMessagesOf(db, ACCOUNT))[0]?.partial, false);
    assert.deepEqual((await db.messages.get([ACCOUNT, 'INBOX', 1]))?.flags, ['\\Flagged']);
    assert.equal((await db.folders.get([ACCOUNT, 'INBOX']))?.total, 1, 'the same message, counted once');
    db.close();
  });
});

describe("a POP3 account's folder list", () => {
  it("never removes the person's own folders, even marked complete, nor resets the store's counts", async () => {
    const db = await seeded(2);
    await createLocalFolder(db, ACCOUNT, 'Receipts');
    await applyBatch(db, { accountId: ACCOUNT, folders: LOCAL_FOLDERS, foldersComplete: true });
    const folders = await foldersOf(db, ACCOUNT);
    assert.deepEqual(folders.map((f) => f.path).sort(), ['Archive', 'Drafts', 'INBOX', 'Receipts', 'Sent', 'Trash']);
    assert.deepEqual([folders.find((f) => f.path === 'INBOX')?.total, folders.find((f) => f.path === 'INBOX')?.unread], [2, 2]);
    db.close();
  });

  it('counts a folder listed after mail was filed in it from that mail, not from the listing', async () => {
    const db = openDb();
    await putAccounts(db, [pop3Account()]);
    // A Sent copy filed before the folder list arrived (the folder row did not exist to count into).
    await applyBatch(db, { accountId: ACCOUNT, folderPath: 'Sent', upsertMessages: [header(7, { folderPath: 'Sent', flags: ['\\Seen'] })], sources: [{ uid: 7, base64: 'eA==' }] });
    await applyBatch(db, { accountId: ACCOUNT, folders: [...LOCAL_FOLDERS.filter((f) => f.path !== 'Sent'), { ...folder('Sent', 'sent'), total: 0 }] });
    const sent = await db.folders.get([ACCOUNT, 'Sent']);
    assert.deepEqual([sent?.total, sent?.unread, sent?.storeCounted], [1, 0, true]);
    db.close();
  });

  it('is still complete for an IMAP account, whose folders are the server’s', async () => {
    const db = openDb();
    await putAccounts(db, [imapAccount('a1')]);
    await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', 'inbox', 'a1'), folder('Old', null, 'a1')] });
    await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX', 'inbox', 'a1')], foldersComplete: true });
    assert.deepEqual(Object.keys(await rowsOf(db, 'a1')), ['folders']);
    assert.deepEqual((await foldersOf(db, 'a1')).map((f) => f.path), ['INBOX']);
    db.close();
  });
});

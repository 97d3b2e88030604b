// Drafts in the store: saved, listed and reopened in the right order, closed without loss, filed on the server without resurrecting a deleted one.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import { HeronDb } from '../../src-renderer/store/db';
import { closeDraft, deleteDraft, getDraft, listDrafts, markDraftFiled, newDraftMessageId, openDrafts, putDraft } from '../../src-renderer/store/drafts';
import type { DraftRow } from '../../src-renderer/store/rows';

const openDb = (name = `heron-drafts-${randomUUID()}`) => new HeronDb(name, { indexedDB, IDBKeyRange });

function draft(id: string, over: Partial<DraftRow> = {}): DraftRow {
  return {
    id,
    accountId: 'a1',
    messageId: `<${id}@maillab.test>`,
    from: { name: 'Alice', address: 'alice@maillab.test' },
    to: [{ name: 'Bob', address: 'bob@maillab.test' }],
    cc: [],
    bcc: [],
    subject: `Draft ${id}`,
    format: 'rich',
    text: 'Hi Bob',
    html: '<p>Hi Bob</p>',
    inReplyTo: null,
    references: [],
    attachments: [{ filename: 'notes.txt', contentType: 'text/plain', base64: 'aGk=', contentId: null }],
    open: true,
    createdAt: 1,
    updatedAt: 1,
    serverSavedAt: null,
    serverFolder: null,
    ...over,
  };
}

const ids = (rows: DraftRow[]): string[] => rows.map((r) => r.id);

describe('drafts', () => {
  it('a new draft gets a Message-ID in the sender\'s domain, a new one each time', () => {
    const from = { name: 'Alice', address: 'Alice@MailLab.test' };
    assert.match(newDraftMessageId(from), /^<[0-9a-f-]{36}@maillab\.test>$/);
    assert.notEqual(newDraftMessageId(from), newDraftMessageId(from));
  });

  it('saves and reads back a draft whole', async () => {
    const db = openDb();
    const row = draft('d1');
    await putDraft(db, row);
    assert.deepEqual(await getDraft(db, 'd1'), row);
    await putDraft(db, { ...row, text: 'Hi Bob, again', updatedAt: 2 });
    assert.equal((await getDraft(db, 'd1'))?.text, 'Hi Bob, again');
    assert.equal(await getDraft(db, 'missing'), undefined);
  });

  it('lists every draft newest edit first; reopens only the open ones, oldest started first', async () => {
    const db = openDb();
    await putDraft(db, draft('old', { createdAt: 1, updatedAt: 50 }));
    await putDraft(db, draft('closed', { createdAt: 2, updatedAt: 60, open: false }));
    await putDraft(db, draft('new', { createdAt: 3, updatedAt: 10 }));
    assert.deepEqual(ids(await listDrafts(db)), ['closed', 'old', 'new']);
    assert.deepEqual(ids(await openDrafts(db)), ['old', 'new']);
  });

  it('closing keeps the draft but stops it reopening; deleting removes it', async () => {
    const db = openDb();
    await putDraft(db, draft('d1'));
    await putDraft(db, draft('d2', { createdAt: 2 }));
    await closeDraft(db, 'd1');
    assert.deepEqual(ids(await openDrafts(db)), ['d2']);
    assert.equal((await getDraft(db, 'd1'))?.open, false);
    await deleteDraft(db, 'd2');
    assert.deepEqual(ids(await listDrafts(db)), ['d1']);
  });

  it('records the filed version; a later edit stays due for filing, a deleted draft stays deleted', async () => {
    const db = openDb();
    await putDraft(db, draft('d1', { updatedAt: 10 }));
    // The person types on while version 10 is being filed.
    await putDraft(db, draft('d1', { updatedAt: 11, text: 'more' }));
    assert.equal(await markDraftFiled(db, 'd1', 10, 'Drafts'), true);
    const filed = await getDraft(db, 'd1');
    assert.deepEqual([filed?.serverSavedAt, filed?.serverFolder, filed?.updatedAt], [10, 'Drafts', 11]);
    assert.ok((filed?.updatedAt ?? 0) > (filed?.serverSavedAt ?? 0), 'version 11 still needs filing');

    await deleteDraft(db, 'd1');
    assert.equal(await markDraftFiled(db, 'd1', 11, 'Drafts'), false, 'the caller is told to discard the copy it just filed');
    assert.equal(await getDraft(db, 'd1'), undefined);
  });

  it('a save from the composer keeps where the server copy is, even if its own copy of that is older', async () => {
    const db = openDb();
    await putDraft(db, draft('d1', { updatedAt: 10 }));
    await markDraftFiled(db, 'd1', 10, 'Drafts');
    await putDraft(db, draft('d1', { updatedAt: 12, serverSavedAt: null, serverFolder: null }));
    const row = await getDraft(db, 'd1');
    assert.deepEqual([row?.updatedAt, row?.serverSavedAt, row?.serverFolder], [12, 10, 'Drafts']);
  });

  it('an open draft survives closing and reopening the database', async () => {
    const name = `heron-drafts-${randomUUID()}`;
    const before = openDb(name);
    await putDraft(before, draft('d1', { subject: 'Kept' }));
    before.close();
    const after = openDb(name);
    assert.deepEqual(await openDrafts(after), [draft('d1', { subject: 'Kept' })]);
    after.close();
  });

  it('a store failure is a HeronError', async () => {
    const db = openDb();
    db.close({ disableAutoOpen: true });
    const attempts = [
      () => putDraft(db, draft('d1')),
      () => getDraft(db, 'd1'),
      () => listDrafts(db),
      () => openDrafts(db),
      () => closeDraft(db, 'd1'),
      () => deleteDraft(db, 'd1'),
      () => markDraftFiled(db, 'd1', 1, null),
    ];
    for (const attempt of attempts) await assert.rejects(attempt(), (e: unknown) => e instanceof HeronError && e.code === 'store-failed');
  });
});

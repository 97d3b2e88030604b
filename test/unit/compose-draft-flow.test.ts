// A draft's way through the outbox: Send queues before the draft goes, Undo brings it back unless the engine has it,
// Edit takes a waiting message back, a server draft keeps its Message-ID, and a reply comes from the address asked.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { EngineApi } from '../../shared/contract';
import type { MessageHeader } from '../../shared/model';
import { chooseIdentity } from '../../src-renderer/features/compose/compose-start';
import { draftFromServer, draftMessage, editOutgoing, sendDraft, undoSend } from '../../src-renderer/features/compose/draft-flow';
import { HeronDb } from '../../src-renderer/store/db';
import { getDraft, putDraft } from '../../src-renderer/store/drafts';
import { claimOutgoing, UNDO_DELAY_MS } from '../../src-renderer/store/outbox';
import type { DraftRow } from '../../src-renderer/store/rows';

const NOW = Date.UTC(2026, 10, 23, 12);

function openDb(): HeronDb {
  return new HeronDb(`draft-flow-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

function draft(over: Partial<DraftRow> = {}): DraftRow {
  return {
    id: 'd1', accountId: 'a1', messageId: '<draft-1@x.test>', from: { name: 'Ann', address: 'ann@x.test' }, to: [{ name: 'Bob', address: 'bob@x.test' }],
    cc: [], bcc: [{ name: '', address: 'boss@x.test' }], subject: 'Plans', format: 'plain', text: 'See you at ten.', html: null, inReplyTo: '<orig@x.test>',
    references: ['<orig@x.test>'], attachments: [{ filename: 'a.txt', contentType: 'text/plain', base64: 'aGk=', contentId: null }], open: true,
    createdAt: NOW - 60_000, updatedAt: NOW - 1_000, serverSavedAt: null, serverFolder: null, ...over,
  };
}

/** Records what the draft flow asks of the engine; nothing else may be called. */
function recordingEngine(calls: string[]): EngineApi {
  const engine: Partial<EngineApi> = {
    sendOutbox: async (accountId) => void calls.push(`send ${accountId}`),
    discardDraft: async (accountId, messageId) => void calls.push(`discard ${accountId} ${messageId}`),
  };
  return engine as EngineApi;
}

describe('sending a draft', () => {
  it('queues the message with everything the draft held, then drops the draft and its server copy', async () => {
    const db = openDb();
    const calls: string[] = [];
    await putDraft(db, draft({ serverFolder: 'Drafts', serverSavedAt: NOW - 1_000 }));
    const row = await sendDraft(db, recordingEngine(calls), draft({ serverFolder: 'Drafts' }));
    const queued = await db.outbox.get(row.id);
    assert.ok(queued);
    assert.deepEqual(
      { to: queued.to, bcc: queued.bcc, subject: queued.subject, text: queued.text, html: queued.html, inReplyTo: queued.inReplyTo, attachments: queued.attachments, draftId: queued.draftId },
      { to: [{ name: 'Bob', address: 'bob@x.test' }], bcc: [{ name: '', address: 'boss@x.test' }], subject: 'Plans', text: 'See you at ten.', html: null, inReplyTo: '<orig@x.test>', attachments: draft().attachments, draftId: 'd1' },
    );
    assert.equal(await getDraft(db, 'd1'), undefined);
    assert.deepEqual(calls, ['send a1', 'discard a1 <draft-1@x.test>']);
    db.close();
  });

  it('asks for no discard when the draft never reached the server, and honours Send later', async () => {
    const db = openDb();
    const calls: string[] = [];
    await putDraft(db, draft());
    const later = NOW + 86_400_000;
    const row = await sendDraft(db, recordingEngine(calls), draft(), later);
    assert.equal((await db.outbox.get(row.id))?.nextAttemptAt, later);
    assert.deepEqual(calls, ['send a1']);
    db.close();
  });

  it('keeps the draft when the outbox refuses the message', async () => {
    const db = openDb();
    await putDraft(db, draft({ to: [], bcc: [] }));
    await assert.rejects(sendDraft(db, recordingEngine([]), draft({ to: [], bcc: [] })), { code: 'invalid-input' });
    assert.ok(await getDraft(db, 'd1'));
    assert.equal(await db.outbox.count(), 0);
    db.close();
  });
});

describe('Undo and Edit', () => {
  it('Undo puts the draft back, open and due for the server again', async () => {
    const db = openDb();
    await putDraft(db, draft({ serverFolder: 'Drafts', serverSavedAt: NOW - 1_000 }));
    const sent = draft({ serverFolder: 'Drafts', serverSavedAt: NOW - 1_000 });
    const row = await sendDraft(db, recordingEngine([]), sent);
    assert.equal(await undoSend(db, row.id, sent, NOW), true);
    assert.equal(await db.outbox.count(), 0);
    const back = await getDraft(db, 'd1');
    assert.deepEqual({ open: back?.open, text: back?.text, serverFolder: back?.serverFolder, serverSavedAt: back?.serverSavedAt }, { open: true, text: 'See you at ten.', serverFolder: null, serverSavedAt: null });
    db.close();
  });

  it('Undo is too late once the engine claimed the message, and the draft stays gone', async () => {
    const db = openDb();
    await putDraft(db, draft());
    const row = await sendDraft(db, recordingEngine([]), draft());
    assert.ok(await claimOutgoing(db, row.id, row.createdAt + UNDO_DELAY_MS));
    assert.equal(await undoSend(db, row.id, draft(), NOW), false);
    assert.equal(await getDraft(db, 'd1'), undefined);
    assert.equal((await db.outbox.get(row.id))?.state, 'sending');
    db.close();
  });

  it('Edit takes a waiting message out of the outbox as a new draft with its content', async () => {
    const db = openDb();
    await putDraft(db, draft());
    const row = await sendDraft(db, recordingEngine([]), draft(), NOW + 3_600_000);
    const edited = await editOutgoing(db, row, NOW);
    assert.ok(edited);
    assert.equal(await db.outbox.count(), 0);
    assert.deepEqual({ to: edited.to, subject: edited.subject, text: edited.text, format: edited.format, open: edited.open }, { to: draft().to, subject: 'Plans', text: 'See you at ten.', format: 'plain', open: true });
    assert.notEqual(edited.messageId, row.messageId);
    assert.deepEqual(await getDraft(db, edited.id), edited);
    db.close();
  });
});

describe('drafts from elsewhere', () => {
  const header: MessageHeader = {
    accountId: 'a1', folderPath: 'Drafts', uid: 7, date: NOW, subject: 'Unfinished', from: [{ name: 'Ann', address: 'ann@x.test' }], to: [{ name: '', address: 'cy@x.test' }],
    cc: [], messageId: '<other-client@x.test>', inReplyTo: null, references: [], flags: ['\\Draft', '\\Seen'], unread: 0, flagged: 0, size: 10, hasAttachments: false,
    preview: '', threadId: 't',
  };

  it('a server draft keeps its Message-ID and counts as filed, so the next save replaces that copy', () => {
    const d = draftFromServer(header, { accountId: 'a1', folderPath: 'Drafts', uid: 7, text: 'Half a line', html: null, attachments: [], inlineParts: {}, parseError: null, size: 10, fetchedAt: NOW }, { name: 'Ann', address: 'ann@x.test' }, [], NOW);
    assert.deepEqual({ messageId: d.messageId, serverFolder: d.serverFolder, serverSavedAt: d.serverSavedAt, text: d.text, format: d.format, to: d.to }, { messageId: '<other-client@x.test>', serverFolder: 'Drafts', serverSavedAt: NOW, text: 'Half a line', format: 'plain', to: header.to });
    assert.equal(draftMessage(d).messageId, '<other-client@x.test>');
  });

  it('a reply is written by the identity the original was addressed to', () => {
    const identities = [
      { name: 'Ann', address: 'ann@x.test', signature: '' },
      { name: 'Ann (support)', address: 'Support@X.test', signature: 'Support team' },
    ];
    assert.equal(chooseIdentity(identities, { ...header, to: [{ name: '', address: 'support@x.test' }] })?.address, 'Support@X.test');
    assert.equal(chooseIdentity(identities, { ...header, to: [{ name: '', address: 'someone@else.test' }] })?.address, 'ann@x.test');
    assert.equal(chooseIdentity(identities, null)?.address, 'ann@x.test');
  });
});

// An account whose IMAP host or username changed points at another mailbox: the store drops its copy of the old one and
// keeps drafts and the outbox; a new port or security, and any POP3 change, keep everything.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { DEFAULT_POP3_OPTIONS, type AccountSummary, type IncomingSettings } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { mailboxMoved, putAccounts } from '../../src-renderer/store/accounts';
import { HeronDb } from '../../src-renderer/store/db';
import { changeMessages } from '../../src-renderer/store/local-changes';
import { allocateUids } from '../../src-renderer/store/pop3';

const imap: IncomingSettings = { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' };
const pop3: IncomingSettings = { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: 'ann' };

function summary(id: string, incoming: IncomingSettings): AccountSummary {
  const pop3 = incoming.protocol === 'pop3' ? DEFAULT_POP3_OPTIONS : null;
  return { id, name: id, email: `${id}@example.test`, incoming, outgoing: null, pinnedFingerprint256: null, passwordStorage: 'memory', keepBodiesDays: null, pop3, createdAt: 1 };
}

/**
 * A folder with one message and its cursor, a flag change (queued for IMAP, applied for POP3), a draft and an outbox
 * message, for one account; a POP3 account's message also has its source, its server record and a UID counter.
 */
async function fill(db: HeronDb, accountId: string, pop = false): Promise<void> {
  if (pop) await allocateUids(db, accountId, 1);
  await applyBatch(db, {
    accountId,
    folders: [{ accountId, path: 'INBOX', name: 'Inbox', delimiter: '/', parentPath: null, specialUse: 'inbox', subscribed: true, selectable: true, total: 0, unread: 0 }],
    folderPath: 'INBOX',
    upsertMessages: [
      {
        accountId, folderPath: 'INBOX', uid: 1, date: 1, subject: 'Hello', from: [], to: [], cc: [], messageId: `<${accountId}@example.test>`,
        inReplyTo: null, references: [], flags: [], unread: 1, flagged: 0, size: 10, hasAttachments: false, preview: '',
      },
    ],
    cursor: { accountId, folderPath: 'INBOX', uidValidity: 7, uidNext: 2, highestModseq: null, backfillBelowUid: null, updatedAt: 1 },
    ...(pop ? { sources: [{ uid: 1, base64: 'SGk=' }], popMessages: [{ accountId, uidl: 'u1', uid: 1, downloadedAt: 1, partial: false, deletedLocally: false }] } : {}),
  });
  await changeMessages(db, { accountId, folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
  // Only their account matters here: the rows' other fields belong to the composer.
  await db.table('drafts').put({ id: `draft-${accountId}`, accountId });
  await db.table('outbox').put({ id: `out-${accountId}`, accountId });
}

/** How many rows of each table belong to the account. */
async function rowsOf(db: HeronDb, accountId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of db.tables) {
    if (table.name === 'accounts' || table.name === 'settings') continue;
    const n = await table.filter((row: { accountId?: string }) => row.accountId === accountId).count();
    if (n > 0) counts[table.name] = n;
  }
  return counts;
}

describe('a mailbox that moved', () => {
  it('is a new IMAP host (in any letter case) or username, or another protocol; never a POP3 server change', () => {
    assert.equal(mailboxMoved(imap, { ...imap, port: 143, security: 'starttls' }), false);
    assert.equal(mailboxMoved(imap, { ...imap, host: 'IMAP.example.test' }), false);
    assert.equal(mailboxMoved(imap, { ...imap, host: 'mail.example.test' }), true);
    assert.equal(mailboxMoved(imap, { ...imap, username: 'ann@example.test' }), true);
    assert.equal(mailboxMoved(imap, { ...pop3 }), true);
    assert.equal(mailboxMoved(pop3, { ...pop3, host: 'pop2.example.test', username: 'other' }), false);
    // The engine refuses a protocol change; were one reported anyway, POP3 mail that exists only here would stay.
    assert.equal(mailboxMoved(pop3, { ...imap }), false);
  });

  it("drops the old mailbox's copy and keeps drafts and the outbox; other accounts keep everything", async () => {
    const db = new HeronDb(`heron-moved-${randomUUID()}`, { indexedDB, IDBKeyRange });
    await putAccounts(db, [summary('a1', imap), summary('a2', imap)]);
    await fill(db, 'a1');
    await fill(db, 'a2');
    const full = await rowsOf(db, 'a2');
    assert.ok(full.messages && full.folders && full.syncCursors && full.pendingChanges && full.threads && full.searchTerms, JSON.stringify(full));

    await putAccounts(db, [summary('a1', { ...imap, host: 'mail.example.test' }), summary('a2', imap)]);
    assert.deepEqual(await rowsOf(db, 'a1'), { drafts: 1, outbox: 1 });
    assert.deepEqual(await rowsOf(db, 'a2'), full);
    assert.equal((await db.accounts.get('a1'))?.incoming.host, 'mail.example.test');
    db.close();
  });

  it('keeps everything when only the port and security changed, and for a POP3 account on a new server', async () => {
    const db = new HeronDb(`heron-moved-${randomUUID()}`, { indexedDB, IDBKeyRange });
    await putAccounts(db, [summary('a1', imap), summary('p1', pop3)]);
    await fill(db, 'a1');
    await fill(db, 'p1', true);
    const before = { a1: await rowsOf(db, 'a1'), p1: await rowsOf(db, 'p1') };
    assert.ok(before.p1.sources && before.p1.popMessages && before.p1.uidCounters, JSON.stringify(before.p1));
    await putAccounts(db, [summary('a1', { ...imap, port: 143, security: 'starttls' }), summary('p1', { ...pop3, host: 'pop2.example.test' })]);
    assert.deepEqual({ a1: await rowsOf(db, 'a1'), p1: await rowsOf(db, 'p1') }, before);
    db.close();
  });
});

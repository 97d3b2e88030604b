// What the engine reads and reserves in the store for a POP3 account: records, sources, local UIDs; the renderer API
// serving them; and the account's summary and removal.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import { DEFAULT_POP3_OPTIONS, type AccountSummary } from '../../shared/model';
import { putAccounts, toAccountSummary } from '../../src-renderer/store/accounts';
import { HeronDb } from '../../src-renderer/store/db';
import { allocateUids, MAX_LOCAL_UID, messageSourceOf, popMessageOfUid, popMessagesOf } from '../../src-renderer/store/pop3';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { ACCOUNT, imapAccount, openDb, pop3Account, record, rowsOf, seeded } from '../support/pop3-fixtures';
import { rejection } from '../support/store-faults';

describe('local UIDs', () => {
  it('start at 1, come out consecutive, and never repeat, even for callers at the same time', async () => {
    const db = openDb();
    assert.equal(await allocateUids(db, ACCOUNT, 3), 1);
    assert.equal(await allocateUids(db, ACCOUNT, 1), 4);
    const firsts = await Promise.all([allocateUids(db, ACCOUNT, 5), allocateUids(db, ACCOUNT, 5), allocateUids(db, ACCOUNT, 5)]);
    const given = firsts.flatMap((first) => Array.from({ length: 5 }, (_, i) => first + i));
    assert.equal(new Set(given).size, 15);
    assert.deepEqual([...given].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => 5 + i));
    assert.equal(await allocateUids(db, 'other', 2), 1, 'each account counts on its own');
    db.close();
  });

  it('are committed through the strict connection before the promise resolves, and read back by a new connection', async () => {
    const db = openDb();
    await allocateUids(db, ACCOUNT, 10);
    assert.equal(db.hasStrictConnection(), true);
    db.close();
    const reopened = new HeronDb(db.name, { indexedDB, IDBKeyRange });
    assert.equal(await allocateUids(reopened, ACCOUNT, 1), 11);
    reopened.close();
  });

  it('refuse a count that is not a positive whole number, and a UID past 32 bits', async () => {
    const db = openDb();
    for (const count of [0, -1, 1.5, Number.NaN]) {
      const error = await rejection(allocateUids(db, ACCOUNT, count));
      assert.ok(error instanceof HeronError && error.code === 'internal', String(count));
    }
    await db.uidCounters.put({ accountId: ACCOUNT, nextUid: MAX_LOCAL_UID });
    assert.equal(await allocateUids(db, ACCOUNT, 1), MAX_LOCAL_UID);
    const full = await rejection(allocateUids(db, ACCOUNT, 1));
    assert.ok(full instanceof HeronError && full.code === 'store-failed', String(full));
    db.close();
  });
});

describe('records and sources', () => {
  it('list one account’s records, find one by its local UID, and read a source where the message is', async () => {
    const db = await seeded(2);
    await db.popMessages.put(record(9, { accountId: 'q1' }));
    assert.deepEqual((await popMessagesOf(db, ACCOUNT)).map((m) => m.uid), [1, 2]);
    assert.equal((await popMessageOfUid(db, ACCOUNT, 2))?.uidl, 'uidl-2');
    assert.equal(await popMessageOfUid(db, ACCOUNT, 3), undefined);
    assert.equal(Buffer.from((await messageSourceOf(db, ACCOUNT, 'INBOX', 2)) ?? '', 'base64').toString(), 'Subject: Message 2\r\n\r\nBody\r\n');
    assert.equal(await messageSourceOf(db, ACCOUNT, 'Sent', 2), null);
    db.close();
  });

  it('are served to the engine through the renderer API', async () => {
    const db = await seeded(1);
    const api = createStoreRendererApi(db, () => undefined);
    assert.deepEqual(await api.popMessages(ACCOUNT), [record(1)]);
    assert.equal(await api.allocateUids(ACCOUNT, 2), 1);
    assert.equal(await api.allocateUids(ACCOUNT, 1), 3);
    assert.ok(await api.messageSource(ACCOUNT, 'INBOX', 1));
    assert.equal(await api.messageSource(ACCOUNT, 'INBOX', 42), null);
    db.close();
  });
});

describe('a POP3 account summary', () => {
  it('keeps its POP3 options field by field, and an IMAP account has none', () => {
    const leaky = { ...pop3Account(), pop3: { ...DEFAULT_POP3_OPTIONS, maxMessageBytes: 5_000_000, password: 'hunter2' } } as AccountSummary;
    assert.deepEqual(toAccountSummary(leaky).pop3, { ...DEFAULT_POP3_OPTIONS, maxMessageBytes: 5_000_000 });
    assert.equal(toAccountSummary({ ...imapAccount('a1'), pop3: DEFAULT_POP3_OPTIONS }).pop3, null);
  });

  it('leaving the engine’s list takes its records, sources and UID counter with its mail', async () => {
    const db = await seeded(2);
    await allocateUids(db, ACCOUNT, 1);
    const full = await rowsOf(db);
    assert.ok(full.popMessages && full.sources && full.uidCounters && full.messages, JSON.stringify(full));
    await putAccounts(db, [imapAccount('a2')]);
    assert.deepEqual(await rowsOf(db), {});
    db.close();
  });
});

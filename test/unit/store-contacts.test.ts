// Address suggestions: contacts tallied from new mail (not from re-sent mail) and from sent mail, the prefix query, and their life with the account.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import type { AccountSummary, Address, IncomingSettings, MessageHeader } from '../../shared/model';
import { putAccounts } from '../../src-renderer/store/accounts';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { suggestAddresses } from '../../src-renderer/store/contacts';
import { HeronDb } from '../../src-renderer/store/db';
import { queueOutgoing } from '../../src-renderer/store/outbox';

type Arriving = Omit<MessageHeader, 'threadId'>;
const BASE_DATE = Date.UTC(2025, 0, 1);
const ann: Address = { name: 'Ann Lee', address: 'ann.lee+news@example.test' };
const me: Address = { name: '', address: 'me@maillab.test' };

const openDb = (name = `heron-contacts-${randomUUID()}`) => new HeronDb(name, { indexedDB, IDBKeyRange });

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: BASE_DATE + uid * 60_000,
    subject: `Message ${uid}`,
    from: [ann],
    to: [me],
    cc: [],
    messageId: `<m${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    flags: [],
    unread: 1,
    flagged: 0,
    size: 1200,
    hasAttachments: false,
    preview: '',
    ...over,
  };
}

async function receive(db: HeronDb, messages: Arriving[], accountId = 'a1'): Promise<void> {
  await applyBatch(db, { accountId, folderPath: 'INBOX', upsertMessages: messages.map((m) => ({ ...m, accountId })) });
}

async function contact(db: HeronDb, address: string, accountId = 'a1') {
  return db.contacts.get([accountId, address.toLowerCase()]);
}

const addressesOf = (found: Address[]): string[] => found.map((a) => a.address);

describe('contacts from synced mail', () => {
  it('counts From, To and Cc once per new message, keeps the newest date and the newest non-empty name', async () => {
    const db = openDb();
    await receive(db, [
      header(1, { cc: [{ name: 'Ann (work)', address: 'ANN.LEE+news@example.test' }] }),
      header(2, { from: [{ name: '', address: ann.address }] }),
      header(3, { from: [{ name: 'Bob', address: 'bob@example.test' }], to: [me, { name: 'Annie', address: 'ann.LEE+news@example.test' }] }),
      // Later in the batch, but written before the others.
      header(5, { date: BASE_DATE, from: [{ name: 'Ann Old', address: ann.address }], to: [] }),
    ]);
    const row = await contact(db, ann.address);
    assert.equal(row?.score, 4, 'message 1 names Ann twice and counts once');
    assert.equal(row?.lastSeen, BASE_DATE + 3 * 60_000);
    assert.deepEqual([row?.name, row?.address], ['Annie', 'ann.LEE+news@example.test'], 'the newest message gives the name and the spelling');
    assert.deepEqual((await contact(db, me.address))?.score, 3, 'message 5 is not to me');
    assert.deepEqual((await contact(db, 'bob@example.test'))?.score, 1);

    // An older message (backfill runs newest first) adds to the score but neither renames nor makes the contact older.
    await receive(db, [header(4, { date: BASE_DATE, from: [{ name: 'A. Lee', address: 'ANN.LEE+NEWS@EXAMPLE.TEST' }] })]);
    assert.deepEqual(
      await contact(db, ann.address).then((r) => [r?.score, r?.name, r?.lastSeen, r?.address]),
      [5, 'Annie', BASE_DATE + 3 * 60_000, 'ann.LEE+news@example.test'],
    );
    // A newer message without a name keeps the one known, and gives its spelling of the address.
    await receive(db, [header(9, { from: [{ name: '', address: 'Ann.Lee+news@example.test' }] })]);
    assert.deepEqual(await contact(db, ann.address).then((r) => [r?.score, r?.name, r?.address]), [6, 'Annie', 'Ann.Lee+news@example.test']);
  });

  it('a message re-sent by a later batch (same UID) or changing flags does not count again', async () => {
    const db = openDb();
    await receive(db, [header(1), header(2)]);
    await receive(db, [header(1), header(2, { flags: ['\\Seen'], unread: 0 })]);
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', flagChanges: [{ uid: 1, flags: ['\\Flagged'] }] });
    assert.equal((await contact(db, ann.address))?.score, 2);
    await receive(db, [header(3), header(1)]);
    assert.equal((await contact(db, ann.address))?.score, 3, 'only the new message counts');
  });

  it('leaves out what is not an address one could send to', async () => {
    const db = openDb();
    await receive(db, [header(1, { to: [{ name: 'undisclosed-recipients', address: '' }, { name: '', address: 'not an address' }] })]);
    assert.deepEqual((await db.contacts.toArray()).map((c) => c.key), [ann.address]);
  });
});

describe('contacts from sent mail', () => {
  it('queueOutgoing adds 5 to each recipient once, in To, Cc and Bcc, with the name the person used', async () => {
    const db = openDb();
    await receive(db, [header(1)]);
    await queueOutgoing(
      db,
      {
        accountId: 'a1',
        from: me,
        to: [{ name: 'Ann', address: ann.address }],
        cc: [{ name: '', address: 'carol@example.test' }, { name: '', address: ann.address }],
        bcc: [{ name: 'Dan', address: 'dan@example.test' }],
        subject: 'Hi',
        text: 'Hi',
        html: null,
        inReplyTo: null,
        references: [],
        attachments: [],
        draftId: null,
      },
      BASE_DATE + 3_600_000,
    );
    assert.deepEqual(
      await contact(db, ann.address).then((r) => [r?.score, r?.name, r?.lastSeen]),
      [6, 'Ann', BASE_DATE + 3_600_000],
    );
    assert.equal((await contact(db, 'carol@example.test'))?.score, 5);
    assert.equal((await contact(db, 'dan@example.test'))?.score, 5);
    assert.equal(await contact(db, me.address).then((r) => r?.score), 1, 'the sender is not a recipient');
    // People one writes to rank above people who only wrote more often.
    await receive(db, [2, 3, 4].map((uid) => header(uid, { from: [{ name: 'Cathy', address: 'cathy@example.test' }] })));
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'ca')), ['carol@example.test', 'cathy@example.test']);
  });
});

describe('suggestAddresses', () => {
  async function seeded(): Promise<HeronDb> {
    const db = openDb();
    await receive(db, [
      header(1),
      header(2),
      header(3, { from: [{ name: 'Anna Other', address: 'anna@other.test' }] }),
      header(4, { from: [{ name: 'José Ramos', address: 'jr@mail-server.test' }] }),
    ]);
    return db;
  }

  it('matches a prefix of the name, the whole address, the local part, its pieces and the domain', async () => {
    const db = await seeded();
    for (const typed of ['lee', 'ann.l', 'ann.lee+news@ex', 'news', 'example.t', 'LEE']) {
      assert.deepEqual(await suggestAddresses(db, typed), [ann], typed);
    }
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'ann')), [ann.address, 'anna@other.test'], 'the higher score first');
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'jose')), ['jr@mail-server.test'], 'accents fold away');
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'mail-')), ['jr@mail-server.test'], 'the domain is one word');
    assert.deepEqual(await suggestAddresses(db, 'nobody'), []);
  });

  it('every typed word must begin a word of the contact; quotes and angle brackets do not count', async () => {
    const db = await seeded();
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'ann le')), [ann.address]);
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'oth ann')), ['anna@other.test']);
    assert.deepEqual(addressesOf(await suggestAddresses(db, '"Ann Lee" <ann.lee')), [ann.address]);
    assert.deepEqual(await suggestAddresses(db, 'ann zed'), []);
  });

  it('ranks a contact by its score however many of its words the typed prefix begins', async () => {
    const db = openDb();
    const anne = { name: 'Anne', address: 'anne@example.test' };
    await receive(db, [header(1, { from: [{ name: 'Ann Annett', address: 'ann.annett@annex.test' }] }), header(2, { from: [anne] }), header(3, { from: [anne] })]);
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'ann')), ['anne@example.test', 'ann.annett@annex.test']);
  });

  it('returns nothing for empty text and never more than the limit', async () => {
    const db = openDb();
    await receive(db, Array.from({ length: 12 }, (_, i) => header(i + 1, { from: [{ name: `Sam ${i}`, address: `sam${i}@example.test` }] })));
    assert.deepEqual(await suggestAddresses(db, '   '), []);
    assert.deepEqual(await suggestAddresses(db, '""'), []);
    assert.equal((await suggestAddresses(db, 'sam')).length, 8, 'the default limit');
    assert.equal((await suggestAddresses(db, 'sam', 3)).length, 3);
    assert.deepEqual(await suggestAddresses(db, 'sam', 0), []);
    // Equal scores: the most recently seen first.
    assert.deepEqual(addressesOf(await suggestAddresses(db, 'sam', 2)), ['sam11@example.test', 'sam10@example.test']);
  });

  it('one suggestion for an address known to several accounts, with their scores summed', async () => {
    const db = openDb();
    const rita = { name: '', address: 'rita@example.test' };
    const rob = { name: 'Rob', address: 'rob@example.test' };
    await receive(db, [header(5, { from: [rita] }), header(2, { from: [rob] }), header(3, { from: [rob] })], 'a1');
    await receive(db, [header(1, { from: [{ name: 'Rita', address: 'Rita@Example.test' }] }), header(2, { from: [{ name: 'Rita', address: 'rita@example.test' }] })], 'a2');
    // The newest sighting (a1's, without a name) gives the spelling; a2 gives the name.
    assert.deepEqual(await suggestAddresses(db, 'r'), [{ name: 'Rita', address: 'rita@example.test' }, rob]);
  });

  it('a store failure is a HeronError', async () => {
    const db = await seeded();
    db.close({ disableAutoOpen: true });
    await assert.rejects(suggestAddresses(db, 'ann'), (e: unknown) => e instanceof HeronError && e.code === 'store-failed');
  });
});

describe('contacts and the account', () => {
  const imap: IncomingSettings = { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' };
  const summary = (id: string, incoming: IncomingSettings): AccountSummary => ({
    id, name: id, email: `${id}@example.test`, incoming, outgoing: null, pinnedFingerprint256: null, passwordStorage: 'memory', keepBodiesDays: null, pop3: null, createdAt: 1,
  });

  it('stay when the mailbox moved and go with a removed account', async () => {
    const db = openDb();
    await putAccounts(db, [summary('a1', imap), summary('a2', imap)]);
    await receive(db, [header(1)], 'a1');
    await receive(db, [header(1)], 'a2');
    await putAccounts(db, [summary('a1', { ...imap, host: 'mail.example.test' }), summary('a2', imap)]);
    assert.equal(await db.messages.where('[accountId+folderPath+uid]').between(['a1'], ['a1', []]).count(), 0, 'the old mailbox copy is gone');
    assert.equal((await contact(db, ann.address, 'a1'))?.score, 1);
    await putAccounts(db, [summary('a2', imap)]);
    assert.deepEqual((await db.contacts.toArray()).map((c) => c.accountId), ['a2', 'a2']);
  });
});

// Local search over fake-indexeddb: prefixes, AND of words, scopes, body words, the v3 upgrade, coverage, and 100,000 rows (timings printed, never asserted).

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { Dexie } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { Folder, MessageBody, MessageHeader, SyncBatch } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { putBodies } from '../../src-renderer/store/bodies';
import { HeronDb } from '../../src-renderer/store/db';
import { queueChange } from '../../src-renderer/store/pending-changes';
import { putAccounts } from '../../src-renderer/store/queries';
import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, declareSchema } from '../../src-renderer/store/schema';
import { withHeaderWords } from '../../src-renderer/store/search-words';
import { searchCoverage, searchMessages, type SearchOptions } from '../../src-renderer/store/search';

type Arriving = Omit<MessageHeader, 'threadId'>;
const DAY = 86_400_000;
const BASE_DATE = Date.UTC(2025, 0, 1);

const openDb = (name = `heron-search-${randomUUID()}`): HeronDb => new HeronDb(name, { indexedDB, IDBKeyRange });

function folder(path: string, accountId = 'a1'): Folder {
  return { accountId, path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0 };
}

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: BASE_DATE + uid * DAY,
    subject: `Message ${uid}`,
    from: [{ name: 'Ann Lee', address: 'ann@example.test' }],
    to: [{ name: '', address: 'me@example.test' }],
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

function body(uid: number, text: string, over: Partial<MessageBody> = {}): MessageBody {
  return { accountId: 'a1', folderPath: 'INBOX', uid, text, html: null, attachments: [], inlineParts: {}, parseError: null, size: text.length, fetchedAt: BASE_DATE, ...over };
}

async function put(db: HeronDb, messages: Arriving[], over: Partial<SyncBatch> = {}): Promise<void> {
  const first = messages[0];
  const accountId = first?.accountId ?? 'a1';
  const folderPath = first?.folderPath ?? 'INBOX';
  await applyBatch(db, { accountId, folders: [folder(folderPath, accountId)], folderPath, upsertMessages: messages, ...over });
}

async function uidsOf(db: HeronDb, options: SearchOptions): Promise<number[]> {
  return (await searchMessages(db, options)).hits.map((h) => h.uid);
}

describe('searchMessages', () => {
  it('matches the start of any word of subject, names and addresses, newest first', async () => {
    const db = openDb();
    await put(db, [
      header(1, { subject: 'Quarterly meeting notes' }),
      header(2, { subject: 'Lunch?', from: [{ name: 'Björn Meeter', address: 'bjorn@north.test' }] }),
      header(3, { subject: 'Herzliche Grüße', cc: [{ name: '', address: 'team@lists.heron.test' }] }),
      header(4, { subject: 'Unrelated' }),
    ]);
    assert.deepEqual(await uidsOf(db, { text: 'meet' }), [2, 1]);
    assert.deepEqual(await uidsOf(db, { text: 'BJORN' }), [2]);
    assert.deepEqual(await uidsOf(db, { text: 'grusse' }), [3]);
    assert.deepEqual(await uidsOf(db, { text: 'team@lists' }), [3]);
    assert.deepEqual(await uidsOf(db, { text: '@north.test' }), [2]);
    assert.deepEqual(await uidsOf(db, { text: 'nothing-like-this' }), []);
    assert.deepEqual(await uidsOf(db, { text: ' a ' }), [], 'no word of two letters: nothing, rather than everything');
    db.close();
  });

  it('requires every word (AND), in any order and any field', async () => {
    const db = openDb();
    await put(db, [
      header(1, { subject: 'Budget review', from: [{ name: 'Ann', address: 'ann@example.test' }] }),
      header(2, { subject: 'Budget draft', from: [{ name: 'Bob', address: 'bob@example.test' }] }),
      header(3, { subject: 'Review of the draft', from: [{ name: 'Ann', address: 'ann@example.test' }] }),
    ]);
    assert.deepEqual(await uidsOf(db, { text: 'budget ann' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'ann budget' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'rev dra' }), [3]);
    assert.deepEqual(await uidsOf(db, { text: 'budget bob review' }), []);
    db.close();
  });

  it('searches one folder, one account, or everything', async () => {
    const db = openDb();
    await put(db, [header(1, { subject: 'Invoice March' }), header(2, { subject: 'Invoice April' })]);
    await put(db, [header(1, { folderPath: 'Archive', subject: 'Invoice 2019', date: BASE_DATE - 365 * DAY })]);
    await put(db, [header(7, { accountId: 'a2', subject: 'Invoice other account' })]);
    assert.deepEqual(await uidsOf(db, { text: 'invoice', accountId: 'a1', folderPath: 'INBOX' }), [2, 1]);
    assert.deepEqual(await uidsOf(db, { text: 'invoice', accountId: 'a1', folderPath: 'Archive' }), [1]);
    const account = (await searchMessages(db, { text: 'invoice', accountId: 'a1' })).hits.map((h) => `${h.folderPath}/${h.uid}`);
    assert.deepEqual(account, ['INBOX/2', 'INBOX/1', 'Archive/1']);
    assert.equal((await searchMessages(db, { text: 'invoice' })).total, 4);
    db.close();
  });

  it('finds body words once the body is cached, keeps them through a header re-sync, and replaces them with a new body', async () => {
    const db = openDb();
    await put(db, [header(1, { subject: 'Hello' }), header(2, { subject: 'Other' })]);
    assert.deepEqual(await uidsOf(db, { text: 'pineapple' }), []);
    await putBodies(db, [body(1, 'We will bring the pineapple upside-down cake.')]);
    assert.deepEqual(await uidsOf(db, { text: 'pineapple cake' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'hello pine' }), [1], 'header and body words together');

    // The server re-sends the header (flags, or a resync): the body is not re-sent, its words stay.
    await put(db, [header(1, { subject: 'Hello again', flags: ['\\Seen'] })]);
    assert.deepEqual(await uidsOf(db, { text: 'pineapple again' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'hello' }), [1]);
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', flagChanges: [{ uid: 1, flags: ['\\Flagged'] }] });
    await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [1], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
    assert.deepEqual(await uidsOf(db, { text: 'pineapple' }), [1], 'flag edits keep the words');

    await putBodies(db, [body(1, 'Now it is a lemon tart.')]);
    assert.deepEqual(await uidsOf(db, { text: 'pineapple' }), []);
    assert.deepEqual(await uidsOf(db, { text: 'lemon' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'again' }), [1], 'header words survive a new body');

    const hit = (await searchMessages(db, { text: 'lemon' })).hits[0] as MessageHeader & { words?: unknown };
    assert.equal(hit.words, undefined, 'hits carry no search tokens');
    assert.equal(hit.preview, 'Now it is a lemon tart.');
    db.close();
  });

  it('matches two-letter words whole, and longer ones as prefixes', async () => {
    const db = openDb();
    await put(db, [header(1, { subject: 'Re: ok' }), header(2, { subject: 'Red okapi' })]);
    assert.deepEqual(await uidsOf(db, { text: 're' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'ok' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'oka' }), [2]);
    db.close();
  });

  it('forgets removed, moved and expunged messages, dropped folders and removed accounts, leaving no term behind', async () => {
    const db = openDb();
    await put(db, [header(1, { subject: 'Ticket alpha' }), header(2, { subject: 'Ticket beta' }), header(3, { subject: 'Ticket gamma' })]);
    await putBodies(db, [body(2, 'The beta body mentions zebras.')]);
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [1] });
    assert.deepEqual(await uidsOf(db, { text: 'ticket' }), [3, 2]);
    await queueChange(db, { accountId: 'a1', folderPath: 'INBOX', uids: [2], change: { kind: 'move', toFolder: 'Archive' } });
    assert.deepEqual(await uidsOf(db, { text: 'ticket' }), [3]);
    assert.deepEqual(await uidsOf(db, { text: 'zebras' }), []);
    const words = new Set((await db.searchTerms.toArray()).map((row) => row.word));
    for (const gone of ['alpha', 'beta', 'zebras']) assert.ok(!words.has(gone), `no term left for ${gone}`);

    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', resetFolder: true, upsertMessages: [header(5, { subject: 'Fresh' })] });
    assert.deepEqual(await uidsOf(db, { text: 'ticket' }), []);
    assert.deepEqual(await uidsOf(db, { text: 'fresh' }), [5]);
    await applyBatch(db, { accountId: 'a1', folders: [], foldersComplete: true });
    assert.equal(await db.searchTerms.count(), 0, 'a folder gone from the server takes its terms');

    await put(db, [header(9, { subject: 'Kept' })]);
    await put(db, [header(9, { accountId: 'a2', subject: 'Gone with its account' })]);
    const account = (id: string) => ({ id, name: id, email: `${id}@example.test`, incoming: { protocol: 'imap' as const, host: 'h', port: 993, security: 'tls' as const, username: id }, outgoing: null, pinnedFingerprint256: null, passwordStorage: 'memory' as const, keepBodiesDays: null, pop3: null, createdAt: 0 });
    await putAccounts(db, [account('a1'), account('a2')]);
    await putAccounts(db, [account('a1')]);
    assert.deepEqual((await db.searchTerms.toArray()).filter((row) => row.accountId === 'a2'), []);
    assert.deepEqual(await uidsOf(db, { text: 'kept' }), [9]);
    db.close();
  });

  it('returns the newest `limit` hits and counts them all, whichever way it ranks them', async () => {
    const db = openDb();
    // 3,000 matches: more than are checked row by row, so the date index ranks them. Dates run against UIDs.
    const many = Array.from({ length: 3_000 }, (_, i) => header(i + 1, { subject: `Report ${i + 1}`, date: BASE_DATE + (3_000 - i) * 60_000 }));
    await put(db, many);
    await put(db, [header(1, { folderPath: 'Archive', subject: 'Report archived', date: BASE_DATE + 10 * DAY })]);
    const inbox = await searchMessages(db, { text: 'report', accountId: 'a1', folderPath: 'INBOX', limit: 5 });
    assert.equal(inbox.total, 3_000);
    assert.deepEqual(inbox.hits.map((h) => h.uid), [1, 2, 3, 4, 5]);
    const all = await searchMessages(db, { text: 'report', accountId: 'a1', limit: 3 });
    assert.equal(all.total, 3_001);
    assert.deepEqual(all.hits.map((h) => `${h.folderPath}/${h.uid}`), ['Archive/1', 'INBOX/1', 'INBOX/2']);
    // Two common words: intersected by keys, then ranked.
    const both = await searchMessages(db, { text: 'report ann', accountId: 'a1', folderPath: 'INBOX', limit: 2 });
    assert.equal(both.total, 3_000);
    assert.deepEqual(both.hits.map((h) => h.uid), [1, 2]);
    db.close();
  });
});

describe('search coverage', () => {
  it('counts the headers in scope and says since when every message has its body cached', async () => {
    const db = openDb();
    await put(db, [1, 2, 3, 4, 5].map((uid) => header(uid)));
    await put(db, [header(1, { folderPath: 'Sent', date: BASE_DATE + 3.5 * DAY })]);
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1', folderPath: 'INBOX' }), { headers: 5, bodiesCachedSince: null });

    // The newest two of INBOX, and an old one opened by hand (it does not extend the run).
    await putBodies(db, [body(5, 'five'), body(4, 'four'), body(1, 'one')]);
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1', folderPath: 'INBOX' }), { headers: 5, bodiesCachedSince: BASE_DATE + 4 * DAY });
    // Sent's only message (day 3.5) has no body: across folders, only messages after it are covered.
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1' }), { headers: 6, bodiesCachedSince: BASE_DATE + 4 * DAY });
    await putBodies(db, [body(3, 'three')]);
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1', folderPath: 'INBOX' }), { headers: 5, bodiesCachedSince: BASE_DATE + 3 * DAY });
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1' }), { headers: 6, bodiesCachedSince: BASE_DATE + 4 * DAY });
    await putBodies(db, [body(1, 'sent', { folderPath: 'Sent' }), body(2, 'two')]);
    assert.deepEqual(await searchCoverage(db, {}), { headers: 6, bodiesCachedSince: BASE_DATE + 1 * DAY });

    const result = await searchMessages(db, { text: 'three', accountId: 'a1', folderPath: 'INBOX' });
    assert.deepEqual(result.coverage, { headers: 5, bodiesCachedSince: BASE_DATE + 1 * DAY });
    assert.deepEqual(await searchCoverage(db, { accountId: 'nobody' }), { headers: 0, bodiesCachedSince: null });
    db.close();
  });
});

describe('schema version 3', () => {
  it('fills words for messages and cached bodies a version-2 store already held', async () => {
    const name = `heron-search-v2-${randomUUID()}`;
    const v2 = new Dexie(name, { indexedDB, IDBKeyRange });
    declareSchema(v2, SCHEMA_HISTORY.filter((entry) => entry.version <= 2));
    await v2.open();
    await v2.table('messages').bulkPut([
      { ...header(1, { subject: 'Old invoice' }), threadId: 't1' },
      { ...header(2, { subject: 'Trip to Zürich' }), threadId: 't2' },
    ]);
    await v2.table('folders').put({ ...folder('INBOX'), total: 2 });
    const { attachments: _attachments, ...bodyRow } = body(2, 'Bring the passport.');
    await v2.table('bodies').put(bodyRow);
    v2.close();

    const db = openDb(name);
    await db.open();
    assert.equal(db.verno, LATEST_SCHEMA_VERSION);
    assert.deepEqual(await uidsOf(db, { text: 'invoice' }), [1]);
    assert.deepEqual(await uidsOf(db, { text: 'zurich passport' }), [2]);
    const row = await db.messages.get(['a1', 'INBOX', 2]);
    assert.ok(row?.bodyIndexedAt !== undefined && row.headerWords !== undefined);
    assert.deepEqual(await searchCoverage(db, { accountId: 'a1', folderPath: 'INBOX' }), { headers: 2, bodiesCachedSince: BASE_DATE + 2 * DAY });
    db.close();
  });
});

describe('schema version 4', () => {
  it('rebuilds the search terms in the new segments, drops three message indexes and marks synced folders as counted by the store', async () => {
    const name = `heron-search-v3-${randomUUID()}`;
    const v3 = new Dexie(name, { indexedDB, IDBKeyRange });
    declareSchema(v3, SCHEMA_HISTORY.filter((entry) => entry.version <= 3));
    await v3.open();
    const rows = [
      withHeaderWords({ ...header(3, { subject: 'Invoice for March' }), threadId: 't3' }, null),
      withHeaderWords({ ...header(20_000, { subject: 'Invoice for April' }), threadId: 't4' }, null),
    ];
    await v3.table('messages').bulkPut(rows);
    // What version 3 wrote: one segment for UIDs 0..65,535.
    await v3.table('searchTerms').put({ accountId: 'a1', folderPath: 'INBOX', word: 'invoice', seg: 0, uids: Uint32Array.from([3, 20_000]), dates: Float64Array.from([rows[0]?.date ?? 0, rows[1]?.date ?? 0]) });
    await v3.table('folders').bulkPut([{ ...folder('INBOX'), total: 2, unread: 2 }, { ...folder('Sent'), total: 9, unread: 0 }]);
    await v3.table('syncCursors').put({ accountId: 'a1', folderPath: 'INBOX', uidValidity: 1, uidNext: 20_001, highestModseq: null, backfillBelowUid: null, updatedAt: BASE_DATE });
    v3.close();

    const db = openDb(name);
    await db.open();
    assert.equal(db.verno, LATEST_SCHEMA_VERSION);
    assert.deepEqual(db.messages.schema.indexes.map((index) => index.name).sort(), ['[accountId+folderPath+date]', '[accountId+threadId]']);
    assert.deepEqual(await uidsOf(db, { text: 'invoice' }), [20_000, 3]);
    const invoiceRows = await db.searchTerms.where('[accountId+folderPath+word+seg]').between(['a1', 'INBOX', 'invoice', 0], ['a1', 'INBOX', 'invoice', Infinity]).toArray();
    assert.deepEqual(invoiceRows.map((row) => [row.seg, [...row.uids]]), [[0, [3]], [1, [20_000]]]);
    const [inbox, sent] = await db.folders.bulkGet([['a1', 'INBOX'], ['a1', 'Sent']]);
    assert.deepEqual([inbox?.storeCounted, sent?.storeCounted], [true, undefined]);

    // The synced folder's counts now move by deltas; the other keeps the server's figures until its first write.
    await put(db, [header(20_001)]);
    assert.deepEqual([(await db.folders.get(['a1', 'INBOX']))?.total, (await db.folders.get(['a1', 'Sent']))?.total], [3, 9]);
    db.close();
  });
});

describe('100,000 messages', () => {
  const TOTAL = 100_000;
  const SUBJECT_WORDS = ['invoice', 'meeting', 'report', 'travel', 'budget', 'review', 'holiday', 'project', 'update', 'contract', 'schedule', 'design', 'release', 'notes', 'question'];
  const PEOPLE = ['Ann Lee', 'Bob Stone', 'Carla Diaz', 'Dmitri Petrov', 'Eve Adams', 'Farid Khan', 'Grace Wu', 'Hanna Berg'];
  const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

  it('answers prefix queries over 100,000 headers (timings printed, not asserted: fake-indexeddb is far slower than Chromium)', async () => {
    const db = openDb();
    let start = performance.now();
    for (let from = 1; from <= TOTAL; from += 5_000) {
      const batch = Array.from({ length: 5_000 }, (_, i) => {
        const uid = from + i;
        const person = pick(PEOPLE, uid * 7);
        return header(uid, {
          date: BASE_DATE + uid * 60_000,
          subject: `${pick(SUBJECT_WORDS, uid)} ${pick(SUBJECT_WORDS, uid * 13 + 5)} #${uid}`,
          from: [{ name: person, address: `${person.split(' ')[0]?.toLowerCase()}@corp${uid % 40}.test` }],
        });
      });
      await put(db, batch);
    }
    console.log(`# applied 100,000 headers with words in ${(performance.now() - start).toFixed(0)} ms`);
    start = performance.now();
    await putBodies(db, Array.from({ length: 2_000 }, (_, i) => body(TOTAL - i, `Body ${i}: the quarterly ${pick(SUBJECT_WORDS, i)} needs a signature from legal by friday.`)));
    console.log(`# put 2,000 bodies with words in ${(performance.now() - start).toFixed(0)} ms`);

    const queries = ['invoice', 'meet', 'report budget', 'ann', 'grace wu', 'corp17', 'signature', 'quarterly friday', '#99999', 'zzz', 'holiday travel carla', 're'];
    const times: number[] = [];
    for (const text of queries) {
      const t0 = performance.now();
      const result = await searchMessages(db, { text, accountId: 'a1', folderPath: 'INBOX' });
      const ms = performance.now() - t0;
      times.push(ms);
      console.log(`# ${JSON.stringify(text).padEnd(24)} ${String(result.total).padStart(6)} hits in ${ms.toFixed(1)} ms`);
      assert.ok(result.hits.length <= 200);
      for (let i = 1; i < result.hits.length; i++) assert.ok((result.hits[i - 1] as MessageHeader).date >= (result.hits[i] as MessageHeader).date);
    }
    const invoice = await searchMessages(db, { text: 'invoice', accountId: 'a1', folderPath: 'INBOX', limit: 1 });
    const hasInvoice = (uid: number): boolean => uid % SUBJECT_WORDS.length === 0 || (uid * 13 + 5) % SUBJECT_WORDS.length === 0;
    const newestInvoice = Array.from({ length: TOTAL }, (_, i) => TOTAL - i).find(hasInvoice);
    assert.equal(invoice.hits[0]?.uid, newestInvoice, 'the newest invoice (dates follow UIDs here)');
    assert.deepEqual((await searchMessages(db, { text: '#99999' })).hits.map((h) => h.uid), [99_999]);
    assert.equal((await searchMessages(db, { text: 'signature' })).total, 2_000);
    assert.deepEqual(invoice.coverage, { headers: TOTAL, bodiesCachedSince: BASE_DATE + (TOTAL - 1_999) * 60_000 });
    times.sort((a, b) => a - b);
    console.log(`# fake-indexeddb, 100,000 rows: median ${times[Math.floor(times.length / 2)]?.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
    db.close();
  });
});

// The search box's logic without a browser: what the results say, and "Search on server" fetching only the hits the store lacks.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { EngineApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { MessageHeader } from '../../shared/model';
import { coverageText, hitName, totalText } from '../../src-renderer/features/search/search-view';
import { searchOnServer, SERVER_HITS_SHOWN } from '../../src-renderer/features/search/server-search';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';

type Arriving = Omit<MessageHeader, 'threadId'>;

function header(uid: number, over: Partial<Arriving> = {}): Arriving {
  return {
    accountId: 'a1', folderPath: 'INBOX', uid, date: Date.UTC(2024, 0, 1) + uid * 60_000, subject: `Message ${uid}`,
    from: [{ name: 'Ann Lee', address: 'ann@example.test' }], to: [], cc: [], messageId: null, inReplyTo: null, references: [],
    flags: [], unread: 1, flagged: 0, size: 100, hasAttachments: false, preview: '', ...over,
  };
}

/** An engine whose server holds `onServer` (by UID) and which stores fetched headers through applyBatch, as the real one does. */
function serverEngine(db: HeronDb, onServer: number[], calls: string[], options: { changedOnce?: boolean } = {}): EngineApi {
  let changed = options.changedOnce === true;
  // Only what searchOnServer uses; anything else would fail loudly as undefined.
  const engine: Partial<EngineApi> = {
    searchServer: async (_accountId, _folderPath, text) => {
      calls.push(`search ${text}`);
      return { uids: onServer };
    },
    fetchHeaders: async (accountId, folderPath, uids) => {
      calls.push(`fetch ${uids.join(',')}`);
      if (changed) throw new HeronError('not-found', 'This folder changed on the server.');
      await applyBatch(db, { accountId, folderPath, upsertMessages: uids.map((uid) => header(uid, { subject: `Server ${uid}` })) });
    },
    openFolder: async () => {
      calls.push('open');
      changed = false;
    },
  };
  return engine as EngineApi;
}

describe('search result texts', () => {
  it('say what was searched: headers, and bodies since when', () => {
    assert.equal(coverageText({ headers: 1, bodiesCachedSince: null }), 'Searched 1 message header (headers only: no message bodies are cached)');
    const since = Date.UTC(2025, 4, 3, 12);
    const text = coverageText({ headers: 100_000, bodiesCachedSince: since });
    assert.match(text, /^Searched 100.000 message headers; bodies of messages cached since /);
    assert.ok(text.endsWith(new Date(since).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })));
    assert.equal(totalText(0, 0), 'No messages found here.');
    assert.equal(totalText(1, 1), '1 message found.');
    assert.match(totalText(4_321, 200), /^4.321 messages found, the newest 200 shown\.$/);
  });

  it('name a hit by sender and subject, with stand-ins when either is missing', () => {
    assert.equal(hitName({ ...header(1), threadId: 't' }), 'Ann Lee: Message 1');
    assert.equal(hitName({ ...header(1, { from: [{ name: '', address: 'x@example.test' }], subject: '  ' }), threadId: 't' }), 'x@example.test: (no subject)');
    assert.equal(hitName({ ...header(1, { from: [] }), threadId: 't' }), '(no sender): Message 1');
  });
});

describe('searchOnServer', () => {
  it('fetches only the hits the store lacks, the newest first, and lists them newest first', async () => {
    const db = new HeronDb(`search-box-${randomUUID()}`, { indexedDB, IDBKeyRange });
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [header(5), header(9)] });
    const calls: string[] = [];
    const onServer = [2, 5, 7, 9, ...Array.from({ length: SERVER_HITS_SHOWN }, (_, i) => 1_000 + i)];
    const result = await searchOnServer(db, serverEngine(db, onServer, calls), 'a1', 'INBOX', 'quartz');
    assert.equal(result.matched, onServer.length);
    assert.equal(result.hits.length, SERVER_HITS_SHOWN);
    assert.deepEqual(result.hits.slice(0, 2).map((h) => h.uid), [1_000 + SERVER_HITS_SHOWN - 1, 1_000 + SERVER_HITS_SHOWN - 2]);
    assert.equal((result.hits[0] as MessageHeader & { words?: unknown }).words, undefined);
    assert.deepEqual(calls[0], 'search quartz');
    const fetched = (calls[1] ?? '').replace('fetch ', '').split(',').map(Number);
    assert.equal(fetched.length, SERVER_HITS_SHOWN, 'only the newest hits shown are fetched');
    assert.ok(!fetched.includes(5) && !fetched.includes(9));

    const few = await searchOnServer(db, serverEngine(db, [2, 5, 7, 9], calls), 'a1', 'INBOX', 'again');
    assert.deepEqual(few.hits.map((h) => [h.uid, h.subject]), [[9, 'Message 9'], [7, 'Server 7'], [5, 'Message 5'], [2, 'Server 2']]);
    db.close();
  });

  it('syncs the folder once and retries when the server says the folder changed', async () => {
    const db = new HeronDb(`search-box-${randomUUID()}`, { indexedDB, IDBKeyRange });
    const calls: string[] = [];
    const result = await searchOnServer(db, serverEngine(db, [3], calls, { changedOnce: true }), 'a1', 'INBOX', 'x');
    assert.deepEqual(calls, ['search x', 'fetch 3', 'open', 'fetch 3']);
    assert.deepEqual(result.hits.map((h) => h.uid), [3]);
    db.close();
  });
});

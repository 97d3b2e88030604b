// Server search against the lab's Dovecot: UID SEARCH finds words only in an uncached body (also non-ASCII), and
// fetchHeaders stores exactly the asked-for headers without moving the sync cursor; the engine API carries both.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import { HeronError } from '../../shared/errors';
import { createAccountSession, type AccountSession } from '../../src-main/engine/account-session';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { fetchHeadersInto, searchServer, serverTerms } from '../../src-main/imap/server-search';
import { NEWEST_PAGE, syncFolder } from '../../src-main/imap/sync-folder';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { folderUids, getSyncCursor } from '../../src-renderer/store/queries';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { searchMessages } from '../../src-renderer/store/search';
import { startLab, type Lab } from '../lab/lab';

const USER = 'bob';
const ACCOUNT_ID = 'acct-server-search';
/** More than the newest page, so the oldest messages are on the server but not in the store after the first sync. */
const FILLERS = NEWEST_PAGE + 20;

let lab: Lab;
let password: string;
let fingerprint: string;
let session: AccountSession;
/** UID of each special message, by name. */
const uidOf = new Map<string, number>();
let dbSeq = 0;

function rawMessage(n: number, subject: string, body: string, from = `Sender ${n} <sender${n}@example.test>`): Buffer {
  const date = new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toUTCString();
  return Buffer.from(
    [`From: ${from}`, 'To: Bob <bob@maillab.test>', `Subject: ${subject}`, `Date: ${date}`, `Message-ID: <search-${n}@example.test>`, 'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n'),
    'utf8',
  );
}

function record(): AccountRecord {
  return {
    id: ACCOUNT_ID, name: 'Bob', email: 'bob@maillab.test', outgoing: null, createdAt: 0, keepBodiesDays: null,
    incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: USER },
    pinnedCertificate: { fingerprint256: fingerprint, pem: lab.caPem },
  };
}

function openStore() {
  const db = new HeronDb(`imap-server-search-${process.pid}-${++dbSeq}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  return { db, renderer: createStoreRendererApi(db, () => undefined) };
}

before(async () => {
  lab = await startLab();
  const bob = lab.users.find((u) => u.name === USER);
  assert.ok(bob);
  password = bob.password;
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  const client = new ImapFlow({
    host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: USER, pass: password }, tls: { ca: [lab.caPem], servername: lab.servername }, logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // The special messages are the oldest, so the first sync (newest page only) leaves them on the server alone.
    const special: Array<[string, Buffer]> = [
      ['body-word', rawMessage(1, 'Quarterly numbers', 'Please bring the xylophonequartz figures to the meeting.')],
      ['umlaut', rawMessage(2, 'Ferien', 'Viele Grüße vom Zürichsee und bis bald.')],
      ['two-words', rawMessage(3, 'Budget xylophonequartz', 'Nothing else here.', 'Marta Kowalska <marta@example.test>')],
    ];
    for (const [name, raw] of special) {
      const appended = await client.append('INBOX', raw, ['\\Seen']);
      assert.ok(appended && appended.uid, 'UIDPLUS gives the new UID');
      uidOf.set(name, appended.uid);
    }
    for (let n = 10; n < 10 + FILLERS; n++) await client.append('INBOX', rawMessage(n, `Filler ${n}`, `Ordinary text number ${n}.`));
  } finally {
    await client.logout();
  }
  session = createAccountSession(record(), async () => password);
});

after(async () => {
  await session?.close();
  await lab?.stop();
});

describe('server search', () => {
  it('finds a word that is only in a body, every word required, non-ASCII too', async () => {
    assert.deepEqual((await searchServer(session, 'INBOX', 'xylophonequartz')).uids, [uidOf.get('body-word'), uidOf.get('two-words')]);
    assert.deepEqual((await searchServer(session, 'INBOX', 'xylophonequartz figures')).uids, [uidOf.get('body-word')]);
    assert.deepEqual((await searchServer(session, 'INBOX', 'marta xylophonequartz')).uids, [uidOf.get('two-words')]);
    assert.deepEqual((await searchServer(session, 'INBOX', 'Zürichsee')).uids, [uidOf.get('umlaut')]);
    assert.deepEqual((await searchServer(session, 'INBOX', 'nowhere-to-be-found')).uids, []);
    assert.deepEqual((await searchServer(session, 'INBOX', '  ,  ')).uids, []);
    assert.deepEqual(serverTerms('"Quarterly" (numbers), quarterly'), ['Quarterly', 'numbers', 'quarterly']);
  });

  it('says not-found for a folder that does not exist', async () => {
    await assert.rejects(searchServer(session, 'No such folder', 'x'), (error: unknown) => error instanceof HeronError && error.code === 'not-found');
  });
});

describe('fetchHeaders', () => {
  it('stores exactly the asked-for headers and leaves the cursor alone', async () => {
    const { db, renderer } = openStore();
    try {
      await syncFolder({ session, renderer, accountId: ACCOUNT_ID, progress: () => undefined }, 'INBOX', { backfill: false });
      const storedBefore = await folderUids(db, ACCOUNT_ID, 'INBOX');
      const cursorBefore = await getSyncCursor(db, ACCOUNT_ID, 'INBOX');
      assert.equal(storedBefore.length, NEWEST_PAGE);
      assert.ok(cursorBefore?.backfillBelowUid, 'older messages are left for backfill');
      const wanted = uidOf.get('body-word') as number;
      assert.ok(!storedBefore.includes(wanted), 'the body-word message is not in the store yet');
      assert.equal((await searchMessages(db, { text: 'quarterly', accountId: ACCOUNT_ID, folderPath: 'INBOX' })).total, 0);

      const { uids } = await searchServer(session, 'INBOX', 'xylophonequartz figures');
      const missing = uids.filter((uid) => !storedBefore.includes(uid));
      await fetchHeadersInto(session, renderer, ACCOUNT_ID, 'INBOX', missing);

      assert.deepEqual(await folderUids(db, ACCOUNT_ID, 'INBOX'), [wanted, ...storedBefore].sort((a, b) => a - b));
      assert.deepEqual(await getSyncCursor(db, ACCOUNT_ID, 'INBOX'), cursorBefore, 'the cursor did not move');
      const local = await searchMessages(db, { text: 'quarterly', accountId: ACCOUNT_ID, folderPath: 'INBOX' });
      assert.deepEqual(local.hits.map((h) => [h.uid, h.subject, h.from[0]?.address]), [[wanted, 'Quarterly numbers', 'sender1@example.test']]);

      // Backfill later stores the rest; the fetched header is simply stored again.
      await syncFolder({ session, renderer, accountId: ACCOUNT_ID, progress: () => undefined }, 'INBOX', { backfill: true });
      assert.equal((await folderUids(db, ACCOUNT_ID, 'INBOX')).length, FILLERS + uidOf.size);
    } finally {
      db.close();
    }
  });

  it('refuses when the store synced another UIDVALIDITY, and refuses bad UIDs', async () => {
    const { db, renderer } = openStore();
    try {
      await syncFolder({ session, renderer, accountId: ACCOUNT_ID, progress: () => undefined }, 'INBOX', { backfill: false });
      const cursor = await getSyncCursor(db, ACCOUNT_ID, 'INBOX');
      assert.ok(cursor?.uidValidity);
      await applyBatch(db, { accountId: ACCOUNT_ID, folderPath: 'INBOX', cursor: { ...cursor, uidValidity: cursor.uidValidity + 1 } });
      const before = await folderUids(db, ACCOUNT_ID, 'INBOX');
      await assert.rejects(fetchHeadersInto(session, renderer, ACCOUNT_ID, 'INBOX', [uidOf.get('umlaut') as number]), (error: unknown) => error instanceof HeronError && error.code === 'not-found');
      assert.deepEqual(await folderUids(db, ACCOUNT_ID, 'INBOX'), before);
      for (const bad of [[0], [1.5], [-3], [2 ** 32]]) {
        await assert.rejects(fetchHeadersInto(session, renderer, ACCOUNT_ID, 'INBOX', bad), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
      }
    } finally {
      db.close();
    }
  });
});

describe('engine API', () => {
  it('searchServer and fetchHeaders reach the server and the attached store', async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-server-search-'));
    const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
    const { db, renderer } = openStore();
    try {
      await assert.rejects(engine.api.fetchHeaders('nobody', 'INBOX', [1]), (error: unknown) => error instanceof HeronError && error.code === 'offline');
      engine.attachRenderer(renderer);
      const account = await engine.api.addAccount({
        name: 'Bob', email: 'bob@maillab.test', outgoing: null, password, rememberPassword: false, pinnedFingerprint256: fingerprint, keepBodiesDays: null,
        incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: USER },
      });
      await engine.api.syncAccount(account.id);
      const { uids } = await engine.api.searchServer(account.id, 'INBOX', 'Grüße');
      assert.deepEqual(uids, [uidOf.get('umlaut')]);
      await engine.api.fetchHeaders(account.id, 'INBOX', uids);
      assert.equal((await searchMessages(db, { text: 'ferien', accountId: account.id })).total, 1);
    } finally {
      await engine.shutdown();
      db.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});

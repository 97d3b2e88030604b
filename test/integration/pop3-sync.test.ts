// POP3 accounts against the lab's Dovecot: every message downloaded exactly once, resumable after a cut, deleted on the
// server only after the store committed it strictly and only at QUIT, the account's options (leave on server, delete after N days,
// delete when deleted in Heron, size limit with "download the rest"), sent copies in local Sent, and reading attachments
// and source from the stored copy.

import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { EngineEvent, RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { DEFAULT_POP3_OPTIONS, type AccountSummary, type BatchAck, type NewAccountInput, type Pop3Options } from '../../shared/model';
import { toSummary, type AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { openPop3, type Pop3Session } from '../../src-main/pop3/client';
import { fileInLocalSent } from '../../src-main/pop3/local-sent';
import { messageIdOf } from '../../src-main/pop3/pop3-message';
import { DEFAULT_BATCH_LIMITS, syncPop3Account, type Pop3SyncDeps } from '../../src-main/pop3/sync';
import { buildMessage } from '../../src-main/smtp/build-message';
import { putAccounts } from '../../src-renderer/store/accounts';
import { HeronDb } from '../../src-renderer/store/db';
import { changeMessages } from '../../src-renderer/store/local-changes';
import { claimOutgoing, queueOutgoing, recordSend } from '../../src-renderer/store/outbox';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;

const DAY_MS = 24 * 60 * 60_000;
const password = (user: string) => `${user}-pw-lab`;

/** A plain-text message whose body carries a marker a fault can be set on (`marker-007`). */
function message(tag: string, i: number, body = `Hello number ${i}.\r\nmarker-${String(i).padStart(3, '0')}\r\n`): Buffer {
  return Buffer.from(
    [
      'From: Sender <sender@maillab.test>',
      'To: Alice <alice@maillab.test>',
      `Subject: ${tag} ${i}`,
      `Date: ${new Date(Date.UTC(2025, 0, 1, 0, i)).toUTCString()}`,
      `Message-ID: <${tag}-${i}@maillab.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
    ].join('\r\n'),
  );
}

const messages = (tag: string, count: number, from = 1) => Array.from({ length: count }, (_, i) => message(tag, from + i));

/** Puts messages into a user's INBOX (IMAP APPEND), as delivery would. */
async function put(user: string, raws: Buffer[]): Promise<void> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: password(user) }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const raw of raws) await client.append('INBOX', raw);
  } finally {
    await client.logout();
  }
}

/** The Message-IDs the server lists now, seen through a fresh session of its own (TOP 0: headers only). */
async function onServer(user: string): Promise<string[]> {
  const session = await openPop3(
    { protocol: 'pop3', host: lab.host, port: lab.ports.pop3s, security: 'tls', username: user },
    password(user),
    { fingerprint256: fingerprint, pem: lab.caPem },
  );
  try {
    const ids: string[] = [];
    for (const msgno of [...(await session.uidl()).keys()].sort((a, b) => a - b)) ids.push((await messageIdOf(await session.top(msgno, 0))) ?? '?');
    await session.quit();
    return ids;
  } finally {
    session.close();
  }
}

const idsOf = (tag: string, numbers: number[]) => numbers.map((i) => `<${tag}-${i}@maillab.test>`);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function newDb(name: string): HeronDb {
  return new HeronDb(`pop3-sync-${name}-${randomBytes(4).toString('hex')}`, { indexedDB: new IDBFactory(), IDBKeyRange });
}

const folderRows = (db: HeronDb, accountId: string, folderPath: string) =>
  db.messages.where('[accountId+folderPath+uid]').between([accountId, folderPath, 0], [accountId, folderPath, Infinity]).toArray();

interface Running {
  engine: Engine;
  db: HeronDb;
  events: EngineEvent[];
  add(user: string, over?: Partial<NewAccountInput>): Promise<AccountSummary>;
  close(): Promise<void>;
}

/** An engine with a fake-indexeddb store attached, as the app runs; `now` is its clock. */
async function running(now?: () => number): Promise<Running> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-pop3-sync-'));
  const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test', ...(now ? { now } : {}) });
  const db = newDb('engine');
  const events: EngineEvent[] = [];
  engine.attachRenderer(createStoreRendererApi(db, (e) => events.push(e)));
  return {
    engine, db, events,
    async add(user, over = {}) {
      const account = await engine.api.addAccount({
        name: user,
        email: `${user}@maillab.test`,
        incoming: { protocol: 'pop3', host: lab.host, port: lab.ports.pop3s, security: 'tls', username: user },
        outgoing: null,
        password: password(user),
        rememberPassword: false,
        pinnedFingerprint256: fingerprint,
        keepBodiesDays: null,
        ...over,
      });
      // Joins the sync the new account started by itself, then runs one more.
      await engine.api.syncAccount(account.id);
      return account;
    },
    async close() {
      await engine.shutdown();
      db.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

interface Direct {
  db: HeronDb;
  store: RendererApi;
  account: AccountRecord;
  proxy: FaultProxy;
  /** One sync, straight through pop3/sync.ts: no scheduler, so no retry runs behind the test's back. */
  sync(over?: Partial<Pick<Pop3SyncDeps, 'renderer' | 'open' | 'batch'>>): Promise<void>;
  /** What the client sent on each connection (the proxy's transcript). */
  sent(connection: number): string;
  close(): Promise<void>;
}

/** A POP3 account on the plain port behind a fault proxy, whose transcript shows every command; `now` is its clock. */
async function direct(user: string, pop3: Pop3Options, now: () => number = Date.now): Promise<Direct> {
  const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 } });
  const db = newDb(user);
  const store = createStoreRendererApi(db, () => undefined);
  const account: AccountRecord = {
    id: `direct-${user}`,
    name: user,
    email: `${user}@maillab.test`,
    incoming: { protocol: 'pop3', host: proxy.host, port: proxy.port, security: 'none', username: user },
    outgoing: null,
    pinnedCertificate: null,
    keepBodiesDays: null,
    pop3,
    createdAt: 1,
  };
  await putAccounts(db, [toSummary(account, 'memory')]);
  return {
    db, store, account, proxy,
    sync: (over = {}) => syncPop3Account({ account, password: password(user), renderer: store, now, signal: new AbortController().signal, ...over }),
    sent: (connection) => (proxy.clientSent()[connection - 1] ?? Buffer.alloc(0)).toString('latin1'),
    async close() {
      await proxy.close();
      db.close();
    },
  };
}

const commands = (transcript: string, verb: string) => transcript.split('\r\n').filter((line) => line.startsWith(`${verb} `) || line === verb);

/** An acknowledged applyBatch (the durability the store committed with, what it wrote) or a DELE sent, by UIDL. */
type Step = { kind: 'commit'; durability: BatchAck['durability']; messages: number; records: string[] } | { kind: 'dele'; uidl: string };

/**
 * A store and a POP3 client for one sync that log, in the order they happened, every commit the store acknowledged
 * and every DELE the sync asked for: whether a strict commit came back before a DELE went out.
 */
function recorder(store: RendererApi): Pick<Pop3SyncDeps, 'renderer' | 'open'> & { steps: Step[] } {
  const steps: Step[] = [];
  const renderer: RendererApi = {
    ...store,
    applyBatch: async (batch) => {
      const ack = await store.applyBatch(batch);
      steps.push({ kind: 'commit', durability: ack.durability, messages: batch.upsertMessages?.length ?? 0, records: (batch.popMessages ?? []).map((r) => r.uidl) });
      return ack;
    },
  };
  const open: typeof openPop3 = async (...args) => {
    const session = await openPop3(...args);
    let uidls = new Map<number, string>();
    const recording: Pop3Session = {
      encrypted: session.encrypted,
      capabilities: session.capabilities,
      authMethod: session.authMethod,
      stat: () => session.stat(),
      uidl: async () => (uidls = await session.uidl()),
      list: () => session.list(),
      top: (msgno, lines) => session.top(msgno, lines),
      retr: (msgno) => session.retr(msgno),
      dele: (msgno) => {
        steps.push({ kind: 'dele', uidl: uidls.get(msgno) ?? `no UIDL for ${msgno}` });
        return session.dele(msgno);
      },
      rset: () => session.rset(),
      quit: () => session.quit(),
      close: () => session.close(),
    };
    return recording;
  };
  return { renderer, open, steps };
}

const downloads = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'commit' && s.messages > 0 ? [s] : []));
const deles = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'dele' ? [s.uidl] : []));

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
});

after(async () => {
  await lab?.stop();
});

describe('POP3 sync', () => {
  it('downloads every message exactly once over repeated syncs, byte for byte, and a new one at the next sync', async () => {
    await lab.resetUser('alice');
    // One batch at the default limits; syncs cut between small batches are the fault tests below.
    const sent = messages('once', 120);
    await put('alice', sent);
    const r = await running();
    try {
      const account = await r.add('alice');
      await r.engine.api.syncAccount(account.id);
      const rows = await folderRows(r.db, account.id, 'INBOX');
      assert.equal(rows.length, 120);
      assert.deepEqual(rows.map((m) => m.messageId).sort(), idsOf('once', range(1, 120)).sort(), 'each message once');
      assert.equal(await r.db.popMessages.count(), 120);
      const seventh = rows.find((m) => m.messageId === '<once-7@maillab.test>');
      assert.ok(seventh);
      assert.equal(seventh.subject, 'once 7');
      assert.deepEqual(seventh.from, [{ name: 'Sender', address: 'sender@maillab.test' }]);
      assert.equal(seventh.unread, 1);
      const source = await r.db.sources.get([account.id, 'INBOX', seventh.uid]);
      assert.ok(source && Buffer.from(source.base64, 'base64').equals(sent[6] as Buffer), 'the stored source is the message as sent');
      assert.match((await r.db.bodies.get([account.id, 'INBOX', seventh.uid]))?.text ?? '', /Hello number 7\./);
      const progress = r.events.flatMap((e) => (e.type === 'sync-progress' ? [e.progress] : []));
      assert.ok(progress.some((p) => p.folderPath === 'INBOX' && p.phase === 'newest' && p.fetched === 120 && p.total === 120));
      assert.deepEqual(await onServer('alice'), idsOf('once', range(1, 120)), 'left on the server by default');

      await put('alice', [message('once', 121)]);
      await r.engine.api.syncAccount(account.id);
      const after = await folderRows(r.db, account.id, 'INBOX');
      assert.equal(after.length, 121);
      assert.equal(after.filter((m) => m.messageId === '<once-121@maillab.test>').length, 1);
      assert.equal(new Set(after.map((m) => m.uid)).size, 121, 'every copy has a UID of its own');
    } finally {
      await r.close();
    }
  });

  it('a connection cut in the middle of RETR deletes nothing, keeps what was committed, and the next sync completes', async () => {
    await lab.resetUser('bob');
    await put('bob', messages('cut', 60));
    const d = await direct('bob', { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false });
    // Batches of 50, far below the default limits, so a cut in a folder of 60 falls after a committed batch.
    const batch = { ...DEFAULT_BATCH_LIMITS, messages: 50 };
    try {
      // Part-way through message 55: the first batch (1–50) is committed, 51–54 are downloaded but not yet.
      d.proxy.setFaults([{ direction: 'server-to-client', trigger: { onText: 'marker-055' }, action: { kind: 'cut' } }]);
      await assert.rejects(d.sync({ batch }), (e: unknown) => e instanceof HeronError && e.code === 'connection-lost');
      assert.equal(commands(d.sent(1), 'DELE').length, 0, 'no DELE was sent');
      assert.equal((await onServer('bob')).length, 60, 'the server still has every message');
      assert.equal(await d.db.popMessages.count(), 50);
      assert.equal((await folderRows(d.db, d.account.id, 'INBOX')).length, 50);

      await d.sync({ batch });
      assert.deepEqual(commands(d.sent(2), 'RETR'), range(51, 60).map((n) => `RETR ${n}`), 'only what was not committed is downloaded again');
      const rows = await folderRows(d.db, d.account.id, 'INBOX');
      assert.deepEqual(rows.map((m) => m.messageId).sort(), idsOf('cut', range(1, 60)).sort(), 'nothing doubled, nothing missing');
      assert.deepEqual(await onServer('bob'), [], 'deleted once all were kept');
      assert.equal(await d.db.popMessages.count(), 0, 'records of deleted messages go after QUIT');
    } finally {
      await d.close();
    }
  });

  it('a connection cut before QUIT deletes nothing (the server discards the DELEs), and the next sync deletes without downloading again', async () => {
    await lab.resetUser('bob');
    await put('bob', messages('quit', 5));
    const d = await direct('bob', { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false });
    try {
      d.proxy.setFaults([{ direction: 'client-to-server', trigger: { onText: 'QUIT' }, action: { kind: 'cut' } }]);
      const first = recorder(d.store);
      await assert.rejects(d.sync(first));
      assert.deepEqual(downloads(first.steps).map((s) => s.durability), ['strict'], 'what this session deletes is committed strictly as it downloads');
      assert.equal(commands(d.sent(1), 'DELE').length, 5, 'the DELEs went out');
      assert.equal((await onServer('bob')).length, 5, 'and took no effect without QUIT');
      assert.equal(await d.db.popMessages.count(), 5, 'the records stay, so the next sync tries again');

      await d.sync();
      assert.equal(commands(d.sent(2), 'RETR').length, 0, 'nothing downloaded twice');
      assert.equal(commands(d.sent(2), 'DELE').length, 5);
      assert.deepEqual(await onServer('bob'), []);
      assert.equal(await d.db.popMessages.count(), 0);
      assert.equal((await folderRows(d.db, d.account.id, 'INBOX')).length, 5, 'the local copies stay');
    } finally {
      await d.close();
    }
  });

  it('a store that fails to commit a batch gets no DELE sent for it; the next sync downloads and deletes', async () => {
    await lab.resetUser('carol');
    await put('carol', messages('store', 3));
    const d = await direct('carol', { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false });
    try {
      let failed = 0;
      const failing: RendererApi = {
        ...d.store,
        applyBatch: (batch) => {
          if (batch.popMessages && failed++ === 0) return Promise.reject(new HeronError('store-failed', undefined, { operation: 'apply-batch', reason: 'test' }));
          return d.store.applyBatch(batch);
        },
      };
      await assert.rejects(d.sync({ renderer: failing }), (e: unknown) => e instanceof HeronError && e.code === 'store-failed');
      assert.equal(commands(d.sent(1), 'DELE').length, 0, 'no DELE for what the store did not keep');
      assert.equal((await onServer('carol')).length, 3);
      assert.equal(await d.db.popMessages.count(), 0);

      await d.sync();
      assert.equal((await folderRows(d.db, d.account.id, 'INBOX')).length, 3);
      assert.deepEqual(await onServer('carol'), []);
    } finally {
      await d.close();
    }
  });

  it('with "leave on server" and "delete after N days" downloads at default durability, and strictly re-commits exactly what it deletes before the first DELE', async () => {
    await lab.resetUser('bob');
    await put('bob', messages('aged', 3));
    const clock = { at: Date.UTC(2025, 5, 1) };
    const d = await direct('bob', { ...DEFAULT_POP3_OPTIONS, deleteAfterDays: 3 }, () => clock.at);
    try {
      const first = recorder(d.store);
      await d.sync(first);
      const [downloaded] = downloads(first.steps);
      assert.deepEqual(downloads(first.steps).map((s) => [s.durability, s.messages, s.records.length]), [['default', 3, 3]]);
      assert.ok(first.steps.every((s) => s.kind === 'commit' && s.durability === 'default'), 'nothing due: no strict commit, no DELE');

      clock.at += 5 * DAY_MS;
      await put('bob', messages('aged', 2, 4));
      const second = recorder(d.store);
      await d.sync(second);
      assert.deepEqual(downloads(second.steps).map((s) => [s.durability, s.messages]), [['default', 2]], 'the new ones, at default durability');
      const strict = second.steps.flatMap((s, at) => (s.kind === 'commit' && s.durability === 'strict' ? [{ ...s, at }] : []));
      assert.equal(strict.length, 1, 'one strict commit');
      assert.deepEqual(strict[0]?.records, deles(second.steps), 'of exactly the records it then deleted');
      assert.equal(strict[0]?.messages, 0, 'the records alone');
      assert.deepEqual([...deles(second.steps)].sort(), [...(downloaded?.records ?? [])].sort(), 'the three downloaded five days ago');
      assert.ok((strict[0]?.at ?? Infinity) < second.steps.findIndex((s) => s.kind === 'dele'), 'acknowledged before the first DELE went out');
      assert.deepEqual(await onServer('bob'), idsOf('aged', [4, 5]));
      assert.equal(await d.db.popMessages.count(), 2, 'the deleted ones\' records went after QUIT');
      assert.equal((await folderRows(d.db, d.account.id, 'INBOX')).length, 5, 'every local copy stays');
    } finally {
      await d.close();
    }
  });

  it('deletes on the server a message deleted for good in Heron, and no other', async () => {
    await lab.resetUser('carol');
    await put('carol', messages('local', 3));
    const d = await direct('carol', { ...DEFAULT_POP3_OPTIONS, deleteWhenDeletedLocally: true });
    try {
      await d.sync();
      const second = (await folderRows(d.db, d.account.id, 'INBOX')).find((m) => m.messageId === '<local-2@maillab.test>');
      assert.ok(second);
      // Delete moves it to Trash; deleting it there is for good.
      await changeMessages(d.db, { accountId: d.account.id, folderPath: 'INBOX', uids: [second.uid], change: { kind: 'delete' } });
      await d.sync();
      assert.equal(commands(d.sent(2), 'DELE').length, 0, 'in Trash it is not deleted for good yet');
      await changeMessages(d.db, { accountId: d.account.id, folderPath: 'Trash', uids: [second.uid], change: { kind: 'delete' } });
      await d.sync();
      assert.deepEqual(commands(d.sent(3), 'DELE'), ['DELE 2']);
      assert.deepEqual(await onServer('carol'), idsOf('local', [1, 3]));
      assert.deepEqual((await d.db.popMessages.toArray()).map((p) => p.uidl).length, 2);
      await d.sync();
      assert.equal(commands(d.sent(4), 'RETR').length, 0, 'the message deleted in Heron is not downloaded again');
    } finally {
      await d.close();
    }
  });

  it('without "leave on server" deletes exactly what it downloaded whole; a message over the size limit stays partial (TOP) until downloadRest', async () => {
    await lab.resetUser('alice');
    const lines = Array.from({ length: 4000 }, (_, i) => `Line ${i} of a long message, long enough to pass the size limit.`);
    const long = message('limit', 3, `${lines.join('\r\n')}\r\nTHE END OF THE LONG MESSAGE\r\n`);
    await put('alice', [message('limit', 1), message('limit', 2), long]);
    const r = await running();
    try {
      const account = await r.add('alice', { pop3: { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false, maxMessageBytes: 16 * 1024 } });
      assert.deepEqual(await onServer('alice'), idsOf('limit', [3]), 'the two whole ones deleted, the partial one kept');
      const record = (await r.db.popMessages.toArray()).find((p) => p.partial);
      assert.ok(record, 'the long message is recorded as partial');
      const header = await r.db.messages.get([account.id, 'INBOX', record.uid]);
      assert.equal(header?.messageId, '<limit-3@maillab.test>');
      assert.equal(header?.size, long.length, 'the size is the whole message, as the server listed it');
      assert.doesNotMatch((await r.db.bodies.get([account.id, 'INBOX', record.uid]))?.text ?? '', /THE END/);

      await r.engine.api.downloadRest(account.id, 'INBOX', record.uid);
      assert.equal((await r.db.popMessages.get([account.id, record.uidl]))?.partial, false);
      assert.match((await r.db.bodies.get([account.id, 'INBOX', record.uid]))?.text ?? '', /Line 3999 of a long message[\s\S]*THE END OF THE LONG MESSAGE/);
      const source = await r.db.sources.get([account.id, 'INBOX', record.uid]);
      assert.ok(source && Buffer.from(source.base64, 'base64').equals(long), 'the whole message replaced the part');
      assert.equal(await folderRows(r.db, account.id, 'INBOX').then((rows) => rows.length), 3, 'replaced, not added');

      await r.engine.api.syncAccount(account.id);
      assert.deepEqual(await onServer('alice'), [], 'whole now, so it goes too');
      await assert.rejects(r.engine.api.downloadRest(account.id, 'INBOX', 9999), (e: unknown) => (e as { code?: string }).code === 'not-found');
    } finally {
      await r.close();
    }
  });

  it('"delete after N days" deletes exactly what was downloaded that long ago (the engine\'s clock)', async () => {
    await lab.resetUser('bob');
    const clock = { at: Date.UTC(2025, 5, 1) };
    const r = await running(() => clock.at);
    try {
      await put('bob', messages('age', 3));
      const account = await r.add('bob');
      clock.at += 5 * DAY_MS;
      await put('bob', messages('age', 2, 4));
      await r.engine.api.updateAccount(account.id, { pop3: { ...DEFAULT_POP3_OPTIONS, deleteAfterDays: 3 } });
      await r.engine.api.syncAccount(account.id);
      assert.deepEqual(await onServer('bob'), idsOf('age', [4, 5]), 'the three downloaded five days ago went, the two new stayed');
      assert.equal((await folderRows(r.db, account.id, 'INBOX')).length, 5, 'every local copy stays');
      assert.deepEqual((await r.db.popMessages.toArray()).map((p) => p.downloadedAt), [clock.at, clock.at]);
      assert.deepEqual((await r.engine.api.listAccounts())[0]?.pop3, { ...DEFAULT_POP3_OPTIONS, deleteAfterDays: 3 });
    } finally {
      await r.close();
    }
  });

  it('reads attachments, the body and "View source" from the stored copy, with the server copy gone', async () => {
    await lab.resetUser('carol');
    const bytes = randomBytes(20_000);
    const boundary = 'heron-pop3-boundary';
    const withAttachment = Buffer.from(
      [
        'From: Sender <sender@maillab.test>',
        'To: carol@maillab.test',
        'Subject: With attachment',
        'Message-ID: <attached@maillab.test>',
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'See the file.',
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="data.bin"',
        'Content-Disposition: attachment; filename="data.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        ...(bytes.toString('base64').match(/.{1,76}/g) ?? []),
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    await put('carol', [withAttachment]);
    const r = await running();
    try {
      const account = await r.add('carol', { pop3: { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false } });
      assert.deepEqual(await onServer('carol'), []);
      const [row] = await folderRows(r.db, account.id, 'INBOX');
      assert.ok(row);
      assert.equal(row.hasAttachments, true);
      const attachment = await r.engine.api.fetchAttachment(account.id, 'INBOX', row.uid, '1');
      assert.equal(attachment.filename, 'data.bin');
      assert.ok(Buffer.from(attachment.base64, 'base64').equals(bytes));
      const body = await r.engine.api.fetchBody(account.id, 'INBOX', row.uid);
      assert.match(body.text ?? '', /See the file\./);
      assert.deepEqual(body.attachments.map((a) => a.filename), ['data.bin']);
      const source = await r.engine.api.fetchSource(account.id, 'INBOX', row.uid);
      assert.equal(source.truncated, false);
      assert.equal(source.text, withAttachment.toString('latin1'));
    } finally {
      await r.close();
    }
  });
});

describe('a POP3 account sending', () => {
  const outgoing = () => ({ host: lab.host, port: lab.ports.submission, security: 'starttls' as const, username: 'alice' });
  const draft = (accountId: string, subject: string) => ({
    accountId,
    from: { name: 'Alice', address: 'alice@maillab.test' },
    to: [{ name: 'Bob', address: 'bob@maillab.test' }],
    cc: [],
    bcc: [],
    subject,
    text: 'Hello Bob',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    draftId: null,
    sendAt: Date.now(),
  });

  it('files the sent copy in local Sent once, also when a round stopped after filing it', async () => {
    await lab.resetUser('alice');
    const r = await running();
    try {
      const account = await r.add('alice', { outgoing: outgoing() });
      const row = await queueOutgoing(r.db, draft(account.id, 'From a POP3 account'));
      await r.engine.api.sendOutbox(account.id);
      assert.equal(await r.db.outbox.get(row.id), undefined, 'sent and filed');
      const sent = (await folderRows(r.db, account.id, 'Sent')).filter((m) => m.messageId === row.messageId);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]?.flags, ['\\Seen']);
      assert.match(await r.engine.api.fetchSource(account.id, 'Sent', sent[0]?.uid as number).then((s) => s.text), /Subject: From a POP3 account/);

      // A round got as far as recording the acceptance and filing the copy, not as far as reporting it filed.
      const again = await queueOutgoing(r.db, draft(account.id, 'Stopped part-way'));
      const claimed = await claimOutgoing(r.db, again.id, Date.now());
      assert.ok(claimed);
      await recordSend(r.db, again.id, { kind: 'accepted', accepted: ['bob@maillab.test'], rejected: [], response: '250 2.0.0 Ok', at: Date.now() });
      await fileInLocalSent(createStoreRendererApi(r.db, () => undefined), account.id, await buildMessage(claimed, 'sent'), claimed.messageId, false, Date.now());
      await r.engine.api.sendOutbox(account.id);
      assert.equal(await r.db.outbox.get(again.id), undefined, 'filed and cleared');
      assert.equal((await folderRows(r.db, account.id, 'Sent')).filter((m) => m.messageId === again.messageId).length, 1, 'not filed a second time');
    } finally {
      await r.close();
    }
  });
});

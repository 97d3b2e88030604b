// IMAP sync against the lab's Dovecot: the store ends equal to the server after a first sync, after changes made by
// another client, after a UIDVALIDITY change and a rename, and after connections cut mid-sync.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { SyncProgress } from '../../shared/model';
import { createAccountSession, type AccountSession } from '../../src-main/engine/account-session';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { watchInbox } from '../../src-main/imap/inbox-watcher';
import { syncImapAccount, syncOneFolder, type AccountSyncContext } from '../../src-main/imap/sync-account';
import { HeronDb } from '../../src-renderer/store/db';
import { foldersOf } from '../../src-renderer/store/queries';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy';
import { loadCorpus } from '../lab/corpus';
import { startLab, type Lab } from '../lab/lab';

const USER = 'alice';
const FOLDERS = ['INBOX', 'Sent', 'Archive', 'Archive/2024', 'Projects/Heron', 'Ünïcode/Привет'];
let lab: Lab;
let password: string;
let seq = 0;

function account(port = lab.ports.imaps, security: 'tls' | 'none' = 'tls', id = `acct-${++seq}`): AccountRecord {
  return {
    id, name: 'Alice', email: 'alice@maillab.test', outgoing: null, createdAt: 0, keepBodiesDays: null,
    incoming: { protocol: 'imap', host: lab.host, port, security, username: USER },
    pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256), pem: lab.caPem },
  };
}

/** A second client, as another mail program on another computer would be. */
async function otherClient(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: USER, pass: password }, logger: false, tls: { ca: [lab.caPem], servername: 'localhost' } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface Harness {
  db: HeronDb;
  session: AccountSession;
  ctx: AccountSyncContext;
  progress: SyncProgress[];
  close(): Promise<void>;
}

function harness(record: AccountRecord = account()): Harness {
  const db = new HeronDb(`imap-sync-${record.id}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const session = createAccountSession(record, async () => password);
  const progress: SyncProgress[] = [];
  const ctx: AccountSyncContext = {
    session,
    renderer: createStoreRendererApi(db, () => undefined),
    accountId: record.id,
    progress: (folderPath, phase, fetched, total) => progress.push({ accountId: record.id, folderPath, phase, fetched, total }),
  };
  return { db, session, ctx, progress, close: async () => (await session.close(), db.close()) };
}

type Snapshot = Map<string, Map<number, string>>;

function flagKey(flags: Iterable<string>): string {
  return [...flags].filter((f) => f !== '\\Recent').sort().join(' ');
}

async function serverState(): Promise<Snapshot> {
  const client = await otherClient();
  const state: Snapshot = new Map();
  try {
    for (const entry of await client.list()) {
      const messages = new Map<number, string>();
      state.set(entry.path, messages);
      // A \Noselect container holds folders, not messages.
      if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
      const lock = await client.getMailboxLock(entry.path, { readOnly: true });
      try {
        if ((client.mailbox as { exists: number }).exists > 0)
          for await (const m of client.fetch('1:*', { uid: true, flags: true })) messages.set(m.uid, flagKey(m.flags ?? []));
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
  return state;
}

async function storeState(h: Harness, accountId: string): Promise<Snapshot> {
  const state: Snapshot = new Map();
  for (const folder of await foldersOf(h.db, accountId)) {
    const rows = await h.db.messages.where('[accountId+folderPath+uid]').between([accountId, folder.path, 0], [accountId, folder.path, Infinity]).toArray();
    state.set(folder.path, new Map(rows.map((r) => [r.uid, flagKey(r.flags)])));
  }
  return state;
}

async function assertStoreEqualsServer(h: Harness, accountId: string): Promise<void> {
  const [server, store] = await Promise.all([serverState(), storeState(h, accountId)]);
  assert.deepEqual([...store.keys()].sort(), [...server.keys()].sort(), 'same folders');
  for (const [path, messages] of server) {
    const stored = store.get(path) ?? new Map();
    const missing = [...messages.keys()].filter((uid) => !stored.has(uid));
    const extra = [...stored.keys()].filter((uid) => !messages.has(uid));
    assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] }, `${path}: UIDs match`);
    for (const [uid, flags] of messages) assert.equal(stored.get(uid), flags, `${path} UID ${uid} flags`);
  }
  for (const folder of await foldersOf(h.db, accountId)) {
    const messages = server.get(folder.path) ?? new Map();
    assert.equal(folder.total, messages.size, `${folder.path} total`);
    assert.equal(folder.unread, [...messages.values()].filter((f) => !f.split(' ').includes('\\Seen')).length, `${folder.path} unread`);
  }
}

/** Bounded polling for an effect another connection causes (IDLE), never a fixed sleep. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const rawMessage = (subject: string, extra = '') =>
  Buffer.from(`From: Bob <bob@maillab.test>\r\nTo: alice@maillab.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@test>\r\n${extra}Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello\r\n`);

before(async () => {
  lab = await startLab();
  password = lab.users.find((u) => u.name === USER)?.password ?? '';
  await loadCorpus(lab, USER, { seed: 7, count: 2_400, folders: FOLDERS });
});

after(async () => {
  await lab?.stop();
});

describe('IMAP sync', () => {
  it('first sync: every folder, UID, flag and count equals the server; newest page first; replies thread', async () => {
    const h = harness();
    try {
      await syncImapAccount(h.ctx);
      await assertStoreEqualsServer(h, h.ctx.accountId);
      // The first store write of INBOX is the newest page, before any backfill of it.
      const inbox = h.progress.filter((p) => p.folderPath === 'INBOX' && (p.phase === 'newest' || p.phase === 'backfill'));
      assert.equal(inbox[0]?.phase, 'newest');
      assert.ok(h.progress.some((p) => p.phase === 'backfill' && p.fetched > 0), 'backfill ran');
      // Threading: every stored reply whose parent is stored shares its parent's thread, across folders.
      const all = await h.db.messages.toArray();
      const byId = new Map(all.filter((m) => m.messageId).map((m) => [m.messageId, m]));
      let replies = 0;
      for (const m of all) {
        const parent = m.inReplyTo ? byId.get(m.inReplyTo) : undefined;
        if (!parent) continue;
        replies += 1;
        assert.equal(m.threadId, parent.threadId, `${m.messageId} joins ${parent.messageId}`);
      }
      assert.ok(replies > 100, `the corpus has replies to stored parents (${replies})`);
      assert.ok(all.some((m) => m.hasAttachments), 'attachments are marked from BODYSTRUCTURE');
    } finally {
      await h.close();
    }
  });

  it('incremental: flags set, messages added and expunged by another client all reach the store', async () => {
    const h = harness();
    const other = await otherClient();
    try {
      await syncImapAccount(h.ctx);
      for (const path of ['INBOX', 'Archive/2024']) {
        const lock = await other.getMailboxLock(path);
        try {
          await other.messageFlagsAdd('1:20', ['\\Flagged', '\\Seen']);
          await other.messageFlagsRemove('21:30', ['\\Seen']);
          await other.messageDelete('31:35');
        } finally {
          lock.release();
        }
        await other.append(path, rawMessage(`new in ${path}`), ['\\Seen']);
      }
      await syncImapAccount(h.ctx);
      await assertStoreEqualsServer(h, h.ctx.accountId);
    } finally {
      await other.logout();
      await h.close();
    }
  });

  it('a folder synced again while still selected from the last sync sees flags another client changed meanwhile', async () => {
    const h = harness();
    const other = await otherClient();
    try {
      await syncImapAccount(h.ctx);
      await syncOneFolder(h.ctx, 'INBOX', false); // leaves INBOX selected on the session
      const lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageFlagsAdd('1:5', ['\\Flagged']);
      } finally {
        lock.release();
      }
      await syncOneFolder(h.ctx, 'INBOX', false);
      await assertStoreEqualsServer(h, h.ctx.accountId);
    } finally {
      await other.logout();
      await h.close();
    }
  });

  it('with QRESYNC, flag changes come by CHANGEDSINCE and expunges by VANISHED, without listing every UID', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    const record = account(proxy.port, 'none');
    const h = harness(record);
    const other = await otherClient();
    try {
      await syncImapAccount(h.ctx);
      const before = Buffer.concat(proxy.clientSent()).length;
      const lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageFlagsAdd('1:3', ['\\Flagged']);
        await other.messageDelete('4:6');
      } finally {
        lock.release();
      }
      await syncImapAccount(h.ctx);
      await assertStoreEqualsServer(h, record.id);
      const resync = Buffer.concat(proxy.clientSent()).subarray(before).toString('latin1');
      assert.match(resync, /CHANGEDSINCE \d+ VANISHED/);
      assert.doesNotMatch(resync, /UID SEARCH ALL/, 'no full UID listing was needed');
    } finally {
      await other.logout();
      await h.close();
      await proxy.close();
    }
  });

  it('opening a synced folder with nothing new costs one EXAMINE: the validity check rides on the changes query, and an empty backfill pass asks nothing', async () => {
    // The plain port without STARTTLS, so the proxy can read the commands (loopback only).
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    const record = account(proxy.port, 'none');
    const h = harness(record);
    try {
      await syncImapAccount(h.ctx);
      const sentSoFar = () => Buffer.concat(proxy.clientSent()).toString('latin1');
      const before = sentSoFar().length;
      // What opening a folder runs (scheduler.syncFolderNow): the changes pass, then the backfill pass.
      await syncOneFolder(h.ctx, 'INBOX', false);
      await syncOneFolder(h.ctx, 'INBOX', true);
      const commands = sentSoFar().slice(before);
      assert.equal(commands.match(/ EXAMINE /gi)?.length ?? 0, 1, commands);
      await assertStoreEqualsServer(h, record.id);
    } finally {
      await h.close();
      await proxy.close();
    }
  });

  it('without CONDSTORE (capabilities stripped) the flag diff and UID comparison still converge', async () => {
    // The plain port without STARTTLS: the proxy can only strip capabilities and read commands it can see (loopback only).
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap }, stripCapabilities: ['CONDSTORE', 'QRESYNC'] });
    const record = account(proxy.port, 'none');
    const h = harness(record);
    const other = await otherClient();
    try {
      await syncImapAccount(h.ctx);
      const lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageFlagsAdd('1:10', ['\\Answered']);
        await other.messageDelete('11:12');
      } finally {
        lock.release();
      }
      await syncImapAccount(h.ctx);
      await assertStoreEqualsServer(h, record.id);
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.match(sent, / UID FETCH /i, 'the proxy reads the commands');
      assert.ok(!/CHANGEDSINCE|ENABLE QRESYNC|ENABLE CONDSTORE/i.test(sent), 'no CONDSTORE command was used');
    } finally {
      await other.logout();
      await h.close();
      await proxy.close();
    }
  });

  it('a folder renamed on the server moves in the store; a recreated folder (new UIDVALIDITY) is replaced without duplicates', async () => {
    const h = harness();
    const other = await otherClient();
    try {
      await syncImapAccount(h.ctx);
      await other.mailboxRename('Projects/Heron', 'Projects/Osprey');
      await other.mailboxDelete('Archive/2024');
      await other.mailboxCreate('Archive/2024');
      await other.append('Archive/2024', rawMessage('only message after recreate'));
      await syncImapAccount(h.ctx);
      await assertStoreEqualsServer(h, h.ctx.accountId);
      const paths = (await foldersOf(h.db, h.ctx.accountId)).map((f) => f.path);
      assert.ok(paths.includes('Projects/Osprey') && !paths.includes('Projects/Heron'));
      const recreated = await h.db.messages.where('[accountId+folderPath+uid]').between([h.ctx.accountId, 'Archive/2024', 0], [h.ctx.accountId, 'Archive/2024', Infinity]).toArray();
      assert.deepEqual(recreated.map((m) => m.subject), ['only message after recreate']);
    } finally {
      await other.logout();
      await h.close();
    }
  });

  // Text triggers need to read the protocol, so those cuts run on the plaintext port (security "None"); byte
  // counts work through TLS as well.
  for (const [label, plaintext, fault] of [
    ['during the first FETCH reply', true, { direction: 'server-to-client', trigger: { onText: 'FETCH (' } }],
    ['in the middle of the 40th FETCH reply', true, { direction: 'server-to-client', trigger: { onText: '* 40 FETCH' } }],
    ['as the client sends its first UID FETCH', true, { direction: 'client-to-server', trigger: { onText: 'UID FETCH' } }],
    ['as the client sends the backfill FETCH', true, { direction: 'client-to-server', trigger: { onText: /UID FETCH \d+:\d+,/ } }],
    ['after 200 kB of TLS replies', false, { direction: 'server-to-client', trigger: { afterBytes: 200_000 } }],
    ['after 900 kB of TLS replies (in backfill)', false, { direction: 'server-to-client', trigger: { afterBytes: 900_000 } }],
  ] as const) {
    it(`a connection cut ${label} resumes to an exact copy, with no duplicates and no gaps`, async () => {
      const target = plaintext ? lab.ports.imap : lab.ports.imaps;
      let proxy: FaultProxy | null = await startFaultProxy({ target: { host: lab.host, port: target }, faults: [{ ...fault, action: { kind: 'cut' } }] });
      const record = account(proxy.port, plaintext ? 'none' : 'tls');
      const h = harness(record);
      try {
        await assert.rejects(syncImapAccount(h.ctx), 'the cut fails this sync');
        await h.session.close();
        await proxy.close();
        proxy = null;
        // Same store, a fresh session straight to the server: the next sync continues from the last committed batch.
        const resumed = harness({ ...record, incoming: { ...record.incoming, port: target } });
        const ctx = { ...resumed.ctx, renderer: h.ctx.renderer };
        await syncImapAccount(ctx);
        await assertStoreEqualsServer(h, record.id);
        await resumed.close();
      } finally {
        await proxy?.close();
        h.db.close();
      }
    });
  }

  it('IDLE on INBOX brings another client\'s new message into the store without a manual sync', async () => {
    const record = account();
    const h = harness(record);
    const other = await otherClient();
    const watcher = watchInbox(record, {
      password: async () => password,
      onChange: () => void syncOneFolder(h.ctx, 'INBOX', false).catch(() => undefined),
      onFatal: (error) => assert.fail(error.message),
    });
    try {
      await syncImapAccount(h.ctx);
      await other.append('INBOX', rawMessage('arrives while idling'));
      await eventually(async () => (await h.db.messages.filter((m) => m.subject === 'arrives while idling').count()) === 1, 'the new message in the store');
    } finally {
      await watcher.stop();
      await other.logout();
      await h.close();
    }
  });
});

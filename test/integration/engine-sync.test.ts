// The engine as the renderer sees it: accounts sync by themselves once a store attaches, report progress, sync a folder
// when it is opened, and one stalled account never holds up another.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { EngineEvent } from '../../shared/contract';
import type { IncomingSettings, NewAccountInput } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy';
import { loadCorpus } from '../lab/corpus';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;

function userOf(name: string) {
  const user = lab.users.find((u) => u.name === name);
  assert.ok(user, name);
  return user;
}

function accountInput(user: string, port = lab.ports.imaps): NewAccountInput {
  const incoming: IncomingSettings = { protocol: 'imap', host: lab.host, port, security: 'tls', username: user };
  return { name: user, email: userOf(user).email, incoming, outgoing: null, password: userOf(user).password, rememberPassword: false, pinnedFingerprint256: fingerprint };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

interface Running {
  engine: Engine;
  db: HeronDb;
  events: EngineEvent[];
  detach: () => void;
  close(): Promise<void>;
}

async function running(options: { attached?: boolean } = {}): Promise<Running & { attach(): void }> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-engine-sync-'));
  const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
  const db = new HeronDb(`engine-sync-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const events: EngineEvent[] = [];
  let detach = () => undefined as void;
  const attach = () => {
    detach = engine.attachRenderer(createStoreRendererApi(db, (e) => events.push(e)));
  };
  if (options.attached !== false) attach();
  return {
    engine, db, events, attach,
    detach: () => detach(),
    async close() {
      await engine.shutdown();
      db.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const inboxCount = (db: HeronDb, accountId: string) =>
  db.messages.where('[accountId+folderPath+uid]').between([accountId, 'INBOX', 0], [accountId, 'INBOX', Infinity]).count();

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  await loadCorpus(lab, 'alice', { seed: 11, count: 600, folders: ['INBOX', 'Archive'] });
  await loadCorpus(lab, 'bob', { seed: 12, count: 300, folders: ['INBOX'], owner: { name: 'Bob', email: 'bob@maillab.test' } });
});

after(async () => {
  await lab?.stop();
});

describe('engine sync', () => {
  it('syncs a new account by itself and reports progress per folder', async () => {
    const r = await running();
    try {
      const account = await r.engine.api.addAccount(accountInput('alice'));
      const expected = await serverCount('alice', 'INBOX');
      await eventually(async () => (await inboxCount(r.db, account.id)) === expected, 'INBOX complete in the store');
      // Joins the sync under way and settles when every folder is done.
      await r.engine.api.syncAccount(account.id);
      const progress = r.events.flatMap((e) => (e.type === 'sync-progress' ? [e.progress] : []));
      assert.ok(progress.some((p) => p.folderPath === 'INBOX' && p.phase === 'newest'));
      assert.ok(progress.some((p) => p.folderPath === 'Archive' && p.phase === 'backfill' && p.fetched > 0 && p.total >= p.fetched));
      assert.ok(progress.every((p) => p.accountId === account.id));
    } finally {
      await r.close();
    }
  });

  it('opening a folder syncs it at once', async () => {
    const r = await running();
    const other = await client('alice');
    try {
      const account = await r.engine.api.addAccount(accountInput('alice'));
      await r.engine.api.syncAccount(account.id);
      await other.append('Archive', Buffer.from('From: x@y\r\nSubject: filed elsewhere\r\nMessage-ID: <filed@test>\r\n\r\nhi\r\n'));
      await r.engine.api.openFolder(account.id, 'Archive');
      assert.equal(await r.db.messages.filter((m) => m.folderPath === 'Archive' && m.subject === 'filed elsewhere').count(), 1);
    } finally {
      await other.logout();
      await r.close();
    }
  });

  it('after a failed sync (connections cut) it retries by itself with backoff and completes', async () => {
    const r = await running({ attached: false });
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imaps } });
    try {
      const account = await r.engine.api.addAccount(accountInput('alice', proxy.port));
      proxy.setFaults([{ direction: 'server-to-client', trigger: { afterBytes: 0 }, action: { kind: 'cut' }, once: false }]);
      r.attach();
      await eventually(async () => r.events.some((e) => e.type === 'account-state' && e.state === 'error' && e.accountId === account.id), 'the failure reported');
      proxy.setFaults([]);
      const expected = await serverCount('alice', 'INBOX');
      await eventually(async () => (await inboxCount(r.db, account.id)) === expected, 'INBOX complete after the retry');
    } finally {
      await proxy.close();
      await r.close();
    }
  });

  it('one stalled account never holds up another', async () => {
    const r = await running();
    let stalled: FaultProxy | null = null;
    try {
      // Bob's first connection works (so the account can be added); every later one hangs before the greeting.
      stalled = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imaps } });
      const bob = await r.engine.api.addAccount(accountInput('bob', stalled.port));
      stalled.setFaults([{ direction: 'server-to-client', trigger: { afterBytes: 0 }, action: { kind: 'stall' }, once: false }]);
      const alice = await r.engine.api.addAccount(accountInput('alice'));
      const expected = await serverCount('alice', 'INBOX');
      await eventually(async () => (await inboxCount(r.db, alice.id)) === expected, "Alice's INBOX while Bob's server hangs");
      assert.equal(await inboxCount(r.db, bob.id), 0, "Bob's sync is still waiting");
    } finally {
      await stalled?.close();
      await r.close();
    }
  });
});

async function client(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: userOf(user).password }, logger: false, tls: { ca: [lab.caPem], servername: 'localhost' } });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function serverCount(user: string, folder: string): Promise<number> {
  const c = await client(user);
  try {
    const status = await c.status(folder, { messages: true });
    return status ? (status.messages ?? -1) : -1;
  } finally {
    await c.logout();
  }
}

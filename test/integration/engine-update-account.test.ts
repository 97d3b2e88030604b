// Changing an account's servers through the engine against the lab: a new server is proven by a real login before it is
// saved, the next sync uses it, a wrong one is refused with nothing saved, a pin belongs to its host, and a new mailbox
// replaces the renderer's copy of the old one.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { HeronError, type CertificateDetail } from '../../shared/errors';
import type { AccountSummary, IncomingSettings } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { foldersOf } from '../../src-renderer/store/queries';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab, type LabUser } from '../lab/lab';

let lab: Lab;
let fingerprint: string;
let profile: string;
let engine: Engine;
let db: HeronDb;

function user(name: string): LabUser {
  const found = lab.users.find((u) => u.name === name);
  assert.ok(found);
  return found;
}

const imaps = (): IncomingSettings => ({ protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: 'alice' });

async function rejectsWith(work: Promise<unknown>, code: string): Promise<HeronError> {
  let caught: unknown;
  await assert.rejects(work, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof HeronError, `expected a HeronError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** Alice's account over implicit TLS with the lab's certificate pinned, synced into the store. */
async function addAlice(): Promise<AccountSummary> {
  const account = await engine.api.addAccount({
    name: 'Alice',
    email: user('alice').email,
    incoming: imaps(),
    outgoing: null,
    password: user('alice').password,
    rememberPassword: false,
    pinnedFingerprint256: fingerprint,
  });
  await engine.api.syncAccount(account.id);
  return account;
}

/** The store applies an account list in the background; a read-write transaction on its tables after it sees it done. */
const storeSettled = () => db.transaction('rw', [db.accounts, db.folders], () => undefined);

const folderPaths = async (accountId: string) => (await foldersOf(db, accountId)).map((f) => f.path);

before(async () => {
  lab = await startLab();
  await lab.folderDir('alice', 'Only-Alice');
  await lab.resync('alice');
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  profile = await mkdtemp(path.join(os.tmpdir(), 'heron-update-account-'));
  engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
  db = new HeronDb(`engine-update-account-${process.pid}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  engine.attachRenderer(createStoreRendererApi(db, () => undefined));
});

after(async () => {
  await engine?.shutdown();
  db?.close();
  await lab?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('changing servers against the lab', () => {
  it('moves from the IMAPS port to the STARTTLS port: the pin stays on its host, the next sync goes there, the cache stays', async () => {
    const account = await addAlice();
    assert.ok((await folderPaths(account.id)).includes('Only-Alice'));
    // A pass-through proxy in front of the STARTTLS port shows where the engine connects afterwards, and what it says.
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    try {
      const starttls: IncomingSettings = { ...imaps(), port: proxy.port, security: 'starttls' };
      const updated = await engine.api.updateAccount(account.id, { incoming: starttls });
      assert.deepEqual(updated.incoming, starttls);
      assert.equal(updated.pinnedFingerprint256, fingerprint);
      assert.deepEqual((await engine.api.listAccounts())[0]?.incoming, starttls, 'saved');
      const checked = proxy.connections();
      assert.ok(checked >= 1, 'the new server was tried before saving');

      await engine.api.syncAccount(account.id);
      assert.ok(proxy.connections() > checked, 'the sync after the change connects to the new server');
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.match(sent, /STARTTLS/);
      assert.ok(!sent.includes(user('alice').password), 'the password went inside TLS');
      await storeSettled();
      assert.ok((await folderPaths(account.id)).includes('Only-Alice'), 'same mailbox: the cache stays');
    } finally {
      await proxy.close();
      await engine.api.removeAccount(account.id);
    }
  });

  it('refuses a wrong port, a wrong host and TLS on a plaintext port, and saves nothing', async () => {
    const account = await addAlice();
    const closed = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imaps } });
    const closedPort = closed.port;
    await closed.close();
    try {
      await rejectsWith(engine.api.updateAccount(account.id, { incoming: { ...imaps(), port: closedPort } }), 'connection-refused');
      // Another loopback address: nothing listens there (the lab binds 127.0.0.1 only).
      await rejectsWith(engine.api.updateAccount(account.id, { incoming: { ...imaps(), host: '127.0.0.2' } }), 'connection-refused');
      await rejectsWith(engine.api.updateAccount(account.id, { name: 'Renamed', incoming: { ...imaps(), port: lab.ports.imap } }), 'tls-failed');
      await rejectsWith(engine.api.updateAccount(account.id, { incoming: { ...imaps(), host: 'bad host!' } }), 'invalid-input');
      assert.deepEqual(await engine.api.listAccounts(), [account], 'nothing saved, not even the name given with a refused server');
    } finally {
      await engine.api.removeAccount(account.id);
    }
  });

  it('a password passed along that the server refuses changes nothing; the kept one still works', async () => {
    const account = await addAlice();
    try {
      const starttls = { ...imaps(), port: lab.ports.imap, security: 'starttls' as const };
      await rejectsWith(engine.api.updateAccount(account.id, { incoming: starttls }, 'not-alices-password'), 'auth-failed');
      assert.deepEqual(await engine.api.listAccounts(), [account]);
      await engine.api.syncAccount(account.id);
    } finally {
      await engine.api.removeAccount(account.id);
    }
  });

  it("a new host does not inherit the pin: its certificate is shown, and trusting it pins it for the new host", async () => {
    const account = await addAlice();
    try {
      const byName = { ...imaps(), host: lab.servername };
      const error = await rejectsWith(engine.api.updateAccount(account.id, { incoming: byName }), 'certificate-untrusted');
      assert.equal((error.detail as CertificateDetail).fingerprint256, fingerprint);
      assert.equal((error.detail as CertificateDetail).host, lab.servername);
      assert.deepEqual(await engine.api.listAccounts(), [account]);
      const updated = await engine.api.updateAccount(account.id, { incoming: byName, pinnedFingerprint256: fingerprint });
      assert.equal(updated.incoming.host, lab.servername);
      assert.equal(updated.pinnedFingerprint256, fingerprint);
      await engine.api.syncAccount(account.id);
    } finally {
      await engine.api.removeAccount(account.id);
    }
  });

  it("another username is another mailbox: the store drops the old copy, and bob's password passed along is kept for the run", async () => {
    const account = await addAlice();
    try {
      const bob = user('bob');
      const updated = await engine.api.updateAccount(account.id, { incoming: { ...imaps(), username: bob.name } }, bob.password);
      assert.equal(updated.passwordStorage, 'memory', 'kept as the account kept its password: for this run only');
      await storeSettled();
      assert.ok(!(await folderPaths(account.id)).includes('Only-Alice'), "alice's folders left with her mailbox");
      // The next sync logs in as bob with the password given, not alice's.
      await engine.api.syncAccount(account.id);
      const paths = await folderPaths(account.id);
      assert.ok(paths.includes('INBOX') && !paths.includes('Only-Alice'), paths.join(', '));
    } finally {
      await engine.api.removeAccount(account.id);
    }
  });

  it('without a kept password and none passed along, a new server is not tried', async () => {
    const account = await addAlice();
    try {
      // Browser mode after a restart, without "remember": the engine has no password for the account.
      const restarted = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
      try {
        const error = await rejectsWith(restarted.api.updateAccount(account.id, { incoming: { ...imaps(), port: lab.ports.imap, security: 'starttls' } }), 'invalid-input');
        assert.match(error.message, /type it in/);
      } finally {
        await restarted.shutdown();
      }
    } finally {
      await engine.api.removeAccount(account.id);
    }
  });
});

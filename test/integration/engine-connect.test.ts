// The engine against the lab: logs in over implicit TLS and STARTTLS (IMAP and POP3), lists folders into the real
// store, pins a self-signed certificate by fingerprint, and refuses to send a password when STARTTLS is stripped.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { EngineEvent } from '../../shared/contract';
import { HeronError, type CertificateDetail } from '../../shared/errors';
import type { IncomingSettings, NewAccountInput } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { foldersOf } from '../../src-renderer/store/queries';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;
let profile: string;
let engine: Engine;
let db: HeronDb;
const events: EngineEvent[] = [];

function alice() {
  const user = lab.users.find((u) => u.name === 'alice');
  assert.ok(user);
  return user;
}

function imap(security: IncomingSettings['security'], port: number): IncomingSettings {
  return { protocol: 'imap', host: lab.host, port, security, username: alice().name };
}

function input(incoming: IncomingSettings, extra: Partial<NewAccountInput> = {}): NewAccountInput {
  return {
    name: 'Alice',
    email: alice().email,
    incoming,
    outgoing: { host: lab.host, port: lab.ports.submission, security: 'starttls', username: alice().name },
    password: alice().password,
    rememberPassword: false,
    pinnedFingerprint256: fingerprint,
    ...extra,
  };
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<HeronError> {
  let caught: unknown;
  await assert.rejects(work, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof HeronError, `expected a HeronError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

before(async () => {
  lab = await startLab();
  await lab.folderDir('alice', 'Archive/2024');
  await lab.folderDir('alice', 'Ünïcode/Привет');
  await lab.resync('alice');
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  profile = await mkdtemp(path.join(os.tmpdir(), 'heron-engine-'));
  engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
  db = new HeronDb(`engine-connect-${process.pid}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  engine.attachRenderer(createStoreRendererApi(db, (event) => events.push(event)));
});

after(async () => {
  await engine?.shutdown();
  db?.close();
  await lab?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('engine against the lab', () => {
  it('reports an untrusted self-signed certificate with what the person needs to judge it', async () => {
    const error = await rejectsWith(engine.api.testIncoming(imap('tls', lab.ports.imaps), alice().password), 'certificate-untrusted');
    const detail = error.detail as CertificateDetail;
    assert.equal(detail.fingerprint256, fingerprint);
    assert.match(detail.subject, /localhost|CN=/);
    assert.ok(Date.parse(detail.validFrom) < Date.now() && Date.parse(detail.validTo) > Date.now());
    assert.equal(detail.host, lab.host);
  });

  it('logs in over implicit TLS with the pinned certificate and lists the folders into the store', async () => {
    const account = await engine.api.addAccount(input(imap('tls', lab.ports.imaps)));
    assert.equal(account.pinnedFingerprint256, fingerprint);
    assert.ok(!JSON.stringify(account).includes(alice().password), 'no secret in the summary');
    await engine.api.syncAccount(account.id);
    const folders = await foldersOf(db, account.id);
    const byPath = new Map(folders.map((f) => [f.path, f]));
    assert.equal(byPath.get('INBOX')?.specialUse, 'inbox');
    for (const [folder, use] of [['Sent', 'sent'], ['Drafts', 'drafts'], ['Trash', 'trash'], ['Junk', 'junk'], ['Archive', 'archive']] as const)
      assert.equal(folders.find((f) => f.specialUse === use)?.path, folder, `${use} folder`);
    assert.equal(byPath.get('Archive/2024')?.parentPath, 'Archive');
    assert.equal(byPath.get('Archive/2024')?.delimiter, '/');
    assert.ok(byPath.has('Ünïcode/Привет'), `non-ASCII folder decoded, got ${[...byPath.keys()].join(', ')}`);
    assert.ok(events.some((e) => e.type === 'accounts-changed' && e.accounts.some((a) => a.id === account.id)));
    assert.deepEqual((await db.accounts.toArray()).map((a) => a.id).includes(account.id), true);
    await engine.api.removeAccount(account.id);
  });

  it('logs in over STARTTLS and says the session was encrypted', async () => {
    const report = await engine.api.testIncoming(imap('starttls', lab.ports.imap), alice().password, fingerprint);
    assert.equal(report.encrypted, true);
    assert.ok(report.capabilities.includes('IMAP4rev1'), report.capabilities.join(' '));
    assert.ok(report.folders.some((f) => f.path === 'INBOX'));
    const account = await engine.api.addAccount(input(imap('starttls', lab.ports.imap)));
    await engine.api.syncAccount(account.id);
    assert.ok((await foldersOf(db, account.id)).some((f) => f.specialUse === 'sent'));
    await engine.api.removeAccount(account.id);
  });

  it('refuses to log in when STARTTLS is stripped, and the password never crosses', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap }, stripCapabilities: ['STARTTLS'] });
    try {
      await rejectsWith(engine.api.addAccount(input(imap('starttls', proxy.port))), 'starttls-unavailable');
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.ok(proxy.connections() >= 1);
      assert.ok(!sent.includes(alice().password), 'password was sent in clear');
      assert.ok(!/LOGIN|AUTHENTICATE/i.test(sent), `no login attempt, client sent: ${sent}`);
      assert.deepEqual(await engine.api.listAccounts(), [], 'nothing saved');
    } finally {
      await proxy.close();
    }
  });

  it('says auth-failed for a wrong password and keeps nothing', async () => {
    await rejectsWith(engine.api.addAccount(input(imap('tls', lab.ports.imaps), { password: 'wrong-password' })), 'auth-failed');
    assert.deepEqual(await engine.api.listAccounts(), []);
  });

  it('says certificate-untrusted when the pinned fingerprint is not the server\'s', async () => {
    const other = normalizeFingerprint('00'.repeat(32));
    await rejectsWith(engine.api.addAccount(input(imap('tls', lab.ports.imaps), { pinnedFingerprint256: other })), 'certificate-untrusted');
  });

  it('says tls-failed when TLS is spoken to a plaintext port', async () => {
    await rejectsWith(engine.api.testIncoming(imap('tls', lab.ports.imap), 'x'), 'tls-failed');
  });

  it('says connection-refused for a closed port', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imaps } });
    const closedPort = proxy.port;
    await proxy.close();
    await rejectsWith(engine.api.testIncoming(imap('tls', closedPort), 'x'), 'connection-refused');
  });

  it('logs in to POP3 over implicit TLS and over STLS, with the pinned certificate', async () => {
    for (const [security, port] of [['tls', lab.ports.pop3s], ['starttls', lab.ports.pop3]] as const) {
      const account = await engine.api.addAccount(input({ protocol: 'pop3', host: lab.host, port, security, username: alice().name }));
      await engine.api.syncAccount(account.id);
      assert.deepEqual((await foldersOf(db, account.id)).map((f) => f.path).sort(), ['Archive', 'Drafts', 'INBOX', 'Sent', 'Trash']);
      await engine.api.removeAccount(account.id);
    }
  });

  it('refuses POP3 when STLS is stripped, before USER or PASS', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 }, stripCapabilities: ['STLS'] });
    try {
      await rejectsWith(engine.api.addAccount(input({ protocol: 'pop3', host: lab.host, port: proxy.port, security: 'starttls', username: alice().name })), 'starttls-unavailable');
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.ok(!sent.includes(alice().password));
      assert.ok(!/USER|PASS/.test(sent), `client sent: ${sent}`);
    } finally {
      await proxy.close();
    }
  });

  it('says auth-failed for a wrong POP3 password', async () => {
    await rejectsWith(
      engine.api.addAccount(input({ protocol: 'pop3', host: lab.host, port: lab.ports.pop3s, security: 'tls', username: alice().name }, { password: 'nope' })),
      'auth-failed',
    );
  });
});

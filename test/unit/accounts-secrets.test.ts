// The account registry and secret stores: settings on disk without secrets, secrets only where and how the person chose.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import { createAccountRegistry, toSummary } from '../../src-main/engine/accounts';
import { defaultProfileDir } from '../../src-main/engine/profile-dir';
import { createBrowserSecretStore, createEncryptedSecretStore, type Cipher } from '../../src-main/engine/secrets';

const incoming: IncomingSettings = { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann@example.test' };
const SECRET = 'CANARY-s3cret-pässword';

/** A reversible stand-in for the OS key store: what it writes must not contain the secret in clear. */
const xorCipher = (available = true): Cipher => ({
  isAvailable: () => available,
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
});

async function everyFileText(dir: string): Promise<string> {
  const names = await readdir(dir);
  return (await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')))).join('\n');
}

describe('account registry', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'heron-profile-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps accounts across instances in a 0600 file', async () => {
    const first = createAccountRegistry(dir);
    const added = await first.add({ name: 'Ann', email: 'ann@example.test', incoming, outgoing: null, pinnedCertificate: null, keepBodiesDays: null });
    const again = await createAccountRegistry(dir).list();
    assert.deepEqual(again, [added]);
    assert.equal((await stat(path.join(dir, 'accounts.json'))).mode & 0o777, 0o600);
  });

  it('does not lose an account when two are added at once', async () => {
    const registry = createAccountRegistry(dir);
    await Promise.all(['a', 'b', 'c'].map((n) => registry.add({ name: n, email: `${n}@x.test`, incoming, outgoing: null, pinnedCertificate: null, keepBodiesDays: null })));
    assert.deepEqual((await registry.list()).map((a) => a.name).sort(), ['a', 'b', 'c']);
  });

  it('rejects invalid settings with invalid-input and saves nothing', async () => {
    const registry = createAccountRegistry(dir);
    await assert.rejects(
      registry.add({ name: 'x', email: 'x@x.test', incoming: { ...incoming, host: 'bad host!', port: 70000 }, outgoing: null, pinnedCertificate: null, keepBodiesDays: null }),
      (e: unknown) => e instanceof HeronError && e.code === 'invalid-input' && /host/.test(e.message) && /port/.test(e.message),
    );
    assert.deepEqual(await registry.list(), []);
  });

  it('removes an account, and get() of a missing one says not-found', async () => {
    const registry = createAccountRegistry(dir);
    const a = await registry.add({ name: 'a', email: 'a@x.test', incoming, outgoing: null, pinnedCertificate: null, keepBodiesDays: null });
    await registry.remove(a.id);
    await assert.rejects(registry.get(a.id), (e: unknown) => e instanceof HeronError && e.code === 'not-found');
  });

  it("gives the renderer a summary without the certificate body or any secret", async () => {
    const record = await createAccountRegistry(dir).add({
      name: 'a', email: 'a@x.test', incoming, outgoing: null, pinnedCertificate: { fingerprint256: 'AA:BB', pem: '-----BEGIN CERTIFICATE-----' }, keepBodiesDays: 30,
    });
    const summary = toSummary(record, 'encrypted');
    assert.equal(summary.pinnedFingerprint256, 'AA:BB');
    assert.ok(!JSON.stringify(summary).includes('BEGIN CERTIFICATE'));
    assert.deepEqual(Object.keys(summary).sort(), ['createdAt', 'email', 'id', 'incoming', 'keepBodiesDays', 'name', 'outgoing', 'passwordStorage', 'pinnedFingerprint256', 'pop3']);
  });
});

describe('secret stores', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'heron-secrets-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('desktop: encrypts remembered secrets; the file never holds the secret in clear', async () => {
    const store = createEncryptedSecretStore(dir, xorCipher());
    assert.equal(await store.set('acc', SECRET, true), 'encrypted');
    assert.ok(!(await everyFileText(dir)).includes(SECRET));
    assert.ok(!(await everyFileText(dir)).includes(Buffer.from(SECRET).toString('base64')));
    assert.equal(await createEncryptedSecretStore(dir, xorCipher()).get('acc'), SECRET);
    assert.equal((await stat(path.join(dir, 'secrets.json'))).mode & 0o777, 0o600);
  });

  it('desktop without a working key store: memory only, nothing written', async () => {
    const store = createEncryptedSecretStore(dir, xorCipher(false));
    assert.equal(store.canEncrypt, false);
    assert.equal(await store.set('acc', SECRET, true), 'memory');
    assert.equal(await store.get('acc'), SECRET);
    assert.deepEqual(await readdir(dir), []);
    assert.equal(await createEncryptedSecretStore(dir, xorCipher(false)).get('acc'), null);
  });

  it('browser mode: memory by default, a 0600 plain file only when asked to remember', async () => {
    const store = createBrowserSecretStore(dir);
    assert.equal(await store.set('a', SECRET, false), 'memory');
    assert.equal(await createBrowserSecretStore(dir).get('a'), null, 'not kept across a restart');
    assert.ok(!(await everyFileText(dir)).includes(SECRET));

    assert.equal(await store.set('b', SECRET, true), 'plain-file');
    assert.equal(await createBrowserSecretStore(dir).get('b'), SECRET);
    assert.equal(await createBrowserSecretStore(dir).storageOf('b'), 'plain-file');
    assert.equal((await stat(path.join(dir, 'passwords.json'))).mode & 0o777, 0o600);

    await store.delete('b');
    assert.equal(await createBrowserSecretStore(dir).get('b'), null);
  });
});

describe('profile directory', () => {
  it('uses HERON_DATA_DIR, else the OS user-data directory', () => {
    assert.equal(defaultProfileDir({ HERON_DATA_DIR: '/tmp/x' }, 'linux'), '/tmp/x');
    assert.equal(defaultProfileDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux'), '/cfg/Heron');
    assert.match(defaultProfileDir({}, 'darwin'), /Library\/Application Support\/Heron$/);
    assert.equal(defaultProfileDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), path.join('C:\\Users\\a\\AppData\\Roaming', 'Heron'));
  });
});

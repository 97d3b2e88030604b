// testOutgoing through the engine against the lab's Postfix: submission (STARTTLS) and SMTPS log in with a pinned
// certificate; a wrong password, an untrusted certificate and a blocked STARTTLS each fail with the matching error.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeronError, type CertificateDetail } from '../../shared/errors';
import type { OutgoingSettings, Security } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;
let profile: string;
let engine: Engine;

const PASSWORD = 'alice-pw-lab';

function smtp(port: number, security: Security): OutgoingSettings {
  return { host: lab.host, port, security, username: 'alice' };
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<HeronError> {
  let caught: unknown;
  await assert.rejects(work, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof HeronError, `expected a HeronError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(!JSON.stringify(caught.toData()).includes(PASSWORD), 'no password in the error');
  return caught;
}

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  profile = await mkdtemp(path.join(os.tmpdir(), 'heron-outgoing-'));
  engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
});

after(async () => {
  await engine?.shutdown();
  await lab?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('testOutgoing against the lab', () => {
  it('logs in on submission over STARTTLS with the pinned certificate, and reads the EHLO after TLS', async () => {
    const report = await engine.api.testOutgoing(smtp(lab.ports.submission, 'starttls'), PASSWORD, fingerprint);
    assert.equal(report.ok, true);
    assert.equal(report.encrypted, true);
    assert.ok(report.capabilities.includes('AUTH PLAIN LOGIN'), report.capabilities.join(', '));
    assert.ok(!report.capabilities.includes('STARTTLS'), 'the keywords are those announced after the upgrade');
  });

  it('logs in on SMTPS (implicit TLS) with the pinned certificate', async () => {
    const report = await engine.api.testOutgoing(smtp(lab.ports.smtps, 'tls'), PASSWORD, fingerprint);
    assert.deepEqual([report.ok, report.encrypted], [true, true]);
    assert.ok(report.capabilities.some((keyword) => keyword.startsWith('SIZE')));
  });

  it('without a pin the self-signed certificate is untrusted, and comes with its fingerprint', async () => {
    for (const [port, security] of [[lab.ports.smtps, 'tls'], [lab.ports.submission, 'starttls']] as const) {
      const error = await rejectsWith(engine.api.testOutgoing(smtp(port, security), PASSWORD), 'certificate-untrusted');
      assert.equal((error.detail as CertificateDetail).fingerprint256, fingerprint, security);
    }
  });

  it('refuses settings that are not valid before connecting', async () => {
    await rejectsWith(engine.api.testOutgoing({ ...smtp(lab.ports.smtps, 'tls'), port: 0 }, PASSWORD), 'invalid-input');
  });

  it('STARTTLS stripped from EHLO: requireTLS asks for it anyway, so the login still happens only encrypted', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.submission }, stripCapabilities: ['STARTTLS'] });
    try {
      const report = await engine.api.testOutgoing(smtp(proxy.port, 'starttls'), PASSWORD, fingerprint);
      assert.equal(report.encrypted, true);
      // The last connection is nodemailer's (the first fetched the certificate to check the pin).
      const sent = (proxy.clientSent().at(-1) ?? Buffer.alloc(0)).toString('latin1');
      assert.match(sent, /^EHLO [^\r\n]+\r\nSTARTTLS\r\n/, 'the upgrade comes right after EHLO');
      assert.ok(!/AUTH/i.test(sent) && !sent.includes(PASSWORD), 'nothing of the login is readable on the wire');
    } finally {
      await proxy.close();
    }
  });

  it('STARTTLS stripped and the upgrade blocked: refused as starttls-unavailable, and no AUTH is sent', async () => {
    const proxy = await startFaultProxy({
      target: { host: lab.host, port: lab.ports.submission },
      stripCapabilities: ['STARTTLS'],
      faults: [{ direction: 'client-to-server', trigger: { onText: 'STARTTLS' }, action: { kind: 'cut' } }],
    });
    try {
      // No pin: fetching the certificate to check one would run into the same blocked upgrade first.
      await rejectsWith(engine.api.testOutgoing(smtp(proxy.port, 'starttls'), PASSWORD), 'starttls-unavailable');
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.ok(!/AUTH/i.test(sent), `no AUTH, client sent: ${sent}`);
      assert.ok(!sent.includes(PASSWORD));
    } finally {
      await proxy.close();
    }
  });

  it('a wrong password is auth-failed with the server\'s words', async () => {
    const error = await rejectsWith(engine.api.testOutgoing(smtp(lab.ports.submission, 'starttls'), 'not-the-password-42', fingerprint), 'auth-failed');
    assert.match((error.detail as { serverResponse?: string }).serverResponse ?? '', /^535 /);
  });
});

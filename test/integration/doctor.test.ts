// The connection doctor against the lab: each protocol passes over TLS and STARTTLS, and each failure (wrong security
// mode, wrong password, STARTTLS stripped, a silent server) is named with advice, with no password anywhere in the report.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Protocol, Security } from '../../shared/model';
import type { DoctorReport, DoctorStepName, DoctorTarget } from '../../shared/setup';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { diagnose, type DoctorOptions } from '../../src-main/doctor/diagnose';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;
let profile: string;
let engine: Engine;

const PASSWORD = 'alice-pw-lab';
/** Short waits where a test makes the server silent on purpose; a bound for speed, not a timing assertion. */
const SILENT_WAIT_MS = 300;

function target(protocol: Protocol, port: number, security: Security, username: string | undefined = 'alice'): DoctorTarget {
  return { protocol, host: lab.host, port, security, ...(username ? { username } : {}) };
}

/** Diagnoses with the lab's CA trusted (as `--ca` does), and checks that no form of the password is in the report. */
async function check(doctorTarget: DoctorTarget, password: string | null = PASSWORD, options: DoctorOptions = {}): Promise<DoctorReport> {
  const report = await diagnose(doctorTarget, password, { ca: lab.caPem, ...options });
  if (password) assertNoSecret(report, password);
  return report;
}

function assertNoSecret(report: DoctorReport, password: string): void {
  const json = JSON.stringify(report);
  for (const form of [password, Buffer.from(password).toString('base64'), Buffer.from(`\0alice\0${password}`).toString('base64')]) {
    assert.ok(!json.includes(form), `the report contains a form of the password: ${form}`);
  }
}

function stepNames(report: DoctorReport): string {
  return report.steps.map((step) => `${step.ok ? '✓' : '✗'}${step.name}`).join(' ');
}

function failedAt(report: DoctorReport, name: DoctorStepName, code: string): { summary: string; advice: string } {
  assert.equal(report.ok, false, stepNames(report));
  const last = report.steps.at(-1);
  assert.ok(last && !last.ok, stepNames(report));
  assert.equal(last.name, name, stepNames(report));
  assert.equal(report.error?.code, code, report.error?.message);
  assert.ok(last.advice && last.advice.length > 20, 'a failed step carries advice');
  return { summary: last.summary, advice: last.advice };
}

function passed(report: DoctorReport, expected: DoctorStepName[]): void {
  assert.equal(report.ok, true, `${stepNames(report)}: ${report.error?.message ?? ''} ${report.steps.at(-1)?.advice ?? ''}`);
  assert.deepEqual(report.steps.map((step) => step.name), expected);
}

/** A TCP listener that accepts and never says a word (nor answers a TLS hello). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
  profile = await mkdtemp(path.join(os.tmpdir(), 'heron-doctor-'));
  engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
});

after(async () => {
  await engine?.shutdown();
  await lab?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('connection doctor against the lab', () => {
  it('implicit-TLS IMAP (through the engine, certificate pinned): TLS version, SHA-256 fingerprint, login', async () => {
    const report = await engine.api.diagnose(target('imap', lab.ports.imaps, 'tls'), PASSWORD, fingerprint);
    assertNoSecret(report, PASSWORD);
    passed(report, ['resolve', 'connect', 'tls', 'greeting', 'capabilities', 'login']);
    assert.ok(report.tls);
    assert.equal(report.tls.fingerprint256, fingerprint);
    assert.match(report.tls.version, /^TLSv1\.[23]$/);
    assert.ok(report.tls.cipher.length > 0);
    assert.equal(report.tls.authorized, true);
    assert.equal(report.encrypted, true);
    assert.ok(report.capabilities.includes('CONDSTORE'), 'capabilities as announced after login');
    assert.deepEqual(report.authMechanisms, ['PLAIN', 'LOGIN']);
    assert.ok(report.transcript.includes('C: h2 AUTHENTICATE PLAIN <redacted>'), report.transcript.join('\n'));
  });

  it('stops at an untrusted certificate, shows it, and sends nothing', async () => {
    const report = await diagnose(target('imap', lab.ports.imaps, 'tls'), PASSWORD);
    assertNoSecret(report, PASSWORD);
    const { advice } = failedAt(report, 'tls', 'certificate-untrusted');
    assert.ok(advice.includes(fingerprint), advice);
    assert.equal(report.tls?.fingerprint256, fingerprint);
    assert.equal(report.tls?.authorized, false);
    assert.ok(!report.transcript.some((line) => line.startsWith('C: ')), 'not a word sent over an untrusted connection');
  });

  it('a different pinned certificate fails even when the chain is trusted', async () => {
    const report = await check(target('imap', lab.ports.imaps, 'tls'), PASSWORD, { pinnedFingerprint256: '00'.repeat(32) });
    failedAt(report, 'tls', 'certificate-untrusted');
    assert.ok(!report.steps.some((step) => step.name === 'login'));
  });

  it('IMAP STARTTLS: upgrades, asks for the capabilities again, logs in', async () => {
    const report = await check(target('imap', lab.ports.imap, 'starttls'));
    passed(report, ['resolve', 'connect', 'greeting', 'capabilities', 'starttls', 'tls', 'capabilities', 'login']);
    assert.equal(report.encrypted, true);
    assert.match(report.steps[3]?.summary ?? '', /STARTTLS offered/);
  });

  it('plaintext IMAP with security None: logs in, and the report says it is unencrypted', async () => {
    const report = await check(target('imap', lab.ports.imap, 'none'));
    passed(report, ['resolve', 'connect', 'greeting', 'capabilities', 'login']);
    assert.equal(report.encrypted, false);
    assert.equal(report.tls, null);
    assert.match(report.steps.at(-1)?.summary ?? '', /not encrypted/);
    assert.match(report.steps[3]?.summary ?? '', /Choose STARTTLS/);
  });

  it('POP3 over STLS and over implicit TLS each pass', async () => {
    passed(await check(target('pop3', lab.ports.pop3, 'starttls')), ['resolve', 'connect', 'greeting', 'capabilities', 'starttls', 'tls', 'capabilities', 'login']);
    const implicit = await check(target('pop3', lab.ports.pop3s, 'tls'));
    passed(implicit, ['resolve', 'connect', 'tls', 'greeting', 'capabilities', 'login']);
    assert.ok(implicit.transcript.includes('C: PASS <redacted>'), implicit.transcript.join('\n'));
  });

  it('SMTP submission with STARTTLS and SMTPS each pass, AUTH announced only after TLS', async () => {
    const submission = await check(target('smtp', lab.ports.submission, 'starttls'));
    passed(submission, ['resolve', 'connect', 'greeting', 'capabilities', 'starttls', 'tls', 'capabilities', 'login']);
    assert.deepEqual(submission.authMechanisms, ['PLAIN', 'LOGIN']);
    assert.ok(submission.capabilities.some((keyword) => keyword.startsWith('SIZE')));
    const smtps = await check(target('smtp', lab.ports.smtps, 'tls'));
    passed(smtps, ['resolve', 'connect', 'tls', 'greeting', 'capabilities', 'login']);
    assert.ok(smtps.transcript.includes('C: AUTH PLAIN <redacted>'), smtps.transcript.join('\n'));
  });

  it('without a password it checks everything but the login', async () => {
    passed(await check(target('imap', lab.ports.imaps, 'tls'), null), ['resolve', 'connect', 'tls', 'greeting', 'capabilities']);
  });

  it('TLS spoken to the plaintext port: the plaintext greeting is named, with the matching advice', async () => {
    const report = await check(target('imap', lab.ports.imap, 'tls'));
    const { summary, advice } = failedAt(report, 'tls', 'tls-failed');
    assert.match(summary, /answered in plain text/);
    assert.match(advice, /Choose STARTTLS/);
    assert.ok(report.transcript.some((line) => line.startsWith('S: * OK')), 'the symptom is in the transcript');
  });

  it('plaintext spoken to the TLS port: the silent port is recognised as implicit TLS', async () => {
    const { summary, advice } = failedAt(await check(target('imap', lab.ports.imaps, 'starttls')), 'greeting', 'tls-failed');
    assert.match(summary, /speaks SSL\/TLS from the first byte/);
    assert.match(advice, /Choose SSL\/TLS/);
    failedAt(await check(target('pop3', lab.ports.pop3s, 'none')), 'greeting', 'tls-failed');
  });

  it('a server that sends TLS bytes as its greeting is named a TLS port', async () => {
    // A TLS alert record (unexpected_message), as some TLS servers send to a client that said nothing.
    const server = net.createServer((socket) => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const report = await check(target('imap', (server.address() as net.AddressInfo).port, 'starttls'), PASSWORD, { waitMs: SILENT_WAIT_MS });
      const { advice } = failedAt(report, 'greeting', 'protocol-error');
      assert.match(advice, /expects SSL\/TLS/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  for (const [protocol, port, word] of [
    ['imap', () => lab.ports.imap, 'STARTTLS'],
    ['pop3', () => lab.ports.pop3, 'STLS'],
    ['smtp', () => lab.ports.submission, 'STARTTLS'],
  ] as const) {
    it(`${protocol}: ${word} stripped by a man in the middle is refused, and no credential crosses`, async () => {
      const proxy = await startFaultProxy({ target: { host: lab.host, port: port() }, stripCapabilities: [word] });
      try {
        const report = await check(target(protocol, proxy.port, 'starttls'));
        const { summary } = failedAt(report, 'starttls', 'starttls-unavailable');
        assert.match(summary, /refuses to continue in plain text/);
        assert.ok(!report.steps.some((step) => step.name === 'login'));
        const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
        assert.ok(sent.length > 0, 'the doctor did talk to the server');
        assert.ok(!/LOGIN|AUTH|USER|PASS/i.test(sent), `no login attempt, client sent: ${sent}`);
        assert.ok(!sent.includes(PASSWORD));
      } finally {
        await proxy.close();
      }
    });
  }

  it('a server that never greets ends in a timeout, on the STARTTLS and the TLS path', async () => {
    const server = await silentServer();
    try {
      const options = { waitMs: SILENT_WAIT_MS };
      const greeting = failedAt(await check(target('imap', server.port, 'starttls'), PASSWORD, options), 'greeting', 'timeout');
      assert.match(greeting.advice, /try again later/);
      failedAt(await check(target('smtp', server.port, 'tls'), PASSWORD, options), 'tls', 'timeout');
    } finally {
      await server.close();
    }
  });

  it('a closed port is connection-refused, an unknown host is host-not-found', async () => {
    const server = await silentServer();
    const closedPort = server.port;
    await server.close();
    failedAt(await check(target('imap', closedPort, 'tls')), 'connect', 'connection-refused');
    failedAt(await check({ ...target('imap', 993, 'tls'), host: 'no-such-host.invalid' }), 'resolve', 'host-not-found');
  });

  it('redacts the LOGIN command too, even where the password crossed in the clear by choice', async () => {
    // Without AUTH=PLAIN on offer the doctor falls back to LOGIN; security None means the person chose plaintext.
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap }, stripCapabilities: ['AUTH=PLAIN'] });
    try {
      const report = await check(target('imap', proxy.port, 'none'));
      passed(report, ['resolve', 'connect', 'greeting', 'capabilities', 'login']);
      assert.ok(report.transcript.includes('C: h2 LOGIN "alice" <redacted>'), report.transcript.join('\n'));
      assert.ok(Buffer.concat(proxy.clientSent()).toString('latin1').includes(PASSWORD), 'the password did cross (None was chosen), yet the report has none');
    } finally {
      await proxy.close();
    }
  });

  it('a wrong password gets the auth-failed advice: full address, app password', async () => {
    // Last of the logins: Dovecot slows further logins from this address after a failure.
    const wrong = 'not-the-password-42';
    const report = await check(target('imap', lab.ports.imaps, 'tls'), wrong);
    const { advice } = failedAt(report, 'login', 'auth-failed');
    assert.match(advice, /full email address/);
    assert.match(advice, /app password/);
    assert.ok(report.transcript.some((line) => /^S: h\d+ NO /.test(line)), report.transcript.join('\n'));
  });
});

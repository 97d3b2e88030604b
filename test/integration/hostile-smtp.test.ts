// The SMTP side of the engine against a hostile server (security.md C3, C5, C9, B18): checkOutgoing, the outbox's
// sender (createSmtpSender, classified as the outbox does) and the connection doctor, each case ending in a
// vocabulary code with no password in clear.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { HeronError, type ErrorCode } from '../../shared/errors';
import type { OutgoingSettings, Security } from '../../shared/model';
import type { PinnedCertificate } from '../../src-main/engine/accounts';
import { diagnose, type DoctorOptions } from '../../src-main/doctor/diagnose';
import { checkOutgoing } from '../../src-main/doctor/outgoing';
import { failedOutcome } from '../../src-main/smtp/send-outcome';
import { createSmtpSender, type SmtpWaits } from '../../src-main/smtp/transport';
import {
  acceptedWithin,
  HostileCases,
  hostileSuite,
  refusedWith,
  startHostileServer,
  type HostileServer,
  type HostileServerOptions,
  type Rule,
  type Script,
  type Step,
} from '../support/hostile-server';

const USER = 'alice';
const PASSWORD = 'Canary-smtp-93e0a5';
/** Short waits for the cases that wait something out; checkOutgoing's deadline is their sum. */
const WAITS: SmtpWaits = { connectionMs: 300, greetingMs: 300, socketMs: 300 };
const DOCTOR_WAIT_MS = 300;
/** Commands that carry the password or start a message: none may follow a refusal. */
const LOGIN_OR_MAIL = /^(AUTH|MAIL FROM|RCPT TO|DATA)\b/im;
const MESSAGE = Buffer.from('From: alice@hostile.test\r\nTo: bob@hostile.test\r\nSubject: hostile\r\n\r\nHello.\r\n');

const cases = new HostileCases({
  starttls: { name: 'SMTP: STARTTLS not offered or refused', outcome: 'starttls-unavailable (EHLO refused too); no AUTH or MAIL FROM sent; the outbox fails the message, never sends in clear' },
  injection: { name: 'SMTP: responses injected after the 220 to STARTTLS', outcome: 'discarded: AUTH follows the EHLO asked over TLS; the doctor says tls-failed' },
  endless: { name: 'SMTP: endless lines and oversized replies', outcome: 'protocol-error at 1 MB (greeting, EHLO line, EHLO continuation lines); no AUTH' },
  certificate: { name: 'SMTP: bad certificates', outcome: 'certificate-untrusted (self-signed, expired, wrong host, over STARTTLS too, in the outbox too); nothing sent after the handshake' },
  slow: { name: 'SMTP: slow-loris and silent servers', outcome: 'timeout within the waits given; an EHLO dripped forever stopped by the check deadline (and the doctor step deadline)' },
});

const certificates = hostileSuite('hostile-smtp', cases);

/** A multi-line 250 reply to EHLO announcing `keywords`. */
function ehlo(keywords: readonly string[]): Step {
  const lines = ['hostile.test greets you', ...keywords];
  return lines.map((line, at) => `250${at === lines.length - 1 ? ' ' : '-'}${line}\r\n`).join('');
}

/** An SMTP server that goes along with the client unless `rules` (tried first) say otherwise. */
function smtpServer({ greeting = ['220 hostile.test ESMTP\r\n'], keywords = ['STARTTLS', 'AUTH PLAIN LOGIN'], rules = [] }: { greeting?: Step[]; keywords?: string[]; rules?: Rule[] }): Script {
  return {
    greeting,
    rules: [
      ...rules,
      { on: /^EHLO /, reply: [ehlo(keywords)] },
      { on: 'STARTTLS', reply: keywords.includes('STARTTLS') ? ['220 2.0.0 go ahead\r\n', { tls: true }] : ['502 5.5.1 STARTTLS not offered\r\n'] },
      { on: /^AUTH /, reply: ['235 2.7.0 accepted\r\n'] },
      { on: /^(MAIL FROM|RCPT TO|RSET|NOOP)/, reply: ['250 ok\r\n'] },
      { on: 'DATA', reply: ['354 go on\r\n'] },
      { on: '.', reply: ['250 2.0.0 queued\r\n'] },
      { on: 'QUIT', reply: ['221 bye\r\n', 'close'] },
    ],
    // Lines of a message (DATA) get no answer; unknown commands a 502.
    otherwise: (line) => (/^[A-Z]{4}\b/.test(line) ? ['502 5.5.2 unknown command\r\n'] : []),
  };
}

function settings(port: number, security: Security): OutgoingSettings {
  return { host: '127.0.0.1', port, security, username: USER };
}

async function serve(t: TestContext, options: HostileServerOptions): Promise<HostileServer> {
  const server = await startHostileServer(options);
  t.after(() => server.close());
  return server;
}

/** One message through the outbox's sender; a failure is classified exactly as the outbox classifies it. */
async function send(port: number, security: Security, pinned: PinnedCertificate | null, waits?: SmtpWaits) {
  const sender = createSmtpSender(settings(port, security), PASSWORD, pinned, waits);
  try {
    const result = await sender.send(MESSAGE, { from: 'alice@hostile.test', to: ['bob@hostile.test'] });
    if (result.ok) return result.info;
    const { report } = failedOutcome(result.error, result.facts, settings(port, security), 1, Date.now());
    assert.equal(report.kind, 'failed', 'the outbox would try this again by itself, or call it delivered');
    throw HeronError.fromData(report.error);
  } finally {
    sender.close();
  }
}

function doctor(port: number, security: Security, options: DoctorOptions = {}) {
  return diagnose({ protocol: 'smtp', host: '127.0.0.1', port, security, username: USER }, PASSWORD, { waitMs: DOCTOR_WAIT_MS, ...options });
}

async function doctorRefused(report: ReturnType<typeof doctor>, code: ErrorCode) {
  const found = await acceptedWithin(report);
  assert.equal(found.ok, false, 'the doctor passed a hostile server');
  assert.equal(found.error?.code, code, found.error?.message);
  assert.ok(!JSON.stringify(found).includes(PASSWORD), 'the password is in the doctor report');
  return found;
}

function refused<C extends ErrorCode>(work: Promise<unknown>, code: C) {
  return refusedWith(work, code, USER, PASSWORD);
}

/** No form of the password crossed in clear; with `nothingSent`, no AUTH or message command was sent at all. */
function assertNoCredential(server: HostileServer, nothingSent = true): void {
  assert.deepEqual(server.leaked(USER, PASSWORD), [], 'the password crossed in clear');
  if (nothingSent) assert.doesNotMatch(server.clearText() + server.securedText(), LOGIN_OR_MAIL, 'AUTH or a message command was sent');
}

describe('SMTP against a hostile server', () => {
  describe('STARTTLS stripped or refused (C3)', () => {
    const variants: [string, Parameters<typeof smtpServer>[0]][] = [
      ['not in EHLO (asked for anyway, 502)', { keywords: ['AUTH PLAIN LOGIN'] }],
      ['answered 454', { rules: [{ on: 'STARTTLS', reply: ['454 4.7.0 TLS not available\r\n'] }] }],
      ['answered 502', { rules: [{ on: 'STARTTLS', reply: ['502 5.5.1 no\r\n'] }] }],
      // EAST O_4: the reply that starts DATA, where the go-ahead belongs.
      ['answered 354', { rules: [{ on: 'STARTTLS', reply: ['354 go on\r\n'] }] }],
      // EAST D_1: no ESMTP at all; HELO cannot offer STARTTLS.
      ['impossible (EHLO refused, HELO accepted)', { rules: [{ on: /^EHLO /, reply: ['500 5.5.1 what is EHLO\r\n'] }, { on: /^HELO /, reply: ['250 hostile.test\r\n'] }] }],
    ];
    for (const [name, options] of variants) {
      it(`STARTTLS ${name}: starttls-unavailable, no AUTH`, (t) =>
        cases.run('starttls', async () => {
          const server = await serve(t, { play: smtpServer(options) });
          await refused(checkOutgoing(settings(server.port, 'starttls'), PASSWORD, null), 'starttls-unavailable');
          assertNoCredential(server);
        }));
    }

    it('the outbox: starttls-unavailable, the message failed (not retried in clear), no MAIL FROM', (t) =>
      cases.run('starttls', async () => {
        const server = await serve(t, { play: smtpServer({ keywords: ['AUTH PLAIN'] }) });
        await refused(send(server.port, 'starttls', null), 'starttls-unavailable');
        assertNoCredential(server);
      }));

    it('the doctor stops the same way, before the login step', (t) =>
      cases.run('starttls', async () => {
        const missing = await serve(t, { play: smtpServer({ keywords: ['AUTH PLAIN'] }) });
        const report = await doctorRefused(doctor(missing.port, 'starttls'), 'starttls-unavailable');
        assert.ok(!report.steps.some((step) => step.name === 'login'));
        assertNoCredential(missing);
        const refusing = await serve(t, { play: smtpServer({ rules: [{ on: 'STARTTLS', reply: ['454 4.7.0 no\r\n'] }] }) });
        await doctorRefused(doctor(refusing.port, 'starttls'), 'starttls-unavailable');
        assertNoCredential(refusing);
      }));
  });

  describe('responses injected after the 220 to STARTTLS (C5)', () => {
    // Over TLS the server offers AUTH PLAIN only: had the injected EHLO answer been believed, the client would use LOGIN.
    const afterTls = () =>
      smtpServer({
        rules: [
          { on: 'STARTTLS', reply: ['220 2.0.0 go ahead\r\n250-hostile.test\r\n250 AUTH LOGIN\r\n', { tls: true }] },
          { on: /^EHLO /, reply: (_match, peer) => [ehlo(peer.handshake === 'done' ? ['AUTH PLAIN'] : ['STARTTLS', 'AUTH LOGIN'])] },
        ],
      });

    it('an EHLO answer offering AUTH LOGIN: discarded, the check logs in with what the server said over TLS', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: afterTls() });
        const report = await acceptedWithin(checkOutgoing(settings(server.port, 'starttls'), PASSWORD, certificates.selfSigned.pinned));
        assert.deepEqual(report.capabilities, ['AUTH PLAIN']);
        assert.match(server.securedText(), /^AUTH PLAIN /m);
        assert.doesNotMatch(server.securedText(), /^AUTH LOGIN/m, 'the injected mechanism was used');
        assertNoCredential(server, false);
      }));

    it('the same through the outbox: delivered over TLS, the message and the password inside TLS only', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: afterTls() });
        const info = await acceptedWithin(send(server.port, 'starttls', certificates.selfSigned.pinned));
        assert.deepEqual(info.accepted, ['bob@hostile.test']);
        assert.match(server.securedText(), /^MAIL FROM:<alice@hostile\.test>/m);
        assert.doesNotMatch(server.clearText(), LOGIN_OR_MAIL);
        // The recording does see a password when one is sent: here it went (SASL PLAIN), inside TLS only.
        assert.ok(server.securedText().includes(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')));
        assertNoCredential(server, false);
      }));

    it('the doctor refuses an injection with tls-failed', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: afterTls() });
        await doctorRefused(doctor(server.port, 'starttls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'tls-failed');
        assertNoCredential(server);
      }));
  });

  describe('endless lines and oversized replies (B18)', () => {
    const variants: [string, Parameters<typeof smtpServer>[0]][] = [
      ['a greeting of 8 MiB with no line end', { greeting: ['220 ', { flood: 8 * 1024 * 1024 }, 'hang'] }],
      ['an EHLO line of 8 MiB with no line end', { rules: [{ on: /^EHLO /, reply: ['250-', { flood: 8 * 1024 * 1024 }, 'hang'] }] }],
      ['an EHLO reply of 200,000 continuation lines', { rules: [{ on: /^EHLO /, reply: ['250-X-PADDING\r\n'.repeat(200_000), 'hang'] }] }],
    ];
    for (const [name, options] of variants) {
      it(`${name}: protocol-error, no AUTH`, (t) =>
        cases.run('endless', async () => {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: smtpServer(options) });
          await refused(checkOutgoing(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned), 'protocol-error');
          assertNoCredential(server);
        }));
    }
  });

  describe('bad certificates (C9)', () => {
    const variants = [
      ['self-signed, not pinned', () => certificates.selfSigned, null],
      ['expired, though pinned', () => certificates.expired, () => certificates.expired.pinned],
      // A pin vouches for the certificate whatever name it carries (certificate.ts), so this one is not pinned.
      ['for another host, not pinned', () => certificates.wrongHost, null],
    ] as const;
    for (const [name, certificate, pin] of variants) {
      it(`implicit TLS, ${name}: certificate-untrusted with the certificate to inspect, nothing sent after the handshake`, (t) =>
        cases.run('certificate', async () => {
          const server = await serve(t, { implicitTls: certificate(), play: smtpServer({}) });
          const error = await refused(checkOutgoing(settings(server.port, 'tls'), PASSWORD, pin?.() ?? null), 'certificate-untrusted');
          assert.equal(error.detail?.fingerprint256, certificate().pinned.fingerprint256);
          assert.equal((await server.done).handshake, 'failed');
          assert.equal(server.securedText(), '', 'something was sent over the untrusted connection');
          assertNoCredential(server);
        }));
    }

    it('STARTTLS to a self-signed certificate, not pinned: certificate-untrusted', (t) =>
      cases.run('certificate', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: smtpServer({}) });
        const error = await refused(checkOutgoing(settings(server.port, 'starttls'), PASSWORD, null), 'certificate-untrusted');
        assert.equal(error.detail?.fingerprint256, certificates.selfSigned.pinned.fingerprint256);
        assert.equal((await server.done).handshake, 'failed');
        assert.doesNotMatch(server.securedText(), LOGIN_OR_MAIL);
        assertNoCredential(server);
      }));

    it('the outbox, to a self-signed certificate: certificate-untrusted, the message failed, nothing sent', (t) =>
      cases.run('certificate', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: smtpServer({}) });
        await refused(send(server.port, 'tls', null), 'certificate-untrusted');
        assert.equal(server.securedText(), '');
        assertNoCredential(server);
      }));

    it('the doctor names the reason: a certificate for another host, and an expired one', (t) =>
      cases.run('certificate', async () => {
        for (const [certificate, reason] of [
          [certificates.wrongHost, /ALTNAME|HOSTNAME/],
          [certificates.expired, /CERT_HAS_EXPIRED/],
        ] as const) {
          const server = await serve(t, { implicitTls: certificate, play: smtpServer({}) });
          const report = await doctorRefused(doctor(server.port, 'tls', { ca: certificate.pem }), 'certificate-untrusted');
          assert.match((report.error?.detail as { reason?: string } | undefined)?.reason ?? '', reason);
          assertNoCredential(server);
        }
      }));
  });

  describe('slow-loris and silent servers', () => {
    const silent: Parameters<typeof smtpServer>[0] = { greeting: ['hang'] };
    const greetingForever: Parameters<typeof smtpServer>[0] = { greeting: ['220 ', { dripForever: 'slow ', everyMs: 5 }] };
    // Each line restarts nodemailer's silence limit; only the check's deadline ends this.
    const ehloForever: Parameters<typeof smtpServer>[0] = { rules: [{ on: /^EHLO /, reply: [{ dripForever: '250-X-SLOW\r\n', everyMs: 5 }] }] };
    const variants: [string, Parameters<typeof smtpServer>[0]][] = [
      ['a server that never greets', silent],
      ['a greeting dripped a byte at a time, never ending', greetingForever],
      ['an EHLO reply dripped line by line forever', ehloForever],
      ['an EHLO reply dripped a byte at a time, never ending', { rules: [{ on: /^EHLO /, reply: ['250 ', { dripForever: 'slow ', everyMs: 5 }] }] }],
    ];
    for (const [name, options] of variants) {
      it(`${name}: timeout, no AUTH`, (t) =>
        cases.run('slow', async () => {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: smtpServer(options) });
          await refused(checkOutgoing(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned, WAITS), 'timeout');
          assertNoCredential(server);
        }));
    }

    it('the outbox, against silence and a greeting that never ends: timeout, retried later, nothing sent', (t) =>
      cases.run('slow', async () => {
        for (const options of [silent, greetingForever]) {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: smtpServer(options) });
          const sender = createSmtpSender(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned, WAITS);
          try {
            const result = await acceptedWithin(sender.send(MESSAGE, { from: 'alice@hostile.test', to: ['bob@hostile.test'] }));
            assert.ok(!result.ok, 'the message went to a server that never greeted');
            const { report } = failedOutcome(result.error, result.facts, settings(server.port, 'tls'), 1, Date.now());
            assert.ok(report.kind === 'retry', `the outbox made it ${report.kind}`);
            assert.equal(report.error.code, 'timeout');
          } finally {
            sender.close();
          }
          assertNoCredential(server);
        }
      }));

    it('the doctor, against an EHLO dripped forever and against silence: timeout', (t) =>
      cases.run('slow', async () => {
        for (const options of [ehloForever, silent]) {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: smtpServer(options) });
          await doctorRefused(doctor(server.port, 'tls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'timeout');
          assertNoCredential(server);
        }
      }));
  });
});

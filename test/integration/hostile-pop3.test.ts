// The POP3 side of the engine against a hostile server (security.md C3, C5, C9, B18): checkIncoming, openPop3 (the
// session sync opens) and the connection doctor, each case ending in a vocabulary code with no password in clear.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ErrorCode } from '../../shared/errors';
import type { IncomingSettings, Security } from '../../shared/model';
import type { PinnedCertificate } from '../../src-main/engine/accounts';
import { diagnose, type DoctorOptions } from '../../src-main/doctor/diagnose';
import { checkIncoming } from '../../src-main/engine/incoming';
import { openPop3, type Pop3OpenOptions, type Pop3Session } from '../../src-main/pop3/client';
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
const PASSWORD = 'Canary-pop3-7d20b1';
/** Per-reply wait for the cases that wait something out (the whole login may take eight of them). */
const REPLY_WAIT_MS = 200;
const DOCTOR_WAIT_MS = 300;
/** Commands that carry the password (or its APOP digest): none may follow a refusal. */
const LOGIN = /^(USER|PASS|APOP|AUTH)\b/im;

const cases = new HostileCases({
  starttls: { name: 'POP3: STLS not offered or refused', outcome: 'starttls-unavailable (a "+ " reply: protocol-error); no USER, PASS, APOP or AUTH sent' },
  injection: { name: 'POP3: responses injected after the STLS +OK', outcome: 'discarded: the login follows the CAPA asked over TLS; the doctor says tls-failed' },
  state: { name: 'POP3: replies before the command', outcome: 'a pre-answered CAPA and STLS desynchronise the dialogue into tls-failed; no credential in clear' },
  sizes: { name: 'POP3: absurd sizes and counts', outcome: 'protocol-error for numbers past 2^53 in STAT and LIST' },
  endless: { name: 'POP3: endless lines (8 MiB, no CRLF)', outcome: 'protocol-error past 8 KiB on a status line and past maxMessageBytes in a RETR; timeout inside CAPA' },
  certificate: { name: 'POP3: bad certificates', outcome: 'certificate-untrusted (self-signed, expired, wrong host, over STLS too); nothing sent after the handshake' },
  slow: { name: 'POP3: slow-loris and silent servers', outcome: 'timeout within the waits given; a CAPA dripped forever stopped by the login deadline (and the doctor step deadline)' },
});

const certificates = hostileSuite('hostile-pop3', cases);

const capa = (...items: string[]): Step => `+OK\r\n${items.map((item) => `${item}\r\n`).join('')}.\r\n`;

/** A POP3 server that goes along with the client unless `rules` (tried first) say otherwise. */
function pop3Server({ greeting = ['+OK hostile POP3 ready\r\n'], capabilities = ['USER', 'UIDL'], rules = [] }: { greeting?: Step[]; capabilities?: string[]; rules?: Rule[] }): Script {
  return {
    greeting,
    rules: [
      ...rules,
      { on: 'CAPA', reply: [capa(...capabilities)] },
      { on: 'STLS', reply: ['+OK begin TLS\r\n', { tls: true }] },
      { on: /^(USER|PASS|APOP|AUTH) /, reply: ['+OK\r\n'] },
      { on: 'STAT', reply: ['+OK 0 0\r\n'] },
      { on: 'QUIT', reply: ['+OK bye\r\n', 'close'] },
    ],
    otherwise: () => ['-ERR unknown command\r\n'],
  };
}

function settings(port: number, security: Security): IncomingSettings {
  return { protocol: 'pop3', host: '127.0.0.1', port, security, username: USER };
}

async function serve(t: TestContext, options: HostileServerOptions): Promise<HostileServer> {
  const server = await startHostileServer(options);
  t.after(() => server.close());
  return server;
}

/** openPop3 with a short reply wait, the session closed again by the caller's `use` (or at once). */
async function withSession<T>(port: number, security: Security, pinned: PinnedCertificate | null, use: (session: Pop3Session) => Promise<T>, options: Pop3OpenOptions = {}): Promise<T> {
  const session = await openPop3(settings(port, security), PASSWORD, pinned, { replyTimeoutMs: REPLY_WAIT_MS, ...options });
  try {
    return await use(session);
  } finally {
    session.close();
  }
}

const justOpen = (port: number, security: Security, pinned: PinnedCertificate | null) => withSession(port, security, pinned, async () => undefined);

function doctor(port: number, security: Security, options: DoctorOptions = {}) {
  return diagnose({ protocol: 'pop3', host: '127.0.0.1', port, security, username: USER }, PASSWORD, { waitMs: DOCTOR_WAIT_MS, ...options });
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

/** No form of the password crossed in clear; with `nothingSent`, no login command was sent at all. */
function assertNoCredential(server: HostileServer, nothingSent = true): void {
  assert.deepEqual(server.leaked(USER, PASSWORD), [], 'the password crossed in clear');
  if (nothingSent) assert.doesNotMatch(server.clearText() + server.securedText(), LOGIN, 'a login command was sent');
}

describe('POP3 against a hostile server', () => {
  describe('STLS stripped or refused (C3)', () => {
    const variants: [string, Parameters<typeof pop3Server>[0], ErrorCode][] = [
      ['not in CAPA', { capabilities: ['USER', 'SASL PLAIN', 'UIDL'] }, 'starttls-unavailable'],
      // EAST O_4: no CAPA at all, and an APOP timestamp to tempt a digest login in clear.
      ['hidden (CAPA refused), APOP offered in the greeting', { greeting: ['+OK ready <1896.697170952@hostile.test>\r\n'], rules: [{ on: 'CAPA', reply: ['-ERR what is CAPA\r\n'] }] }, 'starttls-unavailable'],
      ['answered -ERR', { capabilities: ['STLS', 'USER'], rules: [{ on: 'STLS', reply: ['-ERR not now\r\n'] }] }, 'starttls-unavailable'],
      ['answered with a SASL continuation', { capabilities: ['STLS', 'USER'], rules: [{ on: 'STLS', reply: ['+ go ahead\r\n'] }] }, 'protocol-error'],
    ];
    for (const [name, options, code] of variants) {
      it(`STLS ${name}: ${code}, no credential sent`, (t) =>
        cases.run('starttls', async () => {
          const server = await serve(t, { play: pop3Server(options) });
          await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, null), code);
          assertNoCredential(server);
        }));
    }

    it('the doctor stops the same way, before the login step', (t) =>
      cases.run('starttls', async () => {
        const missing = await serve(t, { play: pop3Server({}) });
        const report = await doctorRefused(doctor(missing.port, 'starttls'), 'starttls-unavailable');
        assert.ok(!report.steps.some((step) => step.name === 'login'));
        assertNoCredential(missing);
        const refusing = await serve(t, { play: pop3Server({ capabilities: ['STLS'], rules: [{ on: 'STLS', reply: ['-ERR no\r\n'] }] }) });
        await doctorRefused(doctor(refusing.port, 'starttls'), 'starttls-unavailable');
        assertNoCredential(refusing);
      }));
  });

  describe('responses injected after the STLS +OK (C5)', () => {
    // TLS, then a CAPA that allows only USER/PASS: had the injected list been believed, the login would be SASL PLAIN.
    const afterTls = (injected: string) =>
      pop3Server({
        capabilities: ['STLS', 'USER'],
        rules: [{ on: 'STLS', reply: [`+OK begin TLS\r\n${injected}`, { tls: true }] }, { on: 'CAPA', reply: (_match, peer) => [peer.handshake === 'done' ? capa('USER', 'UIDL') : capa('STLS', 'USER')] }],
      });
    const injections = [
      ['a CAPA answer offering SASL PLAIN', '+OK\r\nSASL PLAIN\r\nIMPLEMENTATION injected\r\n.\r\n'],
      ['answers to the next commands', '+OK\r\n+OK logged in\r\n+OK\r\n'],
    ] as const;
    for (const [name, injected] of injections) {
      it(`${name}: discarded, the login follows what the server said over TLS`, (t) =>
        cases.run('injection', async () => {
          const server = await serve(t, { certificate: certificates.selfSigned, play: afterTls(injected) });
          const method = await acceptedWithin(withSession(server.port, 'starttls', certificates.selfSigned.pinned, async (session) => session.authMethod));
          assert.equal(method, 'user-pass');
          assert.deepEqual((await server.done).commands, ['CAPA', 'STLS', 'CAPA', `USER ${USER}`, `PASS ${PASSWORD}`, 'CAPA']);
          // The recording does see a password when one is sent: here it went, inside TLS only.
          assert.ok(server.securedText().includes(PASSWORD));
          assertNoCredential(server, false);
        }));
    }

    it('the doctor refuses an injection with tls-failed', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: afterTls(injections[0][1]) });
        await doctorRefused(doctor(server.port, 'starttls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'tls-failed');
        assertNoCredential(server);
      }));
  });

  describe('replies before the command', () => {
    it('a CAPA listing STLS and an STLS go-ahead sent before they were asked: tls-failed, nothing in clear', (t) =>
      cases.run('state', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: pop3Server({ greeting: [`+OK ready\r\n${capa('STLS', 'USER')}+OK begin TLS\r\n`], capabilities: ['USER'] }) });
        await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, certificates.selfSigned.pinned), 'tls-failed');
        assertNoCredential(server);
      }));
  });

  describe('absurd sizes and counts (B18)', () => {
    for (const [command, reply] of [
      ['STAT', '+OK 99999999999999999999 99999999999\r\n'],
      ['LIST', '+OK\r\n1 99999999999999999999\r\n.\r\n'],
    ] as const) {
      it(`${command} with a number past 2^53: protocol-error`, (t) =>
        cases.run('sizes', async () => {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server({ rules: [{ on: command, reply: [reply] }] }) });
          await refused(withSession<unknown>(server.port, 'tls', certificates.selfSigned.pinned, (session) => (command === 'STAT' ? session.stat() : session.list())), 'protocol-error');
          assertNoCredential(server, false);
        }));
    }
  });

  describe('endless lines (B18)', () => {
    it('a greeting of 8 MiB with no line end: protocol-error, no login', (t) =>
      cases.run('endless', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server({ greeting: ['+OK ', { flood: 8 * 1024 * 1024 }, 'hang'] }) });
        await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned), 'protocol-error');
        assertNoCredential(server);
      }));

    it('a CAPA reply of 8 MiB with no line end: timeout, no login', (t) =>
      cases.run('endless', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server({ rules: [{ on: 'CAPA', reply: ['+OK\r\n', { flood: 8 * 1024 * 1024 }, 'hang'] }] }) });
        await refused(justOpen(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
        assertNoCredential(server);
      }));

    it('a RETR of 8 MiB with no line end: protocol-error at maxMessageBytes', (t) =>
      cases.run('endless', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server({ rules: [{ on: 'RETR 1', reply: ['+OK\r\n', { flood: 8 * 1024 * 1024 }, 'hang'] }] }) });
        await refused(withSession(server.port, 'tls', certificates.selfSigned.pinned, (session) => session.retr(1), { maxMessageBytes: 1024 * 1024 }), 'protocol-error');
        assertNoCredential(server, false);
      }));
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
          const server = await serve(t, { implicitTls: certificate(), play: pop3Server({}) });
          const error = await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, pin?.() ?? null), 'certificate-untrusted');
          assert.equal(error.detail?.fingerprint256, certificate().pinned.fingerprint256);
          assert.equal((await server.done).handshake, 'failed');
          assert.equal(server.securedText(), '', 'something was sent over the untrusted connection');
          assertNoCredential(server);
        }));
    }

    it('STLS to a self-signed certificate, not pinned: certificate-untrusted', (t) =>
      cases.run('certificate', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: pop3Server({ capabilities: ['STLS', 'USER'] }) });
        const error = await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, null), 'certificate-untrusted');
        assert.equal(error.detail?.fingerprint256, certificates.selfSigned.pinned.fingerprint256);
        assert.equal((await server.done).handshake, 'failed');
        assert.equal(server.securedText(), '');
        assertNoCredential(server);
      }));

    it('the doctor names the reason: a certificate for another host, and an expired one', (t) =>
      cases.run('certificate', async () => {
        for (const [certificate, reason] of [
          [certificates.wrongHost, /ALTNAME|HOSTNAME/],
          [certificates.expired, /CERT_HAS_EXPIRED/],
        ] as const) {
          const server = await serve(t, { implicitTls: certificate, play: pop3Server({}) });
          const report = await doctorRefused(doctor(server.port, 'tls', { ca: certificate.pem }), 'certificate-untrusted');
          assert.match((report.error?.detail as { reason?: string } | undefined)?.reason ?? '', reason);
          assertNoCredential(server);
        }
      }));
  });

  describe('slow-loris and silent servers', () => {
    const silent: Parameters<typeof pop3Server>[0] = { greeting: ['hang'] };
    // Every chunk restarts a data reply's wait; only the login deadline ends this.
    const capaForever: Parameters<typeof pop3Server>[0] = { rules: [{ on: 'CAPA', reply: ['+OK\r\n', { dripForever: 'X-SLOW\r\n', everyMs: 5 }] }] };
    const variants: [string, Parameters<typeof pop3Server>[0]][] = [
      ['a server that never greets', silent],
      ['a greeting dripped a byte at a time, never ending', { greeting: ['+OK ', { dripForever: 'slow ', everyMs: 5 }] }],
      ['a CAPA list dripped line by line forever', capaForever],
      ['a USER reply dripped a byte at a time, never ending', { rules: [{ on: /^USER /, reply: ['+OK ', { dripForever: 'slow ', everyMs: 5 }] }] }],
    ];
    for (const [name, options] of variants) {
      it(`${name}: timeout, no password`, (t) =>
        cases.run('slow', async () => {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server(options) });
          await refused(justOpen(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
          assert.doesNotMatch(server.securedText(), /^PASS /m, 'the password followed an unfinished reply');
          assertNoCredential(server, false);
        }));
    }

    it('the doctor, against a CAPA dripped forever and against silence: timeout', (t) =>
      cases.run('slow', async () => {
        for (const options of [capaForever, silent]) {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: pop3Server(options) });
          await doctorRefused(doctor(server.port, 'tls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'timeout');
          assertNoCredential(server);
        }
      }));
  });
});

// The IMAP side of the engine against a hostile server (security.md C3–C6, C9, B18): checkIncoming, the session sync
// opens (openImapSession) and the connection doctor, each case ending in a vocabulary code with no password in clear.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ErrorCode } from '../../shared/errors';
import type { IncomingSettings, Security } from '../../shared/model';
import type { PinnedCertificate } from '../../src-main/engine/accounts';
import { diagnose, type DoctorOptions } from '../../src-main/doctor/diagnose';
import { checkIncoming } from '../../src-main/engine/incoming';
import { closeImapSession, openImapSession, type ImapWaits } from '../../src-main/imap/session';
import {
  acceptedWithin,
  HostileCases,
  hostileSuite,
  refusedWith,
  startHostileServer,
  type HostilePeer,
  type HostileServer,
  type HostileServerOptions,
  type Rule,
  type Script,
  type Step,
} from '../support/hostile-server';

const USER = 'alice';
const PASSWORD = 'Canary-imap-4f1c9e';
/** Short waits for the cases that wait something out; the login deadline leaves room for a scripted login before it. */
const WAITS: ImapWaits = { connectionMs: 2_000, greetingMs: 400, socketMs: 400, loginMs: 1_000 };
/** For the doctor: every line read within this, every step within four of them. */
const DOCTOR_WAIT_MS = 300;
/** Commands that carry the password, or open a mailbox, or store mail in one: none may follow a refusal. */
const LOGIN_OR_MAILBOX = /^\S+ (LOGIN|AUTHENTICATE|SELECT|EXAMINE|APPEND|FETCH|UID|STATUS)\b/im;

const cases = new HostileCases({
  starttls: { name: 'IMAP: STARTTLS not offered or refused', outcome: 'starttls-unavailable (a "+" continuation: timeout); no LOGIN or AUTHENTICATE sent' },
  preauth: { name: 'IMAP: PREAUTH greeting', outcome: 'refused in clear (STARTTLS: starttls-unavailable, none: unsupported); accepted over verified TLS, no password sent' },
  injection: { name: 'IMAP: responses injected after the STARTTLS OK', outcome: 'tls-failed before the handshake; no command after STARTTLS, nothing injected believed' },
  state: { name: 'IMAP: untagged data in the wrong state', outcome: 'pre-TLS FETCH/EXISTS/LIST ignored; BYE mid-command: connection-lost; capability changes after login: one login, no STARTTLS' },
  literal: { name: 'IMAP: absurd and huge literals', outcome: 'protocol-error at once for {99999999999}; timeout for a huge literal that never arrives' },
  endless: { name: 'IMAP: endless lines (8 MiB, no CRLF)', outcome: 'timeout, in the greeting and inside a reply' },
  certificate: { name: 'IMAP: bad certificates', outcome: 'certificate-untrusted (self-signed, expired, wrong host, over STARTTLS too); nothing sent after the handshake' },
  slow: { name: 'IMAP: slow-loris and silent servers', outcome: 'timeout within the waits given; replies dripped forever stopped by the login deadline (and the doctor step deadline)' },
});

const certificates = hostileSuite('hostile-imap', cases);

/** A rule for a tagged command (a regexp alternation of command words); the reply gets the client's tag. */
function tagged(command: string, reply: (tag: string, peer: HostilePeer) => Step[]): Rule {
  return { on: new RegExp(`^(\\S+) (?:${command})\\b`, 'i'), reply: ([, tag = ''], peer) => reply(tag, peer) };
}

/**
 * An IMAP server that goes along with the client unless `rules` (tried first) say otherwise. Without AUTH=PLAIN the
 * client logs in with LOGIN, so the password travels on one command line where the recording can see it.
 */
function imapServer({ greeting = ['* OK hostile IMAP ready\r\n'], capability = 'IMAP4rev1 NAMESPACE', rules = [] }: { greeting?: Step[]; capability?: string | ((peer: HostilePeer) => string); rules?: Rule[] }): Script {
  const words = (peer: HostilePeer) => (typeof capability === 'string' ? capability : capability(peer));
  return {
    greeting,
    rules: [
      ...rules,
      tagged('CAPABILITY', (tag, peer) => [`* CAPABILITY ${words(peer)}\r\n${tag} OK done\r\n`]),
      tagged('STARTTLS', (tag) => [`${tag} OK Begin TLS\r\n`, { tls: true }]),
      tagged('LOGIN|AUTHENTICATE', (tag) => [`${tag} OK logged in\r\n`]),
      tagged('NAMESPACE', (tag) => [`* NAMESPACE (("" "/")) NIL NIL\r\n${tag} OK\r\n`]),
      tagged('LIST|LSUB', (tag) => [`* LIST (\\HasNoChildren) "/" INBOX\r\n${tag} OK\r\n`]),
      tagged('STATUS', (tag) => [`* STATUS INBOX (MESSAGES 0 UNSEEN 0)\r\n${tag} OK\r\n`]),
      tagged('ENABLE|ID|NOOP', (tag) => [`${tag} OK\r\n`]),
      tagged('LOGOUT', (tag) => [`* BYE\r\n${tag} OK\r\n`, 'close']),
    ],
    otherwise: (line) => [`${line.split(' ')[0]} BAD unknown command\r\n`],
  };
}

function settings(port: number, security: Security): IncomingSettings {
  return { protocol: 'imap', host: '127.0.0.1', port, security, username: USER };
}

async function serve(t: TestContext, options: HostileServerOptions): Promise<HostileServer> {
  const server = await startHostileServer(options);
  t.after(() => server.close());
  return server;
}

/** The session sync uses, with short waits, logged out at once when it opens. */
async function openSession(port: number, security: Security, pinned: PinnedCertificate | null): Promise<void> {
  await closeImapSession(await openImapSession(settings(port, security), PASSWORD, { pinned, waits: WAITS }));
}

function doctor(port: number, security: Security, options: DoctorOptions = {}) {
  return diagnose({ protocol: 'imap', host: '127.0.0.1', port, security, username: USER }, PASSWORD, { waitMs: DOCTOR_WAIT_MS, ...options });
}

/** The doctor never throws for a server's behaviour: it reports the failed step's error. */
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

/** No form of the password crossed in clear; with `nothingSent`, no login or mailbox command was sent at all. */
function assertNoCredential(server: HostileServer, nothingSent = true): void {
  assert.deepEqual(server.leaked(USER, PASSWORD), [], 'the password crossed in clear');
  if (nothingSent) assert.doesNotMatch(server.clearText() + server.securedText(), LOGIN_OR_MAILBOX, 'a login or mailbox command was sent');
}

describe('IMAP against a hostile server', () => {
  describe('STARTTLS stripped or refused (C3)', () => {
    const variants: { name: string; options: Parameters<typeof imapServer>[0]; code: ErrorCode; viaSession?: boolean }[] = [
      { name: 'not in CAPABILITY', options: { capability: 'IMAP4rev1 NAMESPACE AUTH=PLAIN' }, code: 'starttls-unavailable' },
      { name: 'not in the greeting nor in CAPABILITY', options: { greeting: ['* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n'], capability: 'IMAP4rev1 AUTH=PLAIN' }, code: 'starttls-unavailable' },
      { name: 'answered BAD', options: { capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} BAD STARTTLS not supported\r\n`])] }, code: 'starttls-unavailable' },
      { name: 'answered NO', options: { capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} NO not now\r\n`])] }, code: 'starttls-unavailable' },
      // EAST O_4: a continuation where the go-ahead belongs; the client waits for a tagged reply that never comes.
      { name: 'answered with a "+" continuation', options: { capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', () => ['+ continue\r\n'])] }, code: 'timeout', viaSession: true },
    ];
    for (const variant of variants) {
      it(`STARTTLS ${variant.name}: ${variant.code}, no credential sent`, (t) =>
        cases.run('starttls', async () => {
          const server = await serve(t, { play: imapServer(variant.options) });
          await refused(variant.viaSession ? openSession(server.port, 'starttls', null) : checkIncoming(settings(server.port, 'starttls'), PASSWORD, null), variant.code);
          assertNoCredential(server);
        }));
    }

    it('the doctor stops the same way, before the login step', (t) =>
      cases.run('starttls', async () => {
        const missing = await serve(t, { play: imapServer({ capability: 'IMAP4rev1 AUTH=PLAIN' }) });
        const report = await doctorRefused(doctor(missing.port, 'starttls'), 'starttls-unavailable');
        assert.ok(!report.steps.some((step) => step.name === 'login'));
        assertNoCredential(missing);
        const refusing = await serve(t, { play: imapServer({ capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} NO go away\r\n`])] }) });
        await doctorRefused(doctor(refusing.port, 'starttls'), 'starttls-unavailable');
        assertNoCredential(refusing);
      }));
  });

  describe('PREAUTH greeting (C4, Thunderbird CVE-2020-12398)', () => {
    const preauth = () => imapServer({ greeting: ['* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS NAMESPACE] logged in already\r\n'], capability: 'IMAP4rev1 STARTTLS NAMESPACE' });

    it('on a STARTTLS account: starttls-unavailable, and no mailbox is touched', (t) =>
      cases.run('preauth', async () => {
        const server = await serve(t, { play: preauth() });
        await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, null), 'starttls-unavailable');
        assertNoCredential(server);
      }));

    it('on an account without encryption: unsupported, not a session anyone on the way could have opened', (t) =>
      cases.run('preauth', async () => {
        const server = await serve(t, { play: preauth() });
        const error = await refused(checkIncoming(settings(server.port, 'none'), PASSWORD, null), 'unsupported');
        assert.match(error.message, /PREAUTH/);
        assertNoCredential(server);
      }));

    it('over implicit TLS with the trusted certificate: a session, and the password is not even sent', (t) =>
      cases.run('preauth', async () => {
        const server = await serve(t, { play: preauth(), implicitTls: certificates.selfSigned });
        const report = await acceptedWithin(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned));
        assert.equal(report.encrypted, true);
        assert.ok(!server.securedText().includes(PASSWORD) && !/ LOGIN /i.test(server.securedText()), 'a PREAUTH session needs no password');
        assertNoCredential(server, false);
      }));

    it('the doctor refuses PREAUTH on a STARTTLS account', (t) =>
      cases.run('preauth', async () => {
        const server = await serve(t, { play: preauth() });
        await doctorRefused(doctor(server.port, 'starttls'), 'starttls-unavailable');
        assertNoCredential(server);
      }));
  });

  describe('responses injected after the STARTTLS OK (C5, CVE-2021-29969)', () => {
    const injections = [
      ['a CAPABILITY offering AUTH=PLAIN', '* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n'],
      ['an ALERT and a BYE', '* OK [ALERT] Your password expired, type it again\r\n* BYE\r\n'],
      ['a tagged OK for the next command', '3 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] done\r\n'],
    ] as const;
    for (const [name, injected] of injections) {
      it(`${name}, in the same segment as the OK: tls-failed, and nothing after STARTTLS`, (t) =>
        cases.run('injection', async () => {
          const server = await serve(t, {
            certificate: certificates.selfSigned,
            play: imapServer({ capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} OK Begin TLS\r\n${injected}`, { tls: true }])] }),
          });
          await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, certificates.selfSigned.pinned), 'tls-failed');
          const peer = await server.done;
          assert.notEqual(peer.handshake, 'done', 'the client went on to TLS over an injected stream');
          assert.match(peer.clearText, /STARTTLS\r\n$/, 'a command followed STARTTLS');
          assertNoCredential(server);
        }));
    }

    it('an injected line trickling in after the OK, before the handshake: refused as well', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, {
          certificate: certificates.selfSigned,
          play: imapServer({ capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} OK Begin TLS\r\n`, { drip: '* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n', everyMs: 2 }, { tls: true }])] }),
        });
        await refused(checkIncoming(settings(server.port, 'starttls'), PASSWORD, certificates.selfSigned.pinned), 'tls-failed');
        assert.match((await server.done).clearText, /STARTTLS\r\n$/);
        assertNoCredential(server);
      }));

    it('the doctor refuses an injection with tls-failed', (t) =>
      cases.run('injection', async () => {
        const server = await serve(t, {
          certificate: certificates.selfSigned,
          play: imapServer({ capability: 'IMAP4rev1 STARTTLS', rules: [tagged('STARTTLS', (tag) => [`${tag} OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n`, { tls: true }])] }),
        });
        await doctorRefused(doctor(server.port, 'starttls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'tls-failed');
        assertNoCredential(server);
      }));
  });

  describe('untagged data in the wrong state (C6)', () => {
    it('FETCH, EXISTS, LIST and ALERT before STARTTLS: ignored; the folders are what the server said over TLS', (t) =>
      cases.run('state', async () => {
        const early = '* 1 FETCH (FLAGS (\\Seen))\r\n* 3 EXISTS\r\n* LIST () "/" "Injected <b>folder</b>"\r\n* OK [ALERT] Click here\r\n';
        const server = await serve(t, { certificate: certificates.selfSigned, play: imapServer({ greeting: [`* OK ready\r\n${early}`], capability: 'IMAP4rev1 STARTTLS NAMESPACE' }) });
        const report = await acceptedWithin(checkIncoming(settings(server.port, 'starttls'), PASSWORD, certificates.selfSigned.pinned));
        assert.equal(report.encrypted, true);
        assert.deepEqual(report.folders.map((folder) => folder.path), ['INBOX']);
        // The recording does see a password when one is sent: here it went, inside TLS only.
        assert.ok(server.securedText().includes(PASSWORD), 'the login went over TLS');
        assertNoCredential(server, false);
      }));

    it('* BYE in the middle of a command, the connection left open: connection-lost at once', (t) =>
      cases.run('state', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ rules: [tagged('STATUS', () => ['* BYE going away now\r\n', 'hang'])] }) });
        await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned), 'connection-lost');
        assertNoCredential(server, false);
      }));

    it('capabilities changed after login (STARTTLS and LOGINDISABLED announced, then dropped): one login, no STARTTLS', (t) =>
      cases.run('state', async () => {
        const server = await serve(t, {
          implicitTls: certificates.selfSigned,
          play: imapServer({
            rules: [
              tagged('LOGIN', (tag) => [`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED NAMESPACE] in\r\n`]),
              tagged('LIST', (tag) => [`* CAPABILITY IMAP4rev1\r\n* LIST (\\HasNoChildren) "/" INBOX\r\n${tag} OK\r\n`]),
            ],
          }),
        });
        const report = await acceptedWithin(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned));
        assert.deepEqual(report.folders.map((folder) => folder.path), ['INBOX']);
        const sent = server.securedText();
        assert.equal(sent.match(/ LOGIN /gi)?.length, 1, 'the client logged in again');
        assert.doesNotMatch(sent, / STARTTLS\r\n/i, 'STARTTLS inside TLS');
        assertNoCredential(server, false);
      }));
  });

  describe('absurd and huge literals (B18)', () => {
    it('{99999999999} in a CAPABILITY reply: protocol-error, before any login', (t) =>
      cases.run('literal', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ rules: [tagged('CAPABILITY', () => ['* CAPABILITY {99999999999}\r\n', 'hang'])] }) });
        await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned), 'protocol-error');
        assertNoCredential(server);
      }));

    it('{99999999999} in the greeting: protocol-error', (t) =>
      cases.run('literal', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ greeting: ['* OK {99999999999}\r\n', 'hang'] }) });
        await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, certificates.selfSigned.pinned), 'protocol-error');
        assertNoCredential(server);
      }));

    it('a literal of a gigabyte announced, three bytes sent: timeout', (t) =>
      cases.run('literal', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ rules: [tagged('NAMESPACE', () => ['* NAMESPACE (({1000000000}\r\nabc', 'hang'])] }) });
        await refused(openSession(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
        assertNoCredential(server, false);
      }));
  });

  describe('endless lines (B18)', () => {
    it('a greeting of 8 MiB with no line end: timeout', (t) =>
      cases.run('endless', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ greeting: ['* OK ', { flood: 8 * 1024 * 1024 }, 'hang'] }) });
        await refused(openSession(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
        assertNoCredential(server);
      }));

    it('a CAPABILITY reply of 8 MiB with no line end: timeout, and no login', (t) =>
      cases.run('endless', async () => {
        const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer({ rules: [tagged('CAPABILITY', () => ['* CAPABILITY ', { flood: 8 * 1024 * 1024 }, 'hang'])] }) });
        await refused(openSession(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
        assertNoCredential(server);
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
          const server = await serve(t, { implicitTls: certificate(), play: imapServer({}) });
          const error = await refused(checkIncoming(settings(server.port, 'tls'), PASSWORD, pin?.() ?? null), 'certificate-untrusted');
          assert.equal(error.detail?.fingerprint256, certificate().pinned.fingerprint256);
          assert.equal((await server.done).handshake, 'failed');
          assert.equal(server.securedText(), '', 'something was sent over the untrusted connection');
          assertNoCredential(server);
        }));
    }

    it('STARTTLS to a self-signed certificate, not pinned: certificate-untrusted, not "STARTTLS unavailable"', (t) =>
      cases.run('certificate', async () => {
        const server = await serve(t, { certificate: certificates.selfSigned, play: imapServer({ capability: 'IMAP4rev1 STARTTLS' }) });
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
          const server = await serve(t, { implicitTls: certificate, play: imapServer({}) });
          const report = await doctorRefused(doctor(server.port, 'tls', { ca: certificate.pem }), 'certificate-untrusted');
          assert.match((report.error?.detail as { reason?: string } | undefined)?.reason ?? '', reason);
          assertNoCredential(server);
        }
      }));
  });

  describe('slow-loris and silent servers', () => {
    const silent: Parameters<typeof imapServer>[0] = { greeting: ['hang'] };
    // Each untagged line restarts the silence limit; only the login deadline ends this.
    const untaggedForever: Parameters<typeof imapServer>[0] = { rules: [tagged('CAPABILITY', () => [{ dripForever: '* OK still thinking\r\n', everyMs: 5 }])] };
    const variants: [string, Parameters<typeof imapServer>[0]][] = [
      ['a server that never greets', silent],
      ['a greeting dripped a byte at a time, never ending', { greeting: ['* OK ', { dripForever: 'slow ', everyMs: 5 }] }],
      ['a CAPABILITY reply dripped as untagged lines forever', untaggedForever],
      ['a CAPABILITY reply dripped a byte at a time, never ending', { rules: [tagged('CAPABILITY', () => ['* CAPABILITY ', { dripForever: 'IMAP4rev1 ', everyMs: 5 }])] }],
    ];
    for (const [name, options] of variants) {
      it(`${name}: timeout, no login`, (t) =>
        cases.run('slow', async () => {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer(options) });
          await refused(openSession(server.port, 'tls', certificates.selfSigned.pinned), 'timeout');
          assertNoCredential(server);
        }));
    }

    it('the doctor, against a reply dripped as untagged lines forever and against silence: timeout', (t) =>
      cases.run('slow', async () => {
        for (const options of [untaggedForever, silent]) {
          const server = await serve(t, { implicitTls: certificates.selfSigned, play: imapServer(options) });
          await doctorRefused(doctor(server.port, 'tls', { pinnedFingerprint256: certificates.selfSigned.pinned.fingerprint256 }), 'timeout');
          assertNoCredential(server);
        }
      }));
  });
});

// A scriptable hostile mail server on loopback for adversarial tests. It plays IMAP, POP3 or SMTP the way an attacker
// or a broken server would: STARTTLS stripped or refused, PREAUTH, bytes injected before the handshake, absurd
// literals, endless lines, bad certificates, slow-loris. It records every byte the client sent, so a test can prove
// that no credential crossed in clear.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn, setTimeout as pause } from 'node:timers/promises';
import { after, before } from 'node:test';
import tls from 'node:tls';
import { HeronError, toErrorData, type ErrorCode } from '../../shared/errors';
import type { PinnedCertificate } from '../../src-main/engine/accounts';
import { secretForms } from '../../src-main/doctor/transcript';
import { makeCertificate } from '../lab/certificate';
import { run } from '../lab/processes';
import { recordSecurityFigures, type SecurityFigure } from './security-figures';

/** 'self-signed' is the lab's certificate for localhost and 127.0.0.1; the other two are wrong in one respect each. */
export type CertificateKind = 'self-signed' | 'expired' | 'wrong-host';

export interface HostileCertificate {
  kind: CertificateKind;
  pem: string;
  key: string;
  /** The certificate as an account that trusted exactly this one keeps it. */
  pinned: PinnedCertificate;
}

/** Extensions like the lab certificate's (CA:TRUE, so a pin can serve as its own trust anchor), with a chosen name. */
const EXTENSIONS = (name: string) => `basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = DNS:${name}
`;

/**
 * A throwaway certificate in `dir`. The lab helper makes the valid one. OpenSSL 3.0's `req` cannot backdate, but
 * `x509 -req -days -1` signs a certificate whose validity ended a day before it began, which is expired from the
 * moment it exists.
 */
export async function makeHostileCertificate(dir: string, kind: CertificateKind): Promise<HostileCertificate> {
  const home = path.join(dir, kind);
  let certFile: string;
  let keyFile: string;
  if (kind === 'self-signed') {
    ({ certFile, keyFile } = await makeCertificate(home));
  } else {
    await mkdir(home, { recursive: true });
    const name = kind === 'expired' ? 'localhost' : 'wrong-host.invalid';
    const request = path.join(home, 'request.csr');
    const extensions = path.join(home, 'extensions.cnf');
    certFile = path.join(home, 'cert.pem');
    keyFile = path.join(home, 'key.pem');
    await writeFile(extensions, EXTENSIONS(name));
    await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}/O=Heron hostile server`, '-keyout', keyFile, '-out', request]);
    await run('openssl', [
      'x509', '-req', '-in', request, '-signkey', keyFile, '-out', certFile, '-sha256',
      '-days', kind === 'expired' ? '-1' : '3650', '-extfile', extensions,
    ]);
  }
  const pem = await readFile(certFile, 'utf8');
  return { kind, pem, key: await readFile(keyFile, 'utf8'), pinned: { fingerprint256: new X509Certificate(pem).fingerprint256, pem } };
}

/**
 * One step of a scripted reply:
 * - a string (latin1) or Buffer: written as one chunk, so an injection riding behind a reply shares its TCP segment;
 * - `{ tls: true }`: the server's half of a TLS handshake, now (after a STARTTLS go-ahead);
 * - `{ drip, everyMs }`: those bytes one at a time; `{ dripForever, everyMs }`: repeated until the client leaves;
 * - `{ flood }`: that many bytes with no line end (an endless line), then nothing more;
 * - 'close': end the connection; 'hang': say nothing more and wait for the client to give up.
 */
export type Step =
  | string
  | Buffer
  | { tls: true }
  | { drip: string; everyMs: number }
  | { dripForever: string; everyMs: number }
  | { flood: number }
  | 'close'
  | 'hang';

/** Answers a client line: a string must equal the line, a RegExp must match it (its groups go to `reply`). */
export interface Rule {
  on: string | RegExp;
  /** A function also gets the peer, e.g. to answer differently once the connection runs over TLS. */
  reply: Step[] | ((match: RegExpExecArray, peer: HostilePeer) => Step[]);
}

export interface Script {
  greeting: Step[];
  rules: Rule[];
  /** The reply to a line no rule answers; by default the server says nothing. */
  otherwise?: (line: string, peer: HostilePeer) => Step[];
}

/** What the server does with one connection: a Script, or hand-written code for exact dialogues. */
export type Play = Script | ((peer: HostilePeer) => Promise<void>);

/** How big each write of a flood is: large enough to be quick, small enough to respect the client's back-pressure. */
const FLOOD_CHUNK_BYTES = 64 * 1024;

/** The server's side of one connection: the client's bytes and lines in, whatever the script needs out. */
export class HostilePeer {
  /** The client's lines (without their CRLF, as latin1), in the order next() took them. */
  readonly commands: string[] = [];
  /** Every byte the client sent in clear (before any TLS): what anyone on the path can read. */
  readonly clear: Buffer[] = [];
  /** Every byte the client sent inside TLS, decrypted. */
  readonly secured: Buffer[] = [];
  /** 'failed' when the client walked away from the handshake (it did not trust the certificate, for one). */
  handshake: 'none' | 'done' | 'failed' = 'none';
  /** Resolves once the connection is closed, whoever closed it. */
  readonly closed: Promise<void>;

  private socket: net.Socket;
  private buffer = '';
  private ended = false;
  private wake: (() => void) | null = null;
  private markClosed: () => void = () => undefined;
  private readonly onClear = (chunk: Buffer) => this.received(chunk, this.clear);
  private readonly onSecured = (chunk: Buffer) => this.received(chunk, this.secured);
  private readonly onClose = () => {
    this.ended = true;
    this.markClosed();
    this.wake?.();
  };

  constructor(
    socket: net.Socket,
    private readonly certificate: HostileCertificate | undefined,
  ) {
    this.socket = socket;
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', this.onClear).on('close', this.onClose).on('error', () => undefined);
  }

  /** Everything the client sent in clear, as latin1 (one character per byte). */
  get clearText(): string {
    return Buffer.concat(this.clear).toString('latin1');
  }

  /** Everything the client sent inside TLS, decrypted, as latin1. */
  get securedText(): string {
    return Buffer.concat(this.secured).toString('latin1');
  }

  send(data: string | Buffer): void {
    if (this.ended) return;
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The client's next line, or null once the client has closed the connection. */
  async next(): Promise<string | null> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        this.commands.push(line);
        return line;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Expects exactly `command` next and answers with `reply`. */
  async answer(command: string, reply: string | Buffer): Promise<void> {
    assert.equal(await this.next(), command);
    this.send(reply);
  }

  /**
   * Runs the server's half of a TLS handshake on this connection; false when the client gave up on it. Lines the
   * client sent in clear and nobody read yet are dropped: they are not part of the encrypted dialogue.
   */
  async startTls(certificate = this.certificate): Promise<boolean> {
    assert.ok(certificate, 'hostile server: TLS needs a certificate');
    if (this.ended) {
      this.handshake = 'failed';
      return false;
    }
    this.socket.off('data', this.onClear);
    this.buffer = '';
    const secure = new tls.TLSSocket(this.socket, { isServer: true, key: certificate.key, cert: certificate.pem });
    this.socket = secure;
    secure.on('data', this.onSecured).on('close', this.onClose).on('error', () => undefined);
    const done = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('error', () => resolve(false));
      secure.once('close', () => resolve(false));
    });
    this.handshake = done ? 'done' : 'failed';
    return done;
  }

  /** Writes `data` one byte at a time, `everyMs` apart, as long as the client stays. */
  async drip(data: string | Buffer, everyMs: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let at = 0; at < bytes.length && !this.ended; at++) {
      this.send(bytes.subarray(at, at + 1));
      await pause(everyMs);
    }
  }

  /** Writes `data` one byte at a time, over and over, until the client (or the test's close()) ends the connection. */
  async dripForever(data: string, everyMs: number): Promise<void> {
    const bytes = Buffer.from(data, 'latin1');
    for (let at = 0; !this.ended; at = (at + 1) % bytes.length) {
      this.send(bytes.subarray(at, at + 1));
      await pause(everyMs);
    }
  }

  /** Writes `bytes` bytes of 'x' and no line end, at the pace the client reads them; stops if the client leaves. */
  async flood(bytes: number): Promise<void> {
    const chunk = Buffer.alloc(FLOOD_CHUNK_BYTES, 'x');
    for (let left = bytes; left > 0 && !this.ended; left -= chunk.length) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      if (!this.socket.write(piece)) await Promise.race([new Promise((resolve) => this.socket.once('drain', resolve)), this.closed]);
    }
  }

  /** Closes the server's side after what was sent. */
  end(): void {
    this.socket.end();
  }

  /** Reads (and records) whatever else the client sends, until it drops the connection. */
  async closedByClient(): Promise<void> {
    while ((await this.next()) !== null);
  }

  /** Runs steps in order; false once the dialogue is over ('close', 'hang', or a handshake the client refused). */
  async perform(steps: readonly Step[]): Promise<boolean> {
    for (const step of steps) {
      if (step === 'close') {
        this.end();
        return false;
      } else if (step === 'hang') {
        await this.closedByClient();
        return false;
      } else if (typeof step === 'string' || Buffer.isBuffer(step)) this.send(step);
      else if ('tls' in step) {
        if (!(await this.startTls())) return false;
      } else if ('drip' in step) await this.drip(step.drip, step.everyMs);
      else if ('dripForever' in step) await this.dripForever(step.dripForever, step.everyMs);
      else await this.flood(step.flood);
    }
    return !this.ended;
  }

  /** Destroys the connection at once (the test is over). */
  destroy(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer, into: Buffer[]): void {
    into.push(chunk);
    this.buffer += chunk.toString('latin1');
    this.wake?.();
  }
}

/** Plays a Script: the greeting, then for each client line the first rule that answers it. */
async function playScript(peer: HostilePeer, script: Script): Promise<void> {
  if (!(await peer.perform(script.greeting))) return;
  for (let line = await peer.next(); line !== null; line = await peer.next()) {
    let steps: Step[] | undefined;
    for (const rule of script.rules) {
      const match = typeof rule.on === 'string' ? (rule.on === line ? /^.*$/s.exec(line) : null) : rule.on.exec(line);
      if (match) {
        steps = typeof rule.reply === 'function' ? rule.reply(match, peer) : rule.reply;
        break;
      }
    }
    if (!(await peer.perform(steps ?? script.otherwise?.(line, peer) ?? []))) return;
  }
}

export interface HostileServerOptions {
  play: Play;
  /** Implicit TLS with this certificate: the handshake runs before the play, which is skipped when it fails. */
  implicitTls?: HostileCertificate;
  /** The certificate a STARTTLS step presents; defaults to implicitTls's. */
  certificate?: HostileCertificate;
}

export interface HostileServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** One peer per connection the client made, in order. */
  readonly peers: readonly HostilePeer[];
  /** The first connection's play, settled (its assertions included) with its peer. */
  readonly done: Promise<HostilePeer>;
  /** What every connection sent in clear, as latin1. */
  clearText(): string;
  /** What every connection sent inside TLS, decrypted, as latin1. */
  securedText(): string;
  /** The forms of this password (as typed, base64, SASL PLAIN) found in what crossed in clear; [] is the goal. */
  leaked(username: string, password: string): string[];
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (an ephemeral port) and plays `options.play` on every connection. */
export async function startHostileServer(options: HostileServerOptions): Promise<HostileServer> {
  const peers: HostilePeer[] = [];
  let first: (play: Promise<HostilePeer>) => void = () => undefined;
  const done = new Promise<HostilePeer>((resolve) => (first = resolve));
  // Reported by the test that awaits it; never as an unhandled rejection while the client side fails first.
  done.catch(() => undefined);
  const certificate = options.certificate ?? options.implicitTls;
  const server = net.createServer((socket) => {
    const peer = new HostilePeer(socket, certificate);
    peers.push(peer);
    const played = (async () => {
      if (options.implicitTls && !(await peer.startTls(options.implicitTls))) return peer;
      await (typeof options.play === 'function' ? options.play(peer) : playScript(peer, options.play));
      return peer;
    })();
    played.catch(() => undefined);
    if (peers.length === 1) first(played);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clearText = () => peers.map((peer) => peer.clearText).join('');
  return {
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    peers,
    done,
    clearText,
    securedText: () => peers.map((peer) => peer.securedText).join(''),
    leaked: (username, password) => secretForms(username, password).filter((form) => clearText().includes(form)),
    close: async () => {
      for (const peer of peers) peer.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * How long a client call may take before its case counts as hung. Every case passes waits of a fraction of a second,
 * so a passing case never comes near this: it only turns a hang into a counted, reported failure instead of a stuck
 * suite, and decides nothing else.
 */
export const HANG_BOUND_MS = 20_000;

export type Settled<T> = { value: T } | { error: unknown } | { hung: true };

/** What a client call came to: its value, its error, or `hung` past HANG_BOUND_MS. */
export async function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<{ hung: true }>((resolve) => (timer = setTimeout(() => resolve({ hung: true }), HANG_BOUND_MS)));
  try {
    return await Promise.race([work.then((value) => ({ value }), (error: unknown) => ({ error })), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts the call failed, in bounded time, with `code`, and with no form of `password` in the error it gave. */
export async function refusedWith<C extends ErrorCode>(work: Promise<unknown>, code: C, username: string, password: string): Promise<HeronError<C>> {
  const outcome = await settle(work);
  assert.ok(!('hung' in outcome), `the client did not settle within ${HANG_BOUND_MS} ms: it hangs`);
  assert.ok('error' in outcome, `the client accepted what it should have refused with ${code}`);
  const { error } = outcome;
  assert.ok(error instanceof HeronError, `expected a HeronError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  const data = JSON.stringify(toErrorData(error));
  assert.deepEqual(secretForms(username, password).filter((form) => data.includes(form)), [], 'the password is in the error');
  return error as HeronError<C>;
}

/** Asserts the call succeeded in bounded time, and returns its value. */
export async function acceptedWithin<T>(work: Promise<T>): Promise<T> {
  const outcome = await settle(work);
  assert.ok(!('hung' in outcome), `the client did not settle within ${HANG_BOUND_MS} ms: it hangs`);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** One class of cases in a suite's figures: its name, and what passing means, in words. */
export interface CaseClass {
  name: string;
  outcome: string;
}

/**
 * Counts a hostile suite's cases per class for its security figures. A case is bad when any of its checks failed (a
 * leak, a hang, a crash, a wrong outcome); the failure is rethrown for the test runner as well.
 */
export class HostileCases<K extends string> {
  private readonly tally = new Map<K, { tried: number; failures: string[] }>();
  private readonly escaped: unknown[] = [];
  private readonly onEscape = (error: unknown) => this.escaped.push(error);

  constructor(private readonly classes: Record<K, CaseClass>) {
    // An error no caller caught would crash main; the test runner reports it too, but a case must know it was its own.
    process.on('uncaughtException', this.onEscape).on('unhandledRejection', this.onEscape);
  }

  async run(key: K, body: () => Promise<void>): Promise<void> {
    const counts = this.tally.get(key) ?? { tried: 0, failures: [] };
    this.tally.set(key, counts);
    counts.tried++;
    const escapedBefore = this.escaped.length;
    try {
      await body();
      // Errors emitted by sockets or timers land a turn later than the call that caused them.
      await nextTurn();
      assert.deepEqual(this.escaped.slice(escapedBefore).map(String), [], 'an error escaped every handler: the process would have crashed');
    } catch (error) {
      counts.failures.push(error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
      throw error;
    }
  }

  /** One figure per class that ran; stops watching for escaped errors. */
  figures(): SecurityFigure[] {
    process.off('uncaughtException', this.onEscape).off('unhandledRejection', this.onEscape);
    return [...this.tally].map(([key, { tried, failures }]) => ({
      area: 'hostile-server',
      name: this.classes[key].name,
      tried,
      bad: failures.length,
      outcome: failures.length === 0 ? this.classes[key].outcome : `${failures.length} of ${tried} cases failed, first: ${failures[0]}`,
    }));
  }
}

export interface HostileCertificates {
  selfSigned: HostileCertificate;
  expired: HostileCertificate;
  wrongHost: HostileCertificate;
}

/**
 * What every hostile suite needs around its cases: the three bad certificates, made once in a private directory
 * before the cases run (read them inside tests, not at load), and its figures recorded after them.
 */
export function hostileSuite<K extends string>(suite: string, cases: HostileCases<K>): HostileCertificates {
  const certificates = {} as HostileCertificates;
  let dir: string | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `heron-${suite}-`));
    [certificates.selfSigned, certificates.expired, certificates.wrongHost] = await Promise.all([
      makeHostileCertificate(dir, 'self-signed'),
      makeHostileCertificate(dir, 'expired'),
      makeHostileCertificate(dir, 'wrong-host'),
    ]);
  });
  after(async () => {
    await recordSecurityFigures(suite, cases.figures());
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return certificates;
}

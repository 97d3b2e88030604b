// The POP3 client (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL): opens a logged-in session, fail-closed
// on STLS, and runs the mailbox commands one at a time. The wire is wire.ts, the login authenticate.ts.

import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { mapProtocolError } from '../engine/error-map';
import { authenticate } from './authenticate';
import { Pop3Wire, type Pop3Data } from './wire';

export interface Pop3OpenOptions {
  /** Per-reply wait (greeting, each command, TLS handshake), default 30 s; the whole login may take eight. Tests pass small values. */
  replyTimeoutMs?: number;
  /** Upper bound for one multi-line reply (a RETR), default 256 MiB: past it the connection is dropped with a clear error. */
  maxMessageBytes?: number;
}

export interface Pop3Session {
  readonly encrypted: boolean;
  /** CAPA after login (servers may announce more after authentication); [] when CAPA is not supported. */
  readonly capabilities: readonly string[];
  /** How the password went: 'sasl-plain' | 'user-pass' | 'apop'. */
  readonly authMethod: 'sasl-plain' | 'user-pass' | 'apop';
  stat(): Promise<{ count: number; size: number }>;
  /** Message number → unique id. A server without UIDL gets HeronError('unsupported', a sentence saying Heron needs UIDL to avoid downloading mail twice). */
  uidl(): Promise<Map<number, string>>;
  /** Message number → size in octets. */
  list(): Promise<Map<number, number>>;
  /** The headers and the first `lines` body lines, dot-unstuffed, CRLF line ends. */
  top(msgno: number, lines: number): Promise<Buffer>;
  /** The whole message, dot-unstuffed, CRLF line ends, read chunk by chunk (never as one giant string). */
  retr(msgno: number): Promise<Buffer>;
  dele(msgno: number): Promise<void>;
  rset(): Promise<void>;
  /** QUIT: the server applies the deletions only on its +OK (RFC 1939 UPDATE state); rejects when the reply is not +OK or never comes. */
  quit(): Promise<void>;
  /** Drops the connection without QUIT: the server discards every DELE of this session. */
  close(): void;
}

/** Longest wait for one reply, or for the next chunk of a long one. */
const POP3_REPLY_TIMEOUT_MS = 30_000;
/**
 * The whole login may take this many reply waits (greeting, CAPA, STLS, CAPA, USER, PASS, CAPA and one to spare). A data
 * reply's wait restarts with every chunk, so a server dripping its CAPA list one line at a time (slow-loris) would
 * otherwise hold the login until the list passed maxMessageBytes.
 */
const OPEN_REPLY_WAITS = 8;
/** The largest reply Heron takes (in practice a RETR): bigger than any mail a provider delivers, small enough to hold in memory. */
const POP3_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

const UIDL_NEEDED =
  'This POP3 server does not support UIDL. Heron needs UIDL to recognise messages it has already downloaded, so it never downloads the same mail twice.';

/**
 * Connects, secures the connection as `settings.security` says, logs in and reads CAPA. With 'starttls' the server
 * must list STLS and accept it before anything else is said: otherwise starttls-unavailable, and no credential was written.
 */
export async function openPop3(settings: IncomingSettings, password: string, pinned: PinnedCertificate | null, options: Pop3OpenOptions = {}): Promise<Pop3Session> {
  const server = { host: settings.host, port: settings.port };
  const limits = { replyTimeoutMs: options.replyTimeoutMs ?? POP3_REPLY_TIMEOUT_MS, maxMessageBytes: options.maxMessageBytes ?? POP3_MAX_MESSAGE_BYTES };
  let wire: Pop3Wire | undefined;
  const openMs = limits.replyTimeoutMs * OPEN_REPLY_WAITS;
  // Dropping the wire fails whichever read is waiting; before the wire exists, the greeting's own wait bounds the open.
  const deadline = setTimeout(() => wire?.drop(new HeronError('timeout', `The server did not finish the login within ${openMs / 1000} s.`)), openMs);
  try {
    const opened = await Pop3Wire.open(settings, pinned, limits);
    wire = opened.wire;
    // Over plaintext nothing in CAPA changes the login (APOP is announced in the greeting), so it is not asked for.
    let capabilities = settings.security === 'none' ? [] : await capabilitiesOf(wire);
    if (settings.security === 'starttls') {
      await startTls(wire, capabilities, settings.host, pinned);
      // What the server listed before TLS may have been altered on the way (RFC 2595 §4): ask again, encrypted.
      capabilities = await capabilitiesOf(wire);
    }
    const authMethod = await authenticate(wire, settings.username, password, opened.greeting, capabilities);
    return new Session(wire, authMethod, await capabilitiesOf(wire), server);
  } catch (error) {
    wire?.drop(error);
    throw mapProtocolError(error, server);
  } finally {
    clearTimeout(deadline);
  }
}

/** CAPA's items (RFC 2449), trimmed; a server without CAPA answers -ERR and so announces nothing, STLS included. */
async function capabilitiesOf(wire: Pop3Wire): Promise<string[]> {
  const reply = await wire.dataCommand('CAPA');
  if (!reply.ok) return [];
  return lines(reply).map((line) => line.trim()).filter(Boolean);
}

/** Fail closed: STLS missing from CAPA (perhaps stripped by someone in the path) or refused means no password is sent. */
async function startTls(wire: Pop3Wire, capabilities: readonly string[], host: string, pinned: PinnedCertificate | null): Promise<void> {
  if (!capabilities.some((item) => item.toUpperCase() === 'STLS')) throw new HeronError('starttls-unavailable');
  const reply = await wire.command('STLS');
  if (reply.status !== 'ok') throw new HeronError('starttls-unavailable', undefined, { serverResponse: reply.text });
  wire.upgradeToTls(host, pinned);
}

/** A listing's lines (CAPA, LIST, UIDL). latin1 keeps every byte distinct, so two unique ids never decode alike. */
function lines(reply: Pop3Data): string[] {
  const text = reply.data?.toString('latin1') ?? '';
  return text ? text.slice(0, -2).split('\r\n') : [];
}

function number(text: string | undefined, what: string): number {
  const value = Number(text);
  if (!text || !/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new HeronError('protocol-error', `The POP3 server sent "${what}" where numbers belong.`);
  return value;
}

/** "msgno word" lines of LIST and UIDL (RFC 1939 §5, §7); a scan listing may go on after its size, so the rest is ignored. */
function listing<T>(reply: Pop3Data, value: (word: string, line: string) => T): Map<number, T> {
  const result = new Map<number, T>();
  for (const line of lines(reply)) {
    const match = /^(\d+) +(\S+)(?: .*)?$/.exec(line);
    if (!match) throw new HeronError('protocol-error', `The POP3 server sent the listing line "${line.slice(0, 200)}".`);
    result.set(number(match[1], line), value(match[2] as string, line));
  }
  return result;
}

function messageNumber(msgno: number): number {
  if (!Number.isSafeInteger(msgno) || msgno < 1) throw new HeronError('invalid-input', `${msgno} is not a POP3 message number.`);
  return msgno;
}

class Session implements Pop3Session {
  readonly encrypted: boolean;
  /** POP3 answers strictly in order: each command waits for the one before it, whoever called. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly wire: Pop3Wire,
    readonly authMethod: Pop3Session['authMethod'],
    readonly capabilities: readonly string[],
    private readonly server: { host: string; port: number },
  ) {
    this.encrypted = wire.encrypted;
  }

  stat(): Promise<{ count: number; size: number }> {
    return this.run(async () => {
      const text = await this.expectOk('STAT');
      const match = /^(\d+) (\d+)(?: |$)/.exec(text);
      return { count: number(match?.[1], text), size: number(match?.[2], text) };
    });
  }

  uidl(): Promise<Map<number, string>> {
    return this.run(async () => {
      const reply = await this.wire.dataCommand('UIDL');
      if (!reply.ok) throw new HeronError('unsupported', UIDL_NEEDED, { serverResponse: reply.text });
      return listing(reply, (uid) => uid);
    });
  }

  list(): Promise<Map<number, number>> {
    return this.run(async () => listing(await this.expectData('LIST'), number));
  }

  top(msgno: number, lines: number): Promise<Buffer> {
    if (!Number.isSafeInteger(lines) || lines < 0) return Promise.reject(new HeronError('invalid-input', `${lines} is not a line count for TOP.`));
    return this.run(async () => (await this.expectData(`TOP ${messageNumber(msgno)} ${lines}`)).data ?? Buffer.alloc(0));
  }

  retr(msgno: number): Promise<Buffer> {
    return this.run(async () => (await this.expectData(`RETR ${messageNumber(msgno)}`)).data ?? Buffer.alloc(0));
  }

  dele(msgno: number): Promise<void> {
    return this.run(async () => void (await this.expectOk(`DELE ${messageNumber(msgno)}`)));
  }

  rset(): Promise<void> {
    return this.run(async () => void (await this.expectOk('RSET')));
  }

  quit(): Promise<void> {
    return this.run(async () => {
      try {
        await this.expectOk('QUIT');
      } finally {
        this.wire.drop(new HeronError('connection-lost', 'The POP3 session has ended.'));
      }
    });
  }

  close(): void {
    this.wire.drop(new HeronError('connection-lost', 'The POP3 session was closed.'));
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work).catch((error: unknown) => {
      throw mapProtocolError(error, this.server);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The +OK text; -ERR is server-rejected with the server's words and the command. */
  private async expectOk(command: string): Promise<string> {
    const reply = await this.wire.command(command);
    if (reply.status !== 'ok') throw new HeronError('server-rejected', undefined, { serverResponse: reply.text, command });
    return reply.text;
  }

  private async expectData(command: string): Promise<Pop3Data> {
    const reply = await this.wire.dataCommand(command);
    if (!reply.ok) throw new HeronError('server-rejected', undefined, { serverResponse: reply.text, command });
    return reply;
  }
}

// One POP3 connection on the wire: connect (plain or implicit TLS), STLS upgrade, commands out, status lines and
// dot-terminated replies in (RFC 1939 §3, RFC 2449, RFC 2595). Knows nothing of logins or mailboxes.

import net from 'node:net';
import tls from 'node:tls';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { tlsOptionsFor } from '../engine/certificate';
import { LineReader } from './line-reader';

/**
 * RFC 2449 §4 allows a status line up to 512 octets. Real servers stay far below; this leaves room for a chatty one
 * and stops a hostile one that never ends its line.
 */
const MAX_STATUS_LINE_BYTES = 8 * 1024;

export interface WireLimits {
  replyTimeoutMs: number;
  maxMessageBytes: number;
}

/** A status line: '+OK', '-ERR', or a SASL continuation '+ ' (RFC 5034 §4), with the text after it. */
export interface Pop3Status {
  status: 'ok' | 'err' | 'continue';
  text: string;
}

/** A reply that is multi-line when +OK: `data` is dot-unstuffed with CRLF line ends; absent after -ERR. */
export interface Pop3Data {
  ok: boolean;
  text: string;
  data?: Buffer;
}

export class Pop3Wire {
  private readonly reader = new LineReader();
  private socket: net.Socket;
  private readonly plain: net.Socket;
  /** True once the session runs over TLS (implicit, or after STLS); a failed handshake fails the first reply instead. */
  encrypted: boolean;

  private readonly onData = (chunk: Buffer) => this.reader.push(chunk);
  private readonly onError = (error: Error) => this.reader.fail(error);
  private readonly onClose = () => this.reader.fail(new HeronError('connection-lost', 'The POP3 server closed the connection.'));

  private constructor(
    socket: net.Socket,
    encrypted: boolean,
    private readonly limits: WireLimits,
  ) {
    this.plain = socket;
    this.socket = socket;
    this.encrypted = encrypted;
    this.listen(socket);
  }

  /**
   * Connects and reads the greeting (whose text an APOP login needs). With implicit TLS the handshake happens
   * before the greeting, so the greeting's wait bounds it too; a certificate failure arrives as the socket's error.
   */
  static async open(settings: IncomingSettings, pinned: PinnedCertificate | null, limits: WireLimits): Promise<{ wire: Pop3Wire; greeting: string }> {
    const implicit = settings.security === 'tls';
    const socket = implicit
      ? tls.connect({ ...tlsOptionsFor(settings.host, pinned), host: settings.host, port: settings.port })
      : net.connect({ host: settings.host, port: settings.port });
    const wire = new Pop3Wire(socket, implicit, limits);
    const greeting = await wire.readStatus();
    if (greeting.status === 'ok') return { wire, greeting: greeting.text };
    const refused = new HeronError('server-rejected', undefined, { serverResponse: greeting.text });
    wire.drop(refused);
    throw refused;
  }

  /** Sends one command line and reads its status line (`sasl`: a '+ ' continuation may come instead). */
  async command(line: string, sasl = false): Promise<Pop3Status> {
    this.send(line);
    return this.readStatus(sasl);
  }

  /** Sends a command whose +OK is followed by data up to a lone '.' (CAPA, LIST, UIDL, TOP, RETR) and reads it all. */
  async dataCommand(line: string): Promise<Pop3Data> {
    const reply = await this.command(line);
    if (reply.status !== 'ok') return { ok: false, text: reply.text };
    try {
      const data = await this.reader.readDotTerminated({ maxBytes: this.limits.maxMessageBytes, idleMs: this.limits.replyTimeoutMs, label: line });
      return { ok: true, text: reply.text, data };
    } catch (error) {
      this.drop(error);
      throw error;
    }
  }

  /** Writes one line; a CR or LF inside it would let a user name or password smuggle in a second command. */
  private send(line: string): void {
    if (this.reader.failed) throw this.reader.failed;
    if (/[\r\n]/.test(line)) throw new HeronError('invalid-input', 'A POP3 command cannot contain a line break; check the user name and password.');
    this.socket.write(`${line}\r\n`, 'utf8');
  }

  /**
   * The next status line. Anything but +OK or -ERR (or, in a SASL exchange, '+ ') means the dialogue is lost, and so
   * does any failure here: the connection is dropped.
   */
  private async readStatus(sasl = false): Promise<Pop3Status> {
    try {
      const line = (await this.reader.readLine(MAX_STATUS_LINE_BYTES, this.limits.replyTimeoutMs)).toString('utf8');
      const match = (sasl ? /^(\+OK|-ERR|\+)(?:[ \t](.*))?$/s : /^(\+OK|-ERR)(?:[ \t](.*))?$/s).exec(line);
      if (!match) throw new HeronError('protocol-error', `The POP3 server answered "${line.slice(0, 200)}" where +OK or -ERR belongs.`);
      const status = match[1] === '+OK' ? 'ok' : match[1] === '-ERR' ? 'err' : 'continue';
      return { status, text: match[2] ?? '' };
    } catch (error) {
      this.drop(error);
      throw error;
    }
  }

  /**
   * Starts TLS on this connection after the server's +OK to STLS. No wait here: the next command is written at once
   * (Node holds it until the handshake is done) and its reply's wait bounds the handshake.
   */
  upgradeToTls(host: string, pinned: PinnedCertificate | null): void {
    // Whatever came after the +OK arrived unencrypted and may be an attacker's injection (RFC 2595 §4; the class of
    // CVE-2021-29969): it must never be read as the server's answer to a command sent over TLS.
    this.reader.discard();
    // The plain socket's errors and close still count; only its bytes are now TLS records for the TLS socket to read.
    this.socket.off('data', this.onData);
    const secure = tls.connect({ ...tlsOptionsFor(host, pinned), host, socket: this.socket });
    this.socket = secure;
    this.encrypted = true;
    this.listen(secure);
  }

  /** Ends the connection at once; every later command fails with `reason` (the first reason given wins). */
  drop(reason: unknown): void {
    this.reader.fail(reason instanceof Error ? reason : new HeronError('connection-lost'));
    this.socket.destroy();
    this.plain.destroy();
  }

  private listen(socket: net.Socket): void {
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
  }
}

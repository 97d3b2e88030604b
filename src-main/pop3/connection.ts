// A POP3 connection (RFC 1939, RFC 2595 STLS, RFC 2449 CAPA): replies read line by line, every wait bounded.

import net from 'node:net';
import tls from 'node:tls';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { tlsOptionsFor } from '../engine/certificate';
import { mapProtocolError } from '../engine/error-map';

/** Longest wait for any reply (greeting, command, TLS handshake). */
export const POP3_REPLY_TIMEOUT_MS = 30_000;
/** A reply line longer than this is a broken or hostile server, not mail (RFC 2449 allows 512 octets). */
const MAX_LINE_BYTES = 64 * 1024;

export interface Pop3Reply {
  ok: boolean;
  text: string;
  /** The lines of a multi-line reply, dot-unstuffed, without the terminating '.'. */
  lines: string[];
}

export class Pop3Connection {
  private socket: net.Socket;
  private buffer = '';
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  /** True once the session runs over TLS (implicit, or after STLS). */
  encrypted: boolean;

  private constructor(socket: net.Socket, encrypted: boolean) {
    this.socket = socket;
    this.encrypted = encrypted;
    this.listen(socket);
  }

  /** Connects and reads the greeting; with 'starttls', upgrades with STLS or fails before any credential is sent. */
  static async open(settings: IncomingSettings, pinned: PinnedCertificate | null): Promise<{ connection: Pop3Connection; greeting: string }> {
    const server = { host: settings.host, port: settings.port };
    const socket =
      settings.security === 'tls'
        ? tls.connect({ ...tlsOptionsFor(settings.host, pinned), host: settings.host, port: settings.port })
        : net.connect(server);
    const connection = new Pop3Connection(socket, settings.security === 'tls');
    try {
      const greeting = await connection.readReply(false);
      if (!greeting.ok) throw new HeronError('server-rejected', undefined, { serverResponse: greeting.text });
      if (settings.security === 'starttls') await connection.startTls(settings.host, pinned);
      return { connection, greeting: greeting.text };
    } catch (error) {
      connection.close();
      throw mapProtocolError(error, server);
    }
  }

  /** Sends one command and reads its reply; `multiline` only applies when the reply is +OK. */
  async command(line: string, multiline = false): Promise<Pop3Reply> {
    if (this.failure) throw this.failure;
    this.socket.write(`${line}\r\n`);
    return this.readReply(multiline);
  }

  async capabilities(): Promise<string[]> {
    const reply = await this.command('CAPA', true);
    return reply.ok ? reply.lines.map((l) => l.trim()).filter(Boolean) : [];
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } finally {
      this.close();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async startTls(host: string, pinned: PinnedCertificate | null): Promise<void> {
    const capabilities = await this.capabilities();
    // Fail closed: no STLS offered (or stripped by someone in the middle) means no password is sent.
    if (!capabilities.some((c) => c.toUpperCase() === 'STLS')) throw new HeronError('starttls-unavailable');
    const reply = await this.command('STLS');
    if (!reply.ok) throw new HeronError('starttls-unavailable', undefined, { serverResponse: reply.text });
    // Anything the server sent after its +OK arrived before encryption and could be injected: discard it.
    this.buffer = '';
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ ...tlsOptionsFor(host, pinned), socket: plain });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HeronError('timeout')), POP3_REPLY_TIMEOUT_MS);
      secure.once('secureConnect', () => (clearTimeout(timer), resolve()));
      secure.once('error', (error) => (clearTimeout(timer), reject(error)));
    });
    this.socket = secure;
    this.encrypted = true;
    this.listen(secure);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new HeronError('connection-lost')));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** The next CRLF- (or bare LF-) terminated line, within the reply timeout. */
  private async readLine(): Promise<string> {
    const deadline = Date.now() + POP3_REPLY_TIMEOUT_MS;
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      if (this.buffer.length > MAX_LINE_BYTES) throw new HeronError('protocol-error', 'The POP3 server sent a line far longer than the protocol allows.');
      if (this.failure) throw this.failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new HeronError('timeout');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => (clearTimeout(timer), resolve());
      });
    }
  }

  private async readReply(multiline: boolean): Promise<Pop3Reply> {
    const status = await this.readLine();
    const ok = status.startsWith('+OK');
    if (!ok && !status.startsWith('-ERR')) throw new HeronError('protocol-error', `The POP3 server answered "${status.slice(0, 200)}".`);
    const text = status.replace(/^(\+OK|-ERR) ?/, '');
    const lines: string[] = [];
    if (ok && multiline) {
      for (let line = await this.readLine(); line !== '.'; line = await this.readLine()) {
        lines.push(line.startsWith('..') ? line.slice(1) : line);
      }
    }
    return { ok, text, lines };
  }
}

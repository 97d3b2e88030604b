// One doctor connection: lines in and out, each wait bounded, each line recorded; upgradable to TLS in place.

import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { HeronError } from '../../shared/errors';
import { LineReader } from '../pop3/line-reader';
import type { Transcript } from './transcript';

/** A reply line longer than this is a broken or hostile server (IMAP, POP3 and SMTP lines are far shorter). */
const MAX_LINE_BYTES = 64 * 1024;
/** How much of what the server sent before TLS is kept, to recognise a plaintext greeting on a TLS port. */
const RAW_KEEP_BYTES = 4096;

/** Opens a TCP connection, or rejects with the socket's own error (ECONNREFUSED, ...) or a timeout. */
export function connectTcp(address: string, port: number, waitMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HeronError('timeout', `No answer from ${address} port ${port} within ${waitMs / 1000} s.`));
    }, waitMs);
    socket.once('error', onError).once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export class LineChannel {
  private socket: net.Socket;
  private readonly plain: net.Socket;
  private readonly reader = new LineReader();
  private raw = '';

  private readonly onData = (chunk: Buffer) => this.reader.push(chunk);
  private readonly onError = (error: Error) => this.reader.fail(error);
  private readonly onClose = () => this.reader.fail(new HeronError('connection-lost', 'The server closed the connection.'));

  constructor(
    socket: net.Socket,
    private readonly transcript: Transcript,
    readonly waitMs: number,
  ) {
    this.plain = socket;
    this.socket = socket;
    this.listen(socket);
  }

  get localAddress(): string {
    return this.plain.localAddress ?? '127.0.0.1';
  }

  /** Whatever the server sent that no line read has taken yet (kept as latin1, byte for byte). */
  get unread(): string {
    return this.reader.pendingBytes > 0 ? this.reader.peek().toString('latin1') : '';
  }

  /** The first bytes the server sent while a TLS handshake was expected: a plaintext greeting there means the wrong security mode. */
  get rawBeforeTls(): string {
    return this.raw;
  }

  /** Sends one line; `shown` is what the transcript keeps when the line carries a credential. */
  send(line: string, shown = line): void {
    this.transcript.client(shown);
    this.socket.write(`${line}\r\n`, 'utf8');
  }

  /** The next line (CRLF or bare LF), within the wait. */
  async readLine(): Promise<string> {
    const line = (await this.reader.readLine(MAX_LINE_BYTES, this.waitMs)).toString('utf8');
    this.transcript.server(line);
    return line;
  }

  /** Runs a TLS handshake over this connection (at once for implicit TLS, or after the server agreed to STARTTLS). */
  async startTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    // Bytes that arrived after the server's go-ahead but before encryption could be injected by someone in between.
    if (this.reader.pendingBytes > 0) {
      throw new HeronError('tls-failed', 'The server sent data after agreeing to start TLS, before encryption began; someone may be tampering with the connection.');
    }
    this.unlisten(this.socket);
    const secure = tls.connect({ ...options, socket: tap(this.plain, (chunk) => this.keepRaw(chunk)) });
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        secure.off('secureConnect', onSecure).off('error', settle).off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onSecure = () => settle();
      const onClose = () => settle(new HeronError('connection-lost', 'The server closed the connection during the TLS handshake.'));
      const timer = setTimeout(() => secure.destroy(new HeronError('timeout', `The TLS handshake did not finish within ${this.waitMs / 1000} s.`)), this.waitMs);
      secure.once('secureConnect', onSecure).once('error', settle).once('close', onClose);
    });
    this.socket = secure;
    this.listen(secure);
    return secure;
  }

  close(): void {
    this.socket.destroy();
    this.plain.destroy();
  }

  private keepRaw(chunk: Buffer): void {
    if (this.raw.length < RAW_KEEP_BYTES) this.raw += chunk.toString('latin1').slice(0, RAW_KEEP_BYTES - this.raw.length);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
  }

  private unlisten(socket: net.Socket): void {
    socket.off('data', this.onData).off('error', this.onError).off('close', this.onClose);
  }
}

/**
 * The TCP socket as a plain stream for TLS to run over, passing every byte through `seen` first. Node's TLS reads
 * a net.Socket's handle directly, which would hide what the server actually sent when a handshake fails.
 */
function tap(socket: net.Socket, seen: (chunk: Buffer) => void): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (error, done) => {
      socket.destroy();
      done(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    seen(chunk);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => stream.destroy());
  return stream;
}

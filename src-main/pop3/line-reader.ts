// Lines out of a byte stream, binary-safe and bounded: a POP3 reply (status line, dot-terminated data) or a doctor's line.
// Shared by the POP3 client and the doctor's LineChannel; it never touches a socket, so it can be fed and tested directly.

import { HeronError } from '../../shared/errors';

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

export interface DotTerminatedOptions {
  /** The reply may take this many bytes in all (lines, line ends and the final '.'); one more is an error. */
  maxBytes: number;
  /** Longest silence allowed: every chunk that arrives starts the wait again, so a slow but moving reply goes on. */
  idleMs: number;
  /** Names the reply in errors, e.g. 'RETR 3'. */
  label: string;
}

/**
 * Bytes arrive with push() (a socket's 'data'); reads take whole lines off the front. The bytes are kept as the
 * chunks that came in, so a line of megabytes costs one copy when it is complete, not one per chunk.
 */
export class LineReader {
  private chunks: Buffer[] = [];
  private pending = 0;
  /** Where the search for the next LF goes on: chunks before this index hold none. */
  private scanned = 0;
  private failure: Error | null = null;
  /** The read in progress, called when bytes or a failure arrive. */
  private wake: (() => void) | null = null;

  /** How many bytes have arrived that no read has taken yet. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** The first failure (the connection's error or close, or one a caller recorded); later reads reject with it. */
  get failed(): Error | null {
    return this.failure;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.pending += chunk.length;
    this.wake?.();
  }

  /** Records why no more bytes will come; lines already complete can still be read. The first failure wins. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** Everything not read yet, as received. */
  peek(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Throws away everything not read yet (what a server sent before a TLS handshake must not be believed after it). */
  discard(): void {
    this.chunks = [];
    this.pending = 0;
    this.scanned = 0;
  }

  /** The next line without its CRLF or bare LF; longer than maxBytes is a protocol error, and the whole wait is timeoutMs. */
  readLine(maxBytes: number, timeoutMs: number): Promise<Buffer> {
    return this.read(timeoutMs, false, () => {
      const line = this.takeLine();
      if ((line?.length ?? this.pending) > maxBytes) {
        throw new HeronError('protocol-error', `The server sent a line longer than ${maxBytes} bytes, far more than the protocol allows.`);
      }
      return line;
    });
  }

  /**
   * A multi-line reply's data up to the line holding only '.' (RFC 1939 §3): dot-unstuffed, every line ending in CRLF
   * whether the server sent CRLF or a bare LF, other bytes untouched.
   */
  readDotTerminated({ maxBytes, idleMs, label }: DotTerminatedOptions): Promise<Buffer> {
    const lines: Buffer[] = [];
    let taken = 0;
    const tooBig = () =>
      new HeronError('protocol-error', `The server's reply to ${label} passed ${maxBytes} bytes, the most Heron accepts for one reply; the connection was dropped.`, {
        command: label,
        maxBytes,
      });
    return this.read(idleMs, true, () => {
      for (let before = this.pending, line = this.takeLine(); line !== undefined; before = this.pending, line = this.takeLine()) {
        taken += before - this.pending;
        if (taken > maxBytes) throw tooBig();
        if (line.length === 1 && line[0] === DOT) return Buffer.concat(lines);
        // A line starting with '.' had one more '.' put in front by the server; the data is what follows it.
        lines.push(line[0] === DOT ? line.subarray(1) : line, CRLF);
      }
      if (taken + this.pending > maxBytes) throw tooBig();
      return undefined;
    });
  }

  /**
   * Runs `step` now and after every chunk until it returns a value. Rejects with what `step` throws, with the
   * failure once `step` cannot finish from the bytes left, or with a timeout (restarted per chunk when `idle`).
   */
  private read<T>(waitMs: number, idle: boolean, step: () => T | undefined): Promise<T> {
    if (this.wake) return Promise.reject(new Error('LineReader: a read is already in progress.'));
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        this.wake = null;
        outcome();
      };
      const arm = () => {
        clearTimeout(timer);
        const words = idle ? 'sent nothing more' : 'did not answer';
        timer = setTimeout(() => settle(() => reject(new HeronError('timeout', `The server ${words} within ${waitMs / 1000} s.`))), waitMs);
      };
      const attempt = () => {
        try {
          const value = step();
          const failure = this.failure;
          if (value !== undefined) settle(() => resolve(value));
          else if (failure) settle(() => reject(failure));
          else if (idle) arm();
        } catch (error) {
          settle(() => reject(error));
        }
      };
      this.wake = attempt;
      arm();
      attempt();
    });
  }

  /** The next complete line (without CRLF or LF), or undefined while its LF has not arrived. */
  private takeLine(): Buffer | undefined {
    for (; this.scanned < this.chunks.length; this.scanned++) {
      const chunk = this.chunks[this.scanned] as Buffer;
      const end = chunk.indexOf(LF);
      if (end < 0) continue;
      const head = this.chunks.slice(0, this.scanned);
      const line = head.length === 0 ? chunk.subarray(0, end) : Buffer.concat([...head, chunk.subarray(0, end)]);
      const rest = chunk.subarray(end + 1);
      this.chunks.splice(0, this.scanned + 1, ...(rest.length > 0 ? [rest] : []));
      this.pending -= line.length + 1;
      this.scanned = 0;
      return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
    }
    return undefined;
  }
}

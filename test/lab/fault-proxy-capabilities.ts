// Strips capability words from what a server announces in plaintext, line by line, until the stream turns opaque.
import { filterForGreeting, type LineFilter } from './fault-proxy-protocols';

const EMPTY = Buffer.alloc(0);
/** First byte of a TLS handshake record: a ClientHello at a line start means the stream is now TLS. */
const TLS_HANDSHAKE = 0x16;
/** Only a command's start matters, so a client line longer than this is cut short before it is looked at. */
const CLIENT_LINE_LIMIT = 1024;

/**
 * One connection's capability stripping. Server bytes are held per line (a line split across TCP chunks is
 * rewritten whole); once the stream is TLS, compressed, or not a protocol we know, bytes pass untouched.
 */
export class CapabilityStripper {
  private readonly words: ReadonlySet<string>;
  /** Chosen from the server's greeting. */
  private filter: LineFilter | undefined;
  private opaque = false;
  /** The server's unfinished line. */
  private serverPartial: Buffer = EMPTY;
  /** Bytes of an IMAP literal still to pass untouched. */
  private literalLeft = 0;
  private clientPartial = '';
  private clientAtLineStart = true;

  constructor(words: readonly string[]) {
    this.words = new Set(words.map((word) => word.toUpperCase()));
  }

  /** Watch what the client sends: its commands, and the TLS handshake that ends line processing. */
  fromClient(chunk: Buffer): void {
    if (this.opaque || chunk.length === 0) return;
    if (this.clientAtLineStart && chunk[0] === TLS_HANDSHAKE) {
      this.opaque = true;
      return;
    }
    this.clientAtLineStart = chunk[chunk.length - 1] === 0x0a;
    const text = chunk.toString('latin1');
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.filter?.clientLine(this.clientPartial + text.slice(start, end + 1));
      this.clientPartial = '';
      start = end + 1;
    }
    const rest = this.clientPartial + text.slice(start, start + CLIENT_LINE_LIMIT);
    this.clientPartial = rest.slice(0, CLIENT_LINE_LIMIT);
  }

  /** What to forward to the client for this server chunk (complete lines, rewritten; the rest waits). */
  fromServer(chunk: Buffer): Buffer {
    if (this.filter === undefined && this.serverPartial.length === 0 && !startsLikeGreeting(chunk)) {
      this.opaque = true; // not a line protocol we know: never hold its bytes back
    }
    if (this.opaque) return this.release(chunk);
    const data = this.serverPartial.length > 0 ? Buffer.concat([this.serverPartial, chunk]) : chunk;
    this.serverPartial = EMPTY;
    const out: Buffer[] = [];
    let position = 0;
    while (position < data.length) {
      if (this.opaque) {
        out.push(data.subarray(position));
        break;
      }
      if (this.literalLeft > 0) {
        const end = Math.min(data.length, position + this.literalLeft);
        out.push(data.subarray(position, end));
        this.literalLeft -= end - position;
        position = end;
        continue;
      }
      const newline = data.indexOf(0x0a, position);
      if (newline < 0) {
        this.serverPartial = data.subarray(position);
        break;
      }
      out.push(this.serverLine(data.subarray(position, newline + 1)));
      position = newline + 1;
    }
    return Buffer.concat(out);
  }

  /** Everything still held back, as received (when the server ends its side). */
  flush(): Buffer {
    return this.release(EMPTY);
  }

  private serverLine(bytes: Buffer): Buffer {
    const line = bytes.toString('latin1');
    this.filter ??= filterForGreeting(line, this.words);
    if (this.filter === undefined) {
      this.opaque = true;
      return bytes;
    }
    const result = this.filter.serverLine(line);
    this.literalLeft = this.filter.takeLiteral();
    if (this.filter.opaque) this.opaque = true;
    return result === line ? bytes : Buffer.from(result, 'latin1');
  }

  /** Held text first (it came earlier), then the chunk, all untouched. */
  private release(chunk: Buffer): Buffer {
    const held = Buffer.from(this.filter?.takeHeld() ?? '', 'latin1');
    if (held.length === 0 && this.serverPartial.length === 0) return chunk;
    const out = Buffer.concat([held, this.serverPartial, chunk]);
    this.serverPartial = EMPTY;
    return out;
  }
}

/** A greeting of IMAP ('*'), POP3 ('+' or '-') or SMTP (a digit) starts like this. */
function startsLikeGreeting(chunk: Buffer): boolean {
  return /^[*+\-0-9]/.test(chunk.toString('latin1', 0, 1));
}

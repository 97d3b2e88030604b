// Per-protocol rules for removing capability words from a server's plaintext lines (IMAP, POP3, SMTP).

/**
 * One protocol's view of a plaintext session. Lines are latin1 strings (one char per byte) that keep their
 * line ending, so a line nobody changed goes out byte for byte as it came in.
 */
export interface LineFilter {
  /** Note a line the client sent: commands that switch the stream to TLS or compression, POP3 pipelining. */
  clientLine(line: string): void;
  /** Rewrite one server line: '' drops it; an SMTP reply is held back until its last line and comes out whole. */
  serverLine(line: string): string;
  /** Bytes right after the last server line that must pass untouched (an IMAP literal); resets to 0. */
  takeLiteral(): number;
  /** True once the server agreed to STARTTLS/STLS/COMPRESS: everything after that line is opaque bytes. */
  readonly opaque: boolean;
  /** Server text held back for the rest of a reply; handed over as is when line processing stops. */
  takeHeld(): string;
}

/** Picks the protocol from the server's first line, or undefined when it is none of the three. */
export function filterForGreeting(line: string, words: ReadonlySet<string>): LineFilter | undefined {
  if (/^\* (OK|PREAUTH|BYE)\b/i.test(line)) return new ImapFilter(words);
  if (/^[+-](OK|ERR)\b/i.test(line)) return new Pop3Filter(words);
  if (/^\d{3}[ -]/.test(line)) return new SmtpFilter(words);
  return undefined;
}

function withoutLineEnd(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** The first space-separated word, upper-cased: the keyword of a POP3 CAPA item or an SMTP EHLO line. */
function keyword(text: string): string {
  return (withoutLineEnd(text).split(' ')[0] ?? '').toUpperCase();
}

/** A space-separated capability list without the stripped words (unchanged spacing otherwise). */
function stripList(list: string, words: ReadonlySet<string>): string {
  return list
    .split(' ')
    .filter((word) => !words.has(word.toUpperCase()))
    .join(' ');
}

class ImapFilter implements LineFilter {
  opaque = false;
  private literal = 0;
  /** The next server segment continues a line that a literal interrupted, so it is not a response start. */
  private midLine = false;
  /** Tag of a STARTTLS or COMPRESS command whose answer decides whether the stream turns opaque. */
  private switchTag: string | undefined;

  constructor(private readonly words: ReadonlySet<string>) {}

  clientLine(line: string): void {
    const command = /^(\S+) (STARTTLS|COMPRESS)\b/i.exec(line);
    if (command) this.switchTag = command[1];
  }

  serverLine(line: string): string {
    const continued = this.midLine;
    const literal = /\{(\d+)\}\r?\n$/.exec(line);
    this.midLine = literal !== null;
    this.literal = literal ? Number(literal[1]) : 0;
    if (continued) return line;
    this.noteSwitch(line);
    return this.strip(line);
  }

  takeLiteral(): number {
    const literal = this.literal;
    this.literal = 0;
    return literal;
  }

  takeHeld(): string {
    return '';
  }

  private noteSwitch(line: string): void {
    if (this.switchTag === undefined || !line.startsWith(`${this.switchTag} `)) return;
    this.opaque = /^\S+ OK\b/i.test(line);
    this.switchTag = undefined;
  }

  /** '* CAPABILITY …' and the '[CAPABILITY …]' code of a status response (greeting or tagged OK). */
  private strip(line: string): string {
    const untagged = /^(\* CAPABILITY )(.*?)(\r?\n)$/i.exec(line);
    if (untagged) return `${untagged[1]}${stripList(untagged[2] ?? '', this.words)}${untagged[3]}`;
    const code = /^(\S+ (?:OK|NO|BAD|PREAUTH|BYE) \[CAPABILITY )([^\]]*)(\][\s\S]*)$/i.exec(line);
    if (code) return `${code[1]}${stripList(code[2] ?? '', this.words)}${code[3]}`;
    return line;
  }
}

interface Pop3Command {
  name: string;
  hasArguments: boolean;
}

/** POP3 answers in order, so a queue of the client's commands says what each status line answers. */
class Pop3Filter implements LineFilter {
  opaque = false;
  private greeted = false;
  private readonly pending: Pop3Command[] = [];
  /** Inside a multi-line answer: only a CAPA list is rewritten; message bodies and listings pass untouched. */
  private listing: 'capa' | 'other' | undefined;

  constructor(private readonly words: ReadonlySet<string>) {}

  clientLine(line: string): void {
    // While AUTH is unanswered the client's lines are SASL responses, not commands.
    if (this.pending.at(-1)?.name === 'AUTH') return;
    const [name = '', ...rest] = withoutLineEnd(line).split(' ');
    this.pending.push({ name: name.toUpperCase(), hasArguments: rest.length > 0 });
  }

  serverLine(line: string): string {
    const bare = withoutLineEnd(line);
    if (this.listing !== undefined) return this.listingLine(line, bare);
    if (bare === '+' || bare.startsWith('+ ')) return line; // a SASL challenge: AUTH goes on
    if (!this.greeted) {
      this.greeted = true;
      return line;
    }
    const command = this.pending.shift();
    if (command !== undefined && bare.toUpperCase().startsWith('+OK')) this.afterOk(command);
    return line;
  }

  takeLiteral(): number {
    return 0;
  }

  takeHeld(): string {
    return '';
  }

  private afterOk(command: Pop3Command): void {
    if (command.name === 'STLS') this.opaque = true;
    else if (isMultiLine(command)) this.listing = command.name === 'CAPA' ? 'capa' : 'other';
  }

  private listingLine(line: string, bare: string): string {
    if (bare === '.') {
      this.listing = undefined;
      return line;
    }
    return this.listing === 'capa' && this.words.has(keyword(bare)) ? '' : line;
  }
}

/** Commands whose +OK starts a multi-line answer that ends with a lone '.' (RFC 1939, RFC 2449, RFC 5034). */
function isMultiLine({ name, hasArguments }: Pop3Command): boolean {
  if (name === 'CAPA' || name === 'RETR' || name === 'TOP') return true;
  return (name === 'LIST' || name === 'UIDL' || name === 'AUTH') && !hasArguments;
}

/** SMTP servers send only replies, so every line is a reply line; multi-line replies are rewritten whole. */
class SmtpFilter implements LineFilter {
  opaque = false;
  private reply: string[] = [];
  private switchPending = false;

  constructor(private readonly words: ReadonlySet<string>) {}

  clientLine(line: string): void {
    if (/^STARTTLS\s*$/i.test(line)) this.switchPending = true;
  }

  serverLine(line: string): string {
    if (!/^\d{3}/.test(line)) return this.takeHeld() + line; // not a reply line: leave it and what came before
    this.reply.push(line);
    if (line[3] === '-') return '';
    const reply = this.reply;
    this.reply = [];
    this.noteSwitch(line);
    return (line.startsWith('250') ? this.stripEhlo(reply) : reply).join('');
  }

  takeLiteral(): number {
    return 0;
  }

  takeHeld(): string {
    const held = this.reply.join('');
    this.reply = [];
    return held;
  }

  private noteSwitch(finalLine: string): void {
    if (!this.switchPending) return;
    this.switchPending = false;
    this.opaque = finalLine.startsWith('220');
  }

  /** Drop extension lines (never the first, the server's name) and re-mark which line is the last. */
  private stripEhlo(lines: string[]): string[] {
    const [first, ...extensions] = lines;
    if (first === undefined) return lines;
    const kept = [first, ...extensions.filter((line) => !this.words.has(keyword(replyText(line))))];
    if (kept.length === lines.length) return lines;
    return kept.map((line, i) => `${line.slice(0, 3)}${i === kept.length - 1 ? ' ' : '-'}${replyText(line)}`);
  }
}

/** The text after an SMTP reply code and its separator ('250-PIPELINING\r\n' → 'PIPELINING\r\n'). */
function replyText(line: string): string {
  return line[3] === '-' || line[3] === ' ' ? line.slice(4) : line.slice(3);
}

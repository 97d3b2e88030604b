// Search tokens, one rule for the index and for queries: folded words, whole e-mail addresses, CJK bigrams, capped per message.

/** Shorter words match too much to be worth an index entry (and a one-letter query would list every message). */
export const MIN_WORD_LENGTH = 2;
/** Longer words (base64 runs, tracking ids) are cut: a query word is cut alike, so prefix matching still holds. */
export const MAX_WORD_LENGTH = 40;
/** A message addressed to a thousand people must not cost a thousand index entries. */
export const MAX_HEADER_WORDS = 500;
/** A huge body must not blow up the index: its first distinct words are what a person remembers anyway. */
export const MAX_BODY_WORDS = 2_000;
/** Characters of a body read for words; the word cap is reached long before in any real message. */
export const MAX_BODY_CHARS = 200_000;

/** Letters and digits; marks are gone after folding. */
const WORD = /[\p{L}\p{N}]+/gu;
/** Scripts written without spaces: indexed as overlapping pairs of characters, so a word inside a run can be found. */
const CJK_RUN = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+/u;
const CJK_SPLIT = /([\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+)/u;
/**
 * Parts bounded by RFC 5321's limits (64 for the local part, 63 a label): unbounded, a long run of letters with no
 * "@" made every start position scan to its end, quadratic time that froze the window on one hostile body.
 */
const EMAIL = /[\p{L}\p{N}._%+'-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;
const MARKS = /\p{M}+/gu;
/** Letters NFKD does not take apart, spelled the way people type them without the key. */
const LIGATURES: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ς: 'σ' };
const LIGATURE = /[ßæœøđðłþıς]/g;

/** Lower case without diacritics: "Grüße" and "grusse" fold to the same word. */
export function foldText(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(MARKS, '').replace(LIGATURE, (c) => LIGATURES[c] ?? c);
}

/** Collects tokens until `cap` distinct ones are held; returns false once full so callers can stop reading. */
class TokenSet {
  readonly tokens = new Set<string>();
  constructor(
    private readonly cap: number,
    private readonly skip: ReadonlySet<string> = new Set(),
  ) {}

  get full(): boolean {
    return this.tokens.size >= this.cap;
  }

  add(token: string): boolean {
    if (this.full) return false;
    const cut = token.length > MAX_WORD_LENGTH ? token.slice(0, MAX_WORD_LENGTH) : token;
    if (!this.skip.has(cut)) this.tokens.add(cut);
    return !this.full;
  }
}

/** The tokens of one run of letters and digits: the run itself, or CJK pairs for the parts written without spaces. */
function runTokens(run: string, emit: (token: string) => boolean): boolean {
  if (!CJK_RUN.test(run)) return run.length < MIN_WORD_LENGTH || emit(run);
  for (const part of run.split(CJK_SPLIT)) {
    if (part === '') continue;
    if (!CJK_RUN.test(part)) {
      if (part.length >= MIN_WORD_LENGTH && !emit(part)) return false;
      continue;
    }
    const chars = [...part];
    // A lone ideograph is a word of its own, so the one-character rule does not apply to it.
    if (chars.length === 1 && !emit(part)) return false;
    for (let i = 0; i + 1 < chars.length; i++) if (!emit(`${chars[i]}${chars[i + 1]}`)) return false;
  }
  return true;
}

/** An address whole, its local part and its domain, each a token; the words inside come from the word pass. */
function addressTokens(address: string, emit: (token: string) => boolean): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return true;
  return emit(address) && emit(address.slice(0, at)) && emit(address.slice(at + 1));
}

function addText(folded: string, into: TokenSet): void {
  const emit = (token: string) => into.add(token);
  for (const match of folded.matchAll(EMAIL)) if (!addressTokens(match[0], emit)) return;
  for (const match of folded.matchAll(WORD)) if (!runTokens(match[0], emit)) return;
}

export interface HeaderFields {
  subject: string;
  from: readonly { name: string; address: string }[];
  to: readonly { name: string; address: string }[];
  cc: readonly { name: string; address: string }[];
}

/** Subject, and names and addresses of sender and recipients. */
export function headerWords(header: HeaderFields): string[] {
  const tokens = new TokenSet(MAX_HEADER_WORDS);
  addText(foldText(header.subject), tokens);
  for (const person of [...header.from, ...header.to, ...header.cc]) {
    if (tokens.full) break;
    const address = foldText(person.address.trim());
    if (address) addressTokens(address, (t) => tokens.add(t));
    addText(foldText(`${person.name} ${address}`), tokens);
  }
  return [...tokens.tokens];
}

/** Crude on purpose: the engine already gives text for HTML-only mail; this only covers a body that came without it. */
function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);/gi, ' ');
}

/** A body's words that are not already in `known` (its header words), at most MAX_BODY_WORDS of them. */
export function bodyWords(text: string | null, html: string | null, known: ReadonlySet<string> = new Set()): string[] {
  const source = text ?? (html === null ? '' : htmlText(html));
  const tokens = new TokenSet(MAX_BODY_WORDS, known);
  addText(foldText(source.slice(0, MAX_BODY_CHARS)), tokens);
  return [...tokens.tokens];
}

/**
 * The words of a query, each matched as a prefix of an indexed token and all required. A piece with '@' is
 * an address (or '@domain') matched whole; other pieces split like indexed text. A word that is a prefix of
 * another query word is dropped: every message the longer one finds, the shorter finds too.
 */
export function queryWords(query: string): string[] {
  const found = new Set<string>();
  const emit = (token: string) => {
    found.add(token.length > MAX_WORD_LENGTH ? token.slice(0, MAX_WORD_LENGTH) : token);
    return true;
  };
  for (const piece of foldText(query).split(/\s+/)) {
    const trimmed = piece.replace(/^[^\p{L}\p{N}@]+|[^\p{L}\p{N}]+$/gu, '');
    if (trimmed.includes('@')) {
      const address = trimmed.startsWith('@') ? trimmed.slice(1) : trimmed;
      if (address.length >= MIN_WORD_LENGTH) emit(address);
      continue;
    }
    for (const match of trimmed.matchAll(WORD)) runTokens(match[0], emit);
  }
  const words = [...found];
  return words.filter((word) => !words.some((other) => other !== word && other.startsWith(word)));
}

// Owns the byte-level encodings the corpus writes: legacy charsets, RFC 2047 encoded-words, quoted-printable, base64, header folding.
//
// Node can decode many charsets (TextDecoder with full ICU) but encode only UTF-8 and Latin-1. The encoders here
// are built by inverting TextDecoder: decode every byte (or byte pair) once and remember which character it gave.
// That is exact for the charsets used (single-byte tables, EUC-CN, and ISO-2022-JP's JIS X 0208 plane), and a
// character with no code in the target charset throws instead of being silently replaced.

export const CRLF = '\r\n';

export type Charset = 'us-ascii' | 'utf-8' | 'iso-8859-1' | 'iso-8859-2' | 'iso-8859-7' | 'windows-1251' | 'koi8-r' | 'gb2312' | 'iso-2022-jp';

const tables = new Map<Charset, Map<string, number[]>>();

function singleByteTable(charset: Charset): Map<string, number[]> {
  const decoder = new TextDecoder(charset, { fatal: false });
  const table = new Map<string, number[]>();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    const char = decoder.decode(Uint8Array.of(byte));
    if (char !== '\ufffd' && !table.has(char)) table.set(char, [byte]);
  }
  return table;
}

function eucCnTable(): Map<string, number[]> {
  const decoder = new TextDecoder('gb2312');
  const table = new Map<string, number[]>();
  for (let high = 0xa1; high <= 0xf7; high++) {
    for (let low = 0xa1; low <= 0xfe; low++) {
      const char = decoder.decode(Uint8Array.of(high, low));
      if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, [high, low]);
    }
  }
  return table;
}

/** JIS X 0208 code pairs (the bytes between ESC $ B and ESC ( B), found by decoding each pair once. */
function jisTable(): Map<string, number[]> {
  const decoder = new TextDecoder('iso-2022-jp');
  const table = new Map<string, number[]>();
  for (let row = 0x21; row <= 0x7e; row++) {
    for (let cell = 0x21; cell <= 0x7e; cell++) {
      const char = decoder.decode(Uint8Array.of(0x1b, 0x24, 0x42, row, cell, 0x1b, 0x28, 0x42));
      if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, [row, cell]);
    }
  }
  return table;
}

function tableFor(charset: Charset): Map<string, number[]> {
  let table = tables.get(charset);
  if (!table) {
    table = charset === 'gb2312' ? eucCnTable() : charset === 'iso-2022-jp' ? jisTable() : singleByteTable(charset);
    tables.set(charset, table);
  }
  return table;
}

function unencodable(char: string, charset: Charset): Error {
  return new Error(`corpus text ${JSON.stringify(char)} (U+${(char.codePointAt(0) ?? 0).toString(16)}) has no code in ${charset}`);
}

/** Match a character outside Latin-1 / outside ASCII (written as ranges above, to avoid control characters in regexes). */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const BEYOND_ASCII = /[\u0080-\uffff]/;
const LATIN1 = { test: (text: string): boolean => !BEYOND_LATIN1.test(text) };
const ASCII = { test: (text: string): boolean => !BEYOND_ASCII.test(text) };

/** Encodes `text` in `charset`; throws on a character the charset cannot hold. */
export function encodeText(text: string, charset: Charset): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  if (ASCII.test(text) || (charset === 'iso-8859-1' && LATIN1.test(text))) return Buffer.from(text, 'latin1');
  if (charset === 'us-ascii' || charset === 'iso-8859-1') {
    const allowed = charset === 'us-ascii' ? ASCII : LATIN1;
    throw unencodable([...text].find((char) => !allowed.test(char)) ?? '?', charset);
  }
  const table = tableFor(charset);
  // At most 2 bytes per UTF-16 unit, plus ISO-2022-JP's escapes (3 bytes per mode switch, at most one per char).
  const out = Buffer.allocUnsafe(text.length * 5 + 3);
  let length = 0;
  if (charset === 'iso-2022-jp') {
    // RFC 1468: switch to JIS X 0208 with ESC $ B and back to ASCII with ESC ( B; always end in ASCII.
    let jis = false;
    for (const char of text) {
      const code = char.charCodeAt(0);
      if (code < 0x80) {
        if (jis) {
          out[length++] = 0x1b; out[length++] = 0x28; out[length++] = 0x42;
          jis = false;
        }
        out[length++] = code;
        continue;
      }
      const pair = table.get(char);
      if (!pair) throw unencodable(char, charset);
      if (!jis) {
        out[length++] = 0x1b; out[length++] = 0x24; out[length++] = 0x42;
        jis = true;
      }
      for (const byte of pair) out[length++] = byte;
    }
    if (jis) {
      out[length++] = 0x1b; out[length++] = 0x28; out[length++] = 0x42;
    }
    return out.subarray(0, length);
  }
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x80) {
      out[length++] = code;
      continue;
    }
    const mapped = table.get(char);
    if (!mapped) throw unencodable(char, charset);
    for (const byte of mapped) out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** True when every character of `text` has a code in `charset`. */
export function canEncode(text: string, charset: Charset): boolean {
  if (charset === 'utf-8' || ASCII.test(text)) return true;
  if (charset === 'us-ascii') return false;
  if (charset === 'iso-8859-1') return LATIN1.test(text);
  const table = tableFor(charset);
  for (const char of text) if (char.charCodeAt(0) >= 0x80 && !table.has(char)) return false;
  return true;
}

export function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** Base64 in lines of 76 characters (RFC 2045), each ending in CRLF. */
export function base64Body(data: Buffer): string {
  const encoded = data.toString('base64');
  let out = '';
  for (let i = 0; i < encoded.length; i += 76) out += encoded.slice(i, i + 76) + CRLF;
  return out;
}

const HEX = '0123456789ABCDEF';
function hexByte(byte: number): string {
  return `=${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/**
 * Quoted-printable (RFC 2045 §6.7) for text whose lines are separated by "\n" in `text`: each becomes a hard CRLF
 * line break; long lines get soft breaks ("=" CRLF) so no encoded line exceeds 76 characters.
 */
export function quotedPrintableBody(text: string, charset: Charset): string {
  let out = '';
  for (const line of text.split('\n')) {
    const bytes = encodeText(line, charset);
    let current = '';
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const last = i === bytes.length - 1;
      // Printable ASCII except '=' stays; space and tab stay unless they end the line (they would be stripped).
      const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
      const token = literal ? String.fromCharCode(byte) : hexByte(byte);
      if (current.length + token.length > 75) {
        out += `${current}=${CRLF}`;
        current = '';
      }
      current += token;
    }
    out += current + CRLF;
  }
  return out;
}

/** Text lines joined with CRLF, for 7bit/8bit bodies (the caller has checked the encoding fits). */
export function plainBody(text: string, charset: Charset): Buffer {
  return encodeText(text.split('\n').join(CRLF) + CRLF, charset);
}

/** RFC 2047 "Q": anything but letters and digits is hex-escaped, which is safe in phrases and unstructured text. */
function qEncode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x20) out += '_';
    else if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) out += String.fromCharCode(byte);
    else out += hexByte(byte);
  }
  return out;
}

function encodedWord(text: string, charset: Charset, mode: 'B' | 'Q'): string {
  const bytes = encodeText(text, charset);
  const payload = mode === 'B' ? bytes.toString('base64') : qEncode(bytes);
  return `=?${charset.toUpperCase()}?${mode}?${payload}?=`;
}

/**
 * `text` as RFC 2047 encoded-words of at most 75 characters each (§2). The text is split between characters,
 * never inside one, and each word is complete on its own: a multi-byte sequence or an ISO-2022-JP escape state
 * never spans two words (§5).
 */
export function encodedWords(text: string, charset: Charset, mode: 'B' | 'Q'): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (chunk !== '' && encodedWord(chunk + char, charset, mode).length > 75) {
      words.push(encodedWord(chunk, charset, mode));
      chunk = '';
    }
    chunk += char;
  }
  if (chunk !== '') words.push(encodedWord(chunk, charset, mode));
  return words;
}

/**
 * One header field, folded (RFC 5322 §2.2.3) at the spaces between `tokens` so lines stay within 78 characters
 * where the tokens allow. Tokens are joined by single spaces; a token is never split.
 */
export function foldHeader(name: string, tokens: readonly string[]): string {
  let line = `${name}:`;
  let out = '';
  for (const token of tokens) {
    if (line.length + 1 + token.length > 78 && line.length > name.length + 1) {
      out += line + CRLF;
      line = ` ${token}`;
    } else {
      line += ` ${token}`;
    }
  }
  return out + line + CRLF;
}

/**
 * Encoded-words are pure functions of (text, charset, mode), and a corpus repeats the same subjects and names
 * thousands of times, so they are computed once. The key space is small (a few thousand entries at most).
 */
const encodedWordCache = new Map<string, string[]>();

function cachedEncodedWords(text: string, charset: Charset, mode: 'B' | 'Q'): string[] {
  const key = `${charset}\u0000${mode}\u0000${text}`;
  let words = encodedWordCache.get(key);
  if (!words) {
    words = encodedWords(text, charset, mode);
    encodedWordCache.set(key, words);
  }
  return words;
}

/** Unstructured header text (Subject): plain words if ASCII, else encoded-words in the chosen charset and mode. */
export function unstructuredTokens(text: string, charset: Charset, mode: 'B' | 'Q'): string[] {
  if (isAscii(text)) return text.split(' ').filter((word) => word !== '');
  return [...cachedEncodedWords(text, charset, mode)];
}

/** RFC 5322 specials that force a display name into a quoted-string. */
const PHRASE_SPECIALS = /[()<>[\]:;@\\,."]/;

/** A mailbox `Name <addr>` with the display name quoted or encoded as needed; just `addr` without a name. */
export function mailboxTokens(name: string | undefined, address: string, charset: Charset, mode: 'B' | 'Q'): string[] {
  if (!name) return [address];
  if (isAscii(name)) {
    const phrase = PHRASE_SPECIALS.test(name) ? [`"${name.replace(/(["\\])/g, '\\$1')}"`] : name.split(' ');
    return [...phrase, `<${address}>`];
  }
  return [...cachedEncodedWords(name, charset, mode), `<${address}>`];
}

/** RFC 2231 extended parameter value (`UTF-8''%XX…`) for a non-ASCII attachment file name. */
export function rfc2231Value(text: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9.\-_~]/.test(char) ? char : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

// Owns the deterministic test corpus: a seeded generator of realistic RFC 5322 messages and a fast loader into a lab mailbox.
//
// Same options => byte-identical messages (mulberry32, no clock, no Math.random, no zlib). The mix, per message:
// language (mostly English, long tail of 9 others) and charset (UTF-8, ISO-8859-1/2/7, windows-1251, KOI8-R, GB2312,
// ISO-2022-JP) for headers (RFC 2047 B and Q) and bodies (7bit, 8bit, quoted-printable, base64); structure (plain,
// multipart/alternative, newsletter HTML with remote images, attachments, multipart/related inline image, forwarded
// message/rfc822, calendar invite);
// reply threads (In-Reply-To + References to earlier messages, "Re:"/"AW:"/"Ответ:" prefixes, quoted text);
// mailing-list posts; a few hostile or tracking HTML bodies; ~70% \Seen, ~5% \Flagged; dates over several years.
// loadCorpus writes maildir files straight into cur/ and then asks Dovecot to resync, which is far faster than APPEND.
import { closeSync, futimesSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Lab } from './lab';
import { makeBinary, makeCalendar, makeCsv, makePdf, makePng, makeTextFile } from './corpus-attachments';
import type { Charset } from './corpus-encoding';
import {
  base64Body, canEncode, CRLF, foldHeader, isAscii, mailboxTokens, plainBody, quotedPrintableBody, rfc2231Value, unstructuredTokens,
} from './corpus-encoding';
import { Random } from './corpus-random';
import type { Language } from './corpus-text';
import { ATTACHMENT_NAMES, LANGUAGE_WEIGHTS, LANGUAGES, MAILING_LISTS, SENDER_DOMAINS } from './corpus-text';
import { messageFileName } from './maildir';

export interface CorpusMessage {
  folder: string;
  /** The whole message, CRLF line ends. */
  raw: Buffer;
  flags: string[];
  internalDate: Date;
  /** With angle brackets, as in the Message-ID header. */
  messageId: string;
  /** The decoded subject ('' when the message has none), for checking a parser. */
  subject: string;
  /** Message-ID this message replies to, if it is a reply. */
  inReplyTo?: string;
}

export interface CorpusOptions {
  seed: number;
  count: number;
  /** Folders to spread messages over ('/'-separated); INBOX gets about half. Default: DEFAULT_CORPUS_FOLDERS. */
  folders?: string[];
  /** The mailbox owner: recipient of received mail, sender of mail in Sent/Drafts. Default alice@maillab.test. */
  owner?: { name: string; email: string };
  /** Dates are spread evenly (with jitter) from `from` to `to`. Default 2019-01-01 to 2025-06-30 (UTC). */
  from?: Date;
  to?: Date;
}

/** Default folders: the inbox, special-use folders, nested folders and non-ASCII names at several depths. */
export const DEFAULT_CORPUS_FOLDERS = [
  'INBOX', 'Sent', 'Archive', 'Archive/2024', 'Archive/2023', 'Projects/Heron', 'Projects/Heron/Design reviews',
  'Ünïcode/Привет', 'Été 2024', '日本語/メール',
];

const DEFAULT_OWNER = { name: 'Alice Example', email: 'alice@maillab.test' };
const DEFAULT_FROM = new Date(Date.UTC(2019, 0, 1));
const DEFAULT_TO = new Date(Date.UTC(2025, 5, 30));
/** How many recent messages a reply may answer; keeps memory flat for 100,000 messages. */
const THREAD_POOL_SIZE = 400;

const REPLY_PREFIX: Record<string, string> = { de: 'AW:', ru: 'Ответ:', pl: 'Odp:', el: 'ΑΠ:', es: 'RE:' };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MAILERS = ['Mozilla Thunderbird 115.6.0', 'Apple Mail (2.3774.300.61.1.2)', 'Microsoft Outlook 16.0', 'Roundcube Webmail/1.6.5', 'K-9 Mail for Android', 'Heron corpus 1.0'];

interface Person {
  name: string;
  email: string;
  first: string;
}

interface ThreadEntry {
  messageId: string;
  references: string[];
  baseSubject: string;
  language: Language;
  date: Date;
  from: Person;
  snippet: string;
}

interface Part {
  headers: string[];
  body: string | Buffer;
}

/** Date header value (RFC 5322 §3.3) for `date` as seen from a zone `offset` minutes east of UTC. */
function formatDate(date: Date, offset: number): string {
  const local = new Date(date.getTime() + offset * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return `${DAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${zone}`;
}

/** Wraps a paragraph into lines: at spaces for spaced scripts (72 columns), every 34 characters for CJK. */
function wrap(paragraph: string, spaced: boolean): string[] {
  const lines: string[] = [];
  if (!spaced) {
    const chars = [...paragraph];
    for (let i = 0; i < chars.length; i += 34) lines.push(chars.slice(i, i + 34).join(''));
    return lines;
  }
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 72) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Serialises a MIME entity: headers, blank line, body. */
function serialise(part: Part): Buffer {
  const head = part.headers.join('');
  return Buffer.concat([Buffer.from(head + CRLF, 'utf8'), typeof part.body === 'string' ? Buffer.from(part.body, 'latin1') : part.body]);
}

function multipart(subtype: string, boundary: string, parts: Part[]): Part {
  const chunks: Buffer[] = [Buffer.from(`This is a multi-part message in MIME format.${CRLF}`, 'ascii')];
  for (const part of parts) chunks.push(Buffer.from(`--${boundary}${CRLF}`, 'ascii'), serialise(part), Buffer.from(CRLF, 'ascii'));
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'ascii'));
  return { headers: [`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"${CRLF}`], body: Buffer.concat(chunks) };
}

/**
 * Generates `count` messages, oldest first. Deterministic: the same options always yield the same bytes, flags,
 * dates and folders, whatever the machine.
 */
export function* generateCorpus(options: CorpusOptions): Generator<CorpusMessage> {
  const generator = new CorpusGenerator(options);
  for (let index = 0; index < options.count; index++) yield generator.message(index);
}

class CorpusGenerator {
  private readonly random: Random;
  private readonly folders: Array<readonly [string, number]>;
  private readonly owner: Person;
  private readonly from: number;
  private readonly span: number;
  private readonly pool: ThreadEntry[] = [];
  private readonly languages: Array<readonly [Language, number]>;
  private readonly seedTag: string;

  constructor(private readonly options: CorpusOptions) {
    if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`corpus count must be a non-negative integer, got ${options.count}`);
    this.random = new Random(options.seed);
    this.seedTag = (options.seed >>> 0).toString(36);
    const folders = options.folders ?? DEFAULT_CORPUS_FOLDERS;
    if (folders.length === 0) throw new Error('corpus folders must not be empty');
    // INBOX gets as much weight as all other folders together, like a real mailbox.
    this.folders = folders.map((folder) => [folder, folder.toUpperCase() === 'INBOX' ? Math.max(1, folders.length - 1) : 1] as const);
    const owner = options.owner ?? DEFAULT_OWNER;
    this.owner = { ...owner, first: owner.name.split(' ')[0] ?? owner.name };
    this.from = (options.from ?? DEFAULT_FROM).getTime();
    this.span = Math.max(1, (options.to ?? DEFAULT_TO).getTime() - this.from);
    this.languages = LANGUAGES.map((language) => [language, LANGUAGE_WEIGHTS[language.code] ?? 1] as const);
  }

  private person(language: Language): Person {
    const [name, local] = this.random.pick(language.people);
    return { name, email: `${local}@${this.random.pick(SENDER_DOMAINS)}`, first: name.split(' ')[0] ?? name };
  }

  private chooseCharset(language: Language, texts: readonly string[]): Charset {
    const preferred = this.random.chance(0.65) ? (language.charsets[0] as Charset) : this.random.pick(language.charsets);
    // A legacy charset is only used when it can hold every header and body string of this message.
    return texts.every((text) => canEncode(text, preferred)) ? preferred : 'utf-8';
  }

  message(index: number): CorpusMessage {
    const random = this.random;
    const folder = random.weighted(this.folders);
    const outgoing = /^(sent|drafts)$/i.test(folder);
    const isDraft = /^drafts$/i.test(folder);

    // Thread: about a third of messages answer a recent one, in the same language.
    const parent = this.pool.length > 0 && random.chance(0.35) ? random.pick(this.pool) : undefined;
    const language = parent?.language ?? random.weighted(this.languages);
    const list = !parent && random.chance(0.08) ? random.pick(MAILING_LISTS) : undefined;

    const base = this.from + Math.floor(((index + random.next()) / Math.max(1, this.options.count)) * this.span);
    const date = new Date(parent && base <= parent.date.getTime() ? parent.date.getTime() + random.int(60, 172_800) * 1000 : base);
    const offset = random.pick(language.offsets);

    const sender = outgoing ? this.owner : parent && random.chance(0.5) ? { ...parent.from } : this.person(language);
    const recipients: Person[] = outgoing ? [parent ? parent.from : this.person(language)] : [this.owner];
    if (random.chance(0.25)) recipients.push(this.person(language));
    const cc = random.chance(0.15) ? [this.person(language)] : [];

    let baseSubject: string;
    if (parent) baseSubject = parent.baseSubject;
    else if (random.chance(0.005)) baseSubject = '';
    else baseSubject = (list ? `[${list.name}] ` : '') + random.pick(language.subjects);
    const prefix = REPLY_PREFIX[language.code] ?? 'Re:';
    const subject = parent ? (baseSubject === '' ? prefix : `${prefix} ${baseSubject}`) : baseSubject;

    const domain = sender.email.split('@')[1] ?? 'example.com';
    const messageId = `<${date.toISOString().replace(/\D/g, '').slice(0, 14)}.${random.hex(8)}.${index.toString(36)}-${this.seedTag}@${domain}>`;
    const references = parent ? [...parent.references.slice(-9), parent.messageId] : [];

    // Body text.
    const paragraphs: string[] = [language.greeting(recipients[0]?.first ?? '')];
    const paragraphCount = random.int(1, 3);
    for (let p = 0; p < paragraphCount; p++) {
      const sentences: string[] = [];
      const sentenceCount = random.int(1, 4);
      for (let s = 0; s < sentenceCount; s++) sentences.push(random.pick(language.sentences));
      paragraphs.push(sentences.join(language.spaced ? ' ' : ''));
    }
    paragraphs.push(`${language.signOff}\n${sender.name}`);
    const snippet = paragraphs[1] ?? '';
    const quote = parent ? `${language.wrote(parent.from.name)}\n${wrap(parent.snippet, language.spaced).map((line) => `> ${line}`).join('\n')}` : undefined;
    const footer = list ? `-- \n${list.name} mailing list\n${list.address}\nhttps://${list.id}/listinfo` : undefined;
    const textBody = [...paragraphs.map((paragraph) => paragraph.split('\n').flatMap((line) => wrap(line, language.spaced)).join('\n')), quote, footer]
      .filter((block): block is string => block !== undefined)
      .join('\n\n');

    const names = [sender.name, ...recipients.map((r) => r.name), ...cc.map((r) => r.name)];
    const charset = this.chooseCharset(language, [subject, ...names, textBody]);
    const mode: 'B' | 'Q' = charset === 'iso-2022-jp' || random.chance(0.5) ? 'B' : 'Q';
    // A few mailers put raw UTF-8 in headers (RFC 6532); parsers must cope with that as well.
    const rawUtf8Headers = charset === 'utf-8' && !isAscii(subject + names.join('')) && random.chance(0.04);

    const headers: string[] = [];
    if (!outgoing) {
      headers.push(`Return-Path: <${sender.email}>${CRLF}`);
      headers.push(
        `Received: from mx.${domain} (mx.${domain} [192.0.2.${random.int(1, 254)}])${CRLF}\tby mx.maillab.test (Postfix) with ESMTPS id ${random.hex(10).toUpperCase()}${CRLF}\tfor <${this.owner.email}>; ${formatDate(new Date(date.getTime() + 2000), 0)}${CRLF}`,
      );
    }
    if (list) {
      headers.push(`List-Id: ${list.name} <${list.id}>${CRLF}`, `List-Unsubscribe: <mailto:${list.name}-unsubscribe@${list.id}>${CRLF}`, `Precedence: list${CRLF}`);
    }
    const addressList = (people: Person[]): string[] =>
      people.flatMap((person, i) => {
        const tokens = rawUtf8Headers && !isAscii(person.name) ? [person.name, `<${person.email}>`] : mailboxTokens(person.name, person.email, charset, mode);
        if (i < people.length - 1) tokens[tokens.length - 1] += ',';
        return tokens;
      });
    headers.push(`Date: ${formatDate(date, offset)}${CRLF}`);
    headers.push(foldHeader('From', addressList([sender])));
    headers.push(foldHeader('To', addressList(recipients)));
    if (cc.length > 0) headers.push(foldHeader('Cc', addressList(cc)));
    if (subject !== '') headers.push(foldHeader('Subject', rawUtf8Headers ? subject.split(' ') : unstructuredTokens(subject, charset, mode)));
    headers.push(`Message-ID: ${messageId}${CRLF}`);
    if (parent) {
      headers.push(`In-Reply-To: ${parent.messageId}${CRLF}`);
      headers.push(foldHeader('References', references));
    }
    if (random.chance(0.6)) headers.push(`${random.chance(0.5) ? 'X-Mailer' : 'User-Agent'}: ${random.pick(MAILERS)}${CRLF}`);
    headers.push(`MIME-Version: 1.0${CRLF}`);

    const bodyPart = this.bodyPart(index, language, charset, textBody, paragraphs, quote, subject, sender, date);
    const raw = Buffer.concat([Buffer.from(headers.join('') + bodyPart.headers.join('') + CRLF, 'utf8'), typeof bodyPart.body === 'string' ? Buffer.from(bodyPart.body, 'latin1') : bodyPart.body]);

    const flags: string[] = [];
    if (isDraft) flags.push('\\Draft', '\\Seen');
    else if (outgoing || random.chance(0.7)) flags.push('\\Seen');
    if (random.chance(0.05)) flags.push('\\Flagged');
    if (!outgoing && flags.includes('\\Seen') && random.chance(0.1)) flags.push('\\Answered');

    const internalDate = new Date(Math.floor((date.getTime() + (outgoing ? 0 : random.int(1, 120) * 1000)) / 1000) * 1000);

    this.pool.push({ messageId, references, baseSubject, language, date, from: sender, snippet });
    if (this.pool.length > THREAD_POOL_SIZE) this.pool.shift();

    return { folder, raw, flags, internalDate, messageId, subject, ...(parent ? { inReplyTo: parent.messageId } : {}) };
  }

  /** The text/plain part in `charset` with a transfer encoding suited to it. */
  private textPart(charset: Charset, text: string, subtype = 'plain'): Part {
    const random = this.random;
    let encoding: string;
    if (charset === 'us-ascii' || charset === 'iso-2022-jp') encoding = '7bit';
    else if (subtype === 'html') encoding = random.chance(0.5) ? 'base64' : 'quoted-printable';
    else encoding = random.weighted([['quoted-printable', 45], ['8bit', 30], ['base64', 25]] as const);
    const body =
      encoding === 'base64' ? base64Body(plainBody(text, charset)) : encoding === 'quoted-printable' ? quotedPrintableBody(text, charset) : plainBody(text, charset);
    const flowed = subtype === 'plain' && random.chance(0.2) ? '; format=flowed' : '';
    return {
      headers: [`Content-Type: text/${subtype}; charset="${charset}"${flowed}${CRLF}`, `Content-Transfer-Encoding: ${encoding}${CRLF}`],
      body: typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
    };
  }

  private htmlText(language: Language, paragraphs: string[], quote: string | undefined, extras: string): string {
    const random = this.random;
    const blocks = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
    if (quote) blocks.push(`<blockquote type="cite" style="border-left:2px solid #ccc;padding-left:8px">${escapeHtml(quote).replace(/\n/g, '<br>\n')}</blockquote>`);
    // Content that tests the reader's defences: remote images (blocked until allowed) and, rarely, active content.
    if (random.chance(0.08)) blocks.push(`<p><img src="https://tracker.example.net/open/${random.hex(16)}.gif" width="1" height="1" alt=""></p>`);
    if (random.chance(0.01)) blocks.push(`<script>document.title='pwned'</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a>`);
    if (random.chance(0.1)) blocks.push(`<p><a href="https://www.example.com/${random.hex(6)}">https://www.example.com/</a></p>`);
    return `<!DOCTYPE html>\n<html lang="${language.code}">\n<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title></title></head>\n<body style="font-family:sans-serif">\n${blocks.join('\n')}${extras}\n</body>\n</html>`;
  }

  /**
   * A marketing-style newsletter: table layout, inline styles on every element and remote images, as bulk mail
   * looks in practice (5–15 KB of HTML). The remote images exercise "remote content blocked until allowed".
   */
  private newsletter(language: Language): { plain: string; markup: string } {
    const random = this.random;
    const cell = 'style="padding:12px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#333333"';
    const articles: string[] = [];
    const plain: string[] = [];
    const count = random.int(3, 7);
    for (let a = 0; a < count; a++) {
      const heading = random.pick(language.subjects);
      const sentences = Array.from({ length: random.int(2, 4) }, () => random.pick(language.sentences)).join(language.spaced ? ' ' : '');
      const link = `https://news.example.net/r/${random.hex(24)}`;
      articles.push(
        `<tr><td ${cell}><img src="https://cdn.example.net/img/${random.hex(20)}.jpg" width="552" height="${random.int(120, 280)}" alt="" style="display:block;border:0;width:100%;max-width:552px"></td></tr>\n` +
          `<tr><td ${cell}><h2 style="margin:0 0 8px 0;font-size:20px;line-height:26px;color:#111111;font-weight:bold">${escapeHtml(heading)}</h2>\n` +
          `<p style="margin:0 0 12px 0">${escapeHtml(sentences)}</p>\n` +
          `<a href="${link}" style="display:inline-block;padding:8px 16px;background:#0b6cda;color:#ffffff;text-decoration:none;border-radius:4px">Read more &rarr;</a></td></tr>`,
      );
      plain.push(`${heading}\n\n${wrap(sentences, language.spaced).join('\n')}\n${link}`);
    }
    const unsubscribe = `https://news.example.net/unsubscribe/${random.hex(32)}`;
    const markup = `<!DOCTYPE html>\n<html lang="${language.code}"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1"><title>Newsletter</title>\n<style type="text/css">body{margin:0;padding:0}table{border-collapse:collapse}img{-ms-interpolation-mode:bicubic}@media only screen and (max-width:600px){.container{width:100%!important}}</style></head>\n<body style="margin:0;padding:0;background:#f2f4f7">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f2f4f7"><tr><td align="center">\n<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="background:#ffffff;margin:24px 0">\n<tr><td ${cell}><img src="https://cdn.example.net/logo/${random.hex(8)}.png" width="140" height="40" alt="Example News"></td></tr>\n${articles.join('\n')}\n<tr><td ${cell.replace('#333333', '#888888')}><p style="font-size:12px">You receive this because you subscribed. <a href="${unsubscribe}" style="color:#888888">Unsubscribe</a></p><img src="https://tracker.example.net/open/${random.hex(16)}.gif" width="1" height="1" alt=""></td></tr>\n</table></td></tr></table>\n</body></html>`;
    return { plain: `${plain.join('\n\n')}\n\nUnsubscribe: ${unsubscribe}`, markup };
  }

  private attachment(language: Language, subject: string): Part {
    const random = this.random;
    const kind = random.weighted([['pdf', 3], ['png', 3], ['csv', 2], ['bin', 1], ['txt', 2]] as const);
    const name = random.pick(ATTACHMENT_NAMES[kind]);
    const types = { pdf: 'application/pdf', png: 'image/png', csv: 'text/csv; charset="utf-8"', bin: 'application/octet-stream', txt: 'text/plain; charset="utf-8"' };
    const data =
      kind === 'pdf' ? makePdf(random, subject) : kind === 'png' ? makePng(random) : kind === 'csv' ? makeCsv(random) : kind === 'bin' ? makeBinary(random, random.chance(0.05)) : makeTextFile(random, language.sentences);
    // Non-ASCII names both ways seen in the wild: RFC 2231 parameters, and RFC 2047 words inside quotes.
    let nameParameter: string;
    let fileParameter: string;
    if (isAscii(name)) {
      nameParameter = `name="${name}"`;
      fileParameter = `filename="${name}"`;
    } else if (random.chance(0.5)) {
      nameParameter = `name*=${rfc2231Value(name)}`;
      fileParameter = `filename*=${rfc2231Value(name)}`;
    } else {
      const word = `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
      nameParameter = `name="${word}"`;
      fileParameter = `filename="${word}"`;
    }
    return {
      headers: [`Content-Type: ${types[kind]};${CRLF} ${nameParameter}${CRLF}`, `Content-Disposition: attachment;${CRLF} ${fileParameter}${CRLF}`, `Content-Transfer-Encoding: base64${CRLF}`],
      body: base64Body(data),
    };
  }

  private bodyPart(
    index: number, language: Language, charset: Charset, textBody: string, paragraphs: string[], quote: string | undefined, subject: string, sender: Person, date: Date,
  ): Part {
    const random = this.random;
    const boundary = (level: string): string => `=_heron_${this.seedTag}_${index.toString(36)}_${level}_${random.hex(8)}`;
    const structure = random.weighted([
      ['plain', 42], ['alternative', 30], ['newsletter', 8], ['attachments', 13], ['related', 3], ['forward', 3], ['calendar', 2], ['html-only', 1],
    ] as const);
    const text = (): Part => this.textPart(charset, textBody);
    // HTML is always UTF-8 (its <meta> says so), whatever the text part uses, as most mailers do.
    const html = (extras = ''): Part => this.textPart('utf-8', this.htmlText(language, paragraphs, quote, extras), 'html');
    switch (structure) {
      case 'plain':
        return text();
      case 'html-only':
        return html();
      case 'alternative':
        return multipart('alternative', boundary('alt'), [text(), html()]);
      case 'newsletter': {
        const { plain, markup } = this.newsletter(language);
        return multipart('alternative', boundary('alt'), [this.textPart(charset, plain), this.textPart('utf-8', markup, 'html')]);
      }
      case 'attachments': {
        const body = random.chance(0.5) ? multipart('alternative', boundary('alt'), [text(), html()]) : text();
        const attachments = Array.from({ length: random.int(1, 2) }, () => this.attachment(language, subject));
        return multipart('mixed', boundary('mix'), [body, ...attachments]);
      }
      case 'related': {
        const cid = `${random.hex(12)}@heron.corpus`;
        const image: Part = {
          headers: [`Content-Type: image/png${CRLF}`, `Content-ID: <${cid}>${CRLF}`, `Content-Disposition: inline; filename="inline.png"${CRLF}`, `Content-Transfer-Encoding: base64${CRLF}`],
          body: base64Body(makePng(random)),
        };
        const related = multipart('related', boundary('rel'), [html(`\n<p><img src="cid:${cid}" alt="inline image"></p>`), image]);
        return multipart('alternative', boundary('alt'), [text(), related]);
      }
      case 'forward': {
        const inner = this.forwardedMessage(language, sender, date);
        const attached: Part = { headers: [`Content-Type: message/rfc822${CRLF}`, `Content-Disposition: inline${CRLF}`], body: inner };
        return multipart('mixed', boundary('mix'), [text(), attached]);
      }
      case 'calendar': {
        const start = new Date(date.getTime() + random.int(1, 14) * 86_400_000);
        const ics = makeCalendar(random, subject || 'Meeting', sender.email, start);
        const invite: Part = {
          headers: [`Content-Type: text/calendar; charset="utf-8"; method=REQUEST${CRLF}`, `Content-Transfer-Encoding: base64${CRLF}`],
          body: base64Body(Buffer.from(ics, 'utf8')),
        };
        return multipart('alternative', boundary('alt'), [text(), invite]);
      }
    }
  }

  /** A small complete message to forward as message/rfc822 (7bit headers, UTF-8 body). */
  private forwardedMessage(language: Language, forwarder: Person, date: Date): Buffer {
    const random = this.random;
    const author = this.person(language);
    const subject = random.pick(language.subjects);
    const earlier = new Date(date.getTime() - random.int(3600, 30 * 86_400) * 1000);
    const body = [language.greeting(forwarder.first), random.pick(language.sentences), `${language.signOff}\n${author.name}`].join('\n\n');
    const headers = [
      foldHeader('From', mailboxTokens(author.name, author.email, 'utf-8', 'B')),
      foldHeader('To', mailboxTokens(forwarder.name, forwarder.email, 'utf-8', 'B')),
      foldHeader('Subject', unstructuredTokens(subject, 'utf-8', 'Q')),
      `Date: ${formatDate(earlier, random.pick(language.offsets))}${CRLF}`,
      `Message-ID: <fwd.${random.hex(12)}.${this.seedTag}@${author.email.split('@')[1]}>${CRLF}`,
      `MIME-Version: 1.0${CRLF}`,
      `Content-Type: text/plain; charset="utf-8"${CRLF}`,
      `Content-Transfer-Encoding: quoted-printable${CRLF}`,
    ];
    return Buffer.concat([Buffer.from(headers.join('') + CRLF, 'ascii'), Buffer.from(quotedPrintableBody(body, 'utf-8'), 'latin1')]);
  }
}

export interface CorpusLoadResult {
  count: number;
  byFolder: Record<string, number>;
}

/** Messages written between yields to the event loop, so a long load does not starve sockets in the same process. */
const YIELD_EVERY = 1000;

/**
 * Writes the corpus for `user` straight into the lab's maildirs (cur/, flags in the file name, S=/W= sizes, file
 * mtime = internal date), then resyncs Dovecot so it assigns UIDs and indexes everything. The owner of the
 * generated mail is the lab user, unless options.owner says otherwise.
 */
export async function loadCorpus(lab: Lab, user: string, options: CorpusOptions): Promise<CorpusLoadResult> {
  const labUser = lab.users.find((candidate) => candidate.name === user || candidate.email === user);
  if (!labUser) throw new Error(`${user} is not a user of this lab`);
  const owner = options.owner ?? { name: labUser.name.charAt(0).toUpperCase() + labUser.name.slice(1), email: labUser.email };
  const directories = new Map<string, string>();
  const byFolder: Record<string, number> = {};
  // Unique per load, so loading twice into one folder never reuses a file name.
  const loadTag = `M${process.pid}${Date.now().toString(36)}${Math.floor(performance.now() * 1000).toString(36)}`;
  let count = 0;
  for (const message of generateCorpus({ ...options, owner })) {
    let directory = directories.get(message.folder);
    if (directory === undefined) {
      directory = path.join(await lab.folderDir(user, message.folder), 'cur');
      directories.set(message.folder, directory);
    }
    const file = path.join(directory, messageFileName(message.internalDate, `${loadTag}Q${count}`, message.raw.length, message.flags));
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, message.raw);
      // Maildir keeps INTERNALDATE as the file's modification time.
      futimesSync(fd, message.internalDate, message.internalDate);
    } finally {
      closeSync(fd);
    }
    byFolder[message.folder] = (byFolder[message.folder] ?? 0) + 1;
    count++;
    if (count % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await lab.resync(user);
  return { count, byFolder };
}

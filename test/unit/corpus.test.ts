// Unit tests for the deterministic corpus generator (test/lab/corpus.ts): determinism, parseability, threads, flags, folders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { CorpusMessage } from '../lab/corpus';
import { DEFAULT_CORPUS_FOLDERS, generateCorpus } from '../lab/corpus';
import { canEncode, encodedWords } from '../lab/corpus-encoding';
import { LANGUAGES } from '../lab/corpus-text';

function corpus(seed: number, count: number, folders?: string[]): CorpusMessage[] {
  return [...generateCorpus({ seed, count, ...(folders ? { folders } : {}) })];
}

describe('corpus generator', () => {
  it('gives byte-identical output for the same seed', () => {
    const first = corpus(42, 400);
    const second = corpus(42, 400);
    assert.equal(first.length, 400);
    for (let i = 0; i < first.length; i++) {
      const a = first[i] as CorpusMessage;
      const b = second[i] as CorpusMessage;
      assert.ok(a.raw.equals(b.raw), `message ${i} differs between two runs with the same seed`);
      assert.deepEqual([a.folder, a.flags, a.internalDate.getTime(), a.messageId], [b.folder, b.flags, b.internalDate.getTime(), b.messageId]);
    }
  });

  it('gives different output for a different seed', () => {
    const a = corpus(42, 50);
    const b = corpus(43, 50);
    const same = a.filter((message, i) => message.raw.equals((b[i] as CorpusMessage).raw)).length;
    assert.equal(same, 0, 'no message should be identical across seeds');
    assert.notDeepEqual(a.map((m) => m.folder), b.map((m) => m.folder));
  });

  it('keeps message ids unique within a corpus and across seeds', () => {
    const ids = [...corpus(1, 2000), ...corpus(2, 2000)].map((message) => message.messageId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('writes CRLF line ends only, and no line longer than RFC 5322 allows', () => {
    for (const message of corpus(5, 1500)) {
      const text = message.raw.toString('latin1');
      assert.ok(!/(^|[^\r])\n/.test(text), `${message.messageId} has a bare LF`);
      assert.ok(!/\r(?!\n)/.test(text), `${message.messageId} has a bare CR`);
      assert.ok(text.endsWith('\r\n'), `${message.messageId} does not end with CRLF`);
      for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line, 'latin1') <= 998, `${message.messageId} has a line over 998 octets`);
      // Headers are ASCII, except the few raw UTF-8 ones (RFC 6532), which must then be valid UTF-8.
      const header = message.raw.subarray(0, message.raw.indexOf('\r\n\r\n'));
      assert.ok(Buffer.from(header.toString('utf8'), 'utf8').equals(header), `${message.messageId} has 8-bit headers that are not UTF-8`);
    }
  });

  it('produces messages that mailparser reads back: subject, ids, threads, parts', async () => {
    const messages = corpus(11, 700);
    const seen = new Set<string>();
    let replies = 0;
    let attachments = 0;
    let html = 0;
    for (const message of messages) {
      const parsed = await simpleParser(message.raw);
      assert.equal(parsed.subject ?? '', message.subject, `subject of ${message.messageId}`);
      assert.ok(!/=\?[^?]+\?[BQ]\?/i.test(parsed.subject ?? ''), `undecoded encoded-word in ${JSON.stringify(parsed.subject)}`);
      for (const address of parsed.from?.value ?? []) assert.ok(!/=\?/.test(address.name), `undecoded From name ${address.name}`);
      assert.equal(parsed.messageId, message.messageId);
      assert.ok(parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()), 'Date header parses');
      if (message.inReplyTo) {
        replies++;
        assert.equal(parsed.inReplyTo, message.inReplyTo);
        assert.ok(seen.has(message.inReplyTo), `In-Reply-To of ${message.messageId} refers to an earlier message`);
        const references = typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []);
        assert.equal(references[references.length - 1], message.inReplyTo, 'References ends with the parent');
        for (const reference of references) assert.ok(seen.has(reference), `reference ${reference} is an earlier message`);
      }
      assert.ok((parsed.text ?? '').trim().length > 0 || (parsed.html || '').length > 0, `${message.messageId} has a body`);
      assert.ok(!(parsed.text ?? '').includes('\ufffd'), `${message.messageId} text decodes without replacement characters`);
      if (parsed.html) html++;
      for (const attachment of parsed.attachments) {
        attachments++;
        assert.ok(attachment.content.length > 0, 'attachment has content');
        if (attachment.contentType === 'image/png') assert.equal(attachment.content.subarray(1, 4).toString('ascii'), 'PNG');
        if (attachment.contentType === 'application/pdf') assert.equal(attachment.content.subarray(0, 5).toString('ascii'), '%PDF-');
      }
      seen.add(message.messageId);
    }
    assert.ok(replies > 150, `expected many replies, got ${replies}`);
    assert.ok(attachments > 40, `expected attachments, got ${attachments}`);
    assert.ok(html > 200, `expected HTML bodies, got ${html}`);
  });

  it('decodes non-ASCII subjects and names in several charsets and both encodings', async () => {
    const charsets = new Set<string>();
    const modes = new Set<string>();
    let nonAscii = 0;
    for (const message of corpus(3, 3000)) {
      const header = message.raw.subarray(0, message.raw.indexOf('\r\n\r\n')).toString('latin1');
      for (const match of header.matchAll(/=\?([^?]+)\?([BQ])\?/g)) {
        charsets.add((match[1] as string).toLowerCase());
        modes.add(match[2] as string);
      }
      if (/[\u0080-\uffff]/.test(message.subject) && nonAscii < 300) {
        nonAscii++;
        const parsed = await simpleParser(message.raw);
        assert.equal(parsed.subject, message.subject);
      }
    }
    for (const charset of ['utf-8', 'iso-8859-1', 'iso-8859-2', 'windows-1251', 'koi8-r', 'iso-2022-jp', 'gb2312']) {
      assert.ok(charsets.has(charset), `some header uses ${charset} (saw ${[...charsets].join(', ')})`);
    }
    assert.deepEqual([...modes].sort(), ['B', 'Q']);
    assert.ok(nonAscii > 100);
  });

  it('marks about 70% read and about 5% flagged', () => {
    const messages = corpus(9, 6000);
    const ratio = (flag: string): number => messages.filter((message) => message.flags.includes(flag)).length / messages.length;
    assert.ok(ratio('\\Seen') > 0.65 && ratio('\\Seen') < 0.8, `\\Seen ratio ${ratio('\\Seen')}`);
    assert.ok(ratio('\\Flagged') > 0.035 && ratio('\\Flagged') < 0.065, `\\Flagged ratio ${ratio('\\Flagged')}`);
  });

  it('spreads dates over several years, oldest first', () => {
    const messages = corpus(4, 3000);
    const years = new Set(messages.map((message) => message.internalDate.getUTCFullYear()));
    assert.ok(years.size >= 6, `years: ${[...years].join(', ')}`);
    const first = (messages[0] as CorpusMessage).internalDate.getTime();
    const last = (messages[messages.length - 1] as CorpusMessage).internalDate.getTime();
    assert.ok(first < last);
  });

  it('uses the default folders, nested and non-ASCII ones included, with INBOX the largest', () => {
    const messages = corpus(8, 3000);
    const counts = new Map<string, number>();
    for (const message of messages) counts.set(message.folder, (counts.get(message.folder) ?? 0) + 1);
    for (const folder of DEFAULT_CORPUS_FOLDERS) assert.ok((counts.get(folder) ?? 0) > 0, `folder ${folder} got messages`);
    assert.ok(DEFAULT_CORPUS_FOLDERS.includes('Archive/2024'));
    assert.ok(DEFAULT_CORPUS_FOLDERS.some((folder) => /[\u0080-\uffff]/.test(folder) && folder.includes('/')));
    const inbox = counts.get('INBOX') ?? 0;
    assert.ok(inbox > 0.4 * messages.length && inbox < 0.6 * messages.length, `INBOX has ${inbox}`);
    const custom = corpus(8, 200, ['INBOX', 'Ünïcode/Привет']);
    assert.deepEqual([...new Set(custom.map((message) => message.folder))].sort(), ['INBOX', 'Ünïcode/Привет']);
  });

  it('has every sample string encodable in each charset its language lists', () => {
    for (const language of LANGUAGES) {
      const texts = [...language.people.map(([name]) => name), ...language.subjects, ...language.sentences, language.signOff, language.greeting('Alice'), language.wrote('Bob')];
      for (const charset of language.charsets) {
        for (const text of texts) assert.ok(canEncode(text, charset), `${language.code}: ${JSON.stringify(text)} in ${charset}`);
      }
    }
  });

  it('splits long encoded-words at 75 characters without splitting a character', () => {
    const text = 'Очень длинная тема письма, которая не помещается в одно закодированное слово RFC 2047';
    for (const charset of ['utf-8', 'windows-1251', 'koi8-r'] as const) {
      for (const mode of ['B', 'Q'] as const) {
        const words = encodedWords(text, charset, mode);
        assert.ok(words.length > 1);
        for (const word of words) assert.ok(word.length <= 75, `${word} is ${word.length} characters`);
      }
    }
    const japanese = encodedWords('新しいメールクライアントの試験運用について、来週の会議で相談しましょう', 'iso-2022-jp', 'B');
    for (const word of japanese) {
      assert.ok(word.length <= 75);
      const bytes = Buffer.from(word.slice('=?ISO-2022-JP?B?'.length, -2), 'base64');
      assert.ok(bytes.subarray(-3).equals(Buffer.from([0x1b, 0x28, 0x42])), 'each ISO-2022-JP word ends back in ASCII');
    }
  });
});

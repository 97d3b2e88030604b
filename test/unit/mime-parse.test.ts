// parseMessage and extractAttachment on hand-written MIME fixtures (test/fixtures/mime): exact text, HTML, attachment lists, cid: images, and malformed input.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { HeronError } from '../../shared/errors';
import type { AttachmentMeta } from '../../shared/model';
import { extractAttachment } from '../../src-main/mime/extract-attachment';
import { MAX_INLINE_PART_BYTES, MAX_PARSE_BYTES, parseMessage, referencedContentIds } from '../../src-main/mime/parse-message';
import { MAX_FALLBACK_TEXT_BYTES } from '../../src-main/mime/raw-text';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mime');
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const GIF_1X1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

function meta(partId: string, filename: string | null, contentType: string, size: number, over: Partial<AttachmentMeta> = {}): AttachmentMeta {
  return { partId, filename, contentType, size, contentId: null, inline: false, ...over };
}

async function rejectsNotFound(work: Promise<unknown>): Promise<void> {
  await assert.rejects(work, (error: unknown) => error instanceof HeronError && error.code === 'not-found');
}

/** A multipart/mixed message from parts given as [headers, body] (CRLF line ends). */
function mixed(parts: Array<[string, string]>, boundary = 'gen-b'): Buffer {
  const body = parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join('');
  return Buffer.from(`Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${body}--${boundary}--\r\n`, 'latin1');
}

describe('parseMessage', () => {
  it('reads a quoted-printable UTF-8 text/plain message: text exact, no HTML, nothing attached', async () => {
    const source = fixture('plain.eml');
    assert.deepEqual(await parseMessage(source), {
      text: 'Hello Alice,\n\nCafé at 10? The résumé is attached to the other mail — see you there.\n\nZoë\n',
      html: null,
      attachments: [],
      inlineParts: {},
      parseError: null,
      size: source.length,
    });
  });

  it('keeps both sides of multipart/alternative, each decoded from its own charset', async () => {
    const parsed = await parseMessage(fixture('alternative.eml'));
    assert.equal(parsed.text, 'Grüße aus München.\nSecond line.');
    assert.equal(parsed.html, '<html><body><p>Grüße aus <b>München</b>.</p><p>Second line.</p></body></html>');
    assert.deepEqual(parsed.attachments, []);
    assert.equal(parsed.parseError, null);
  });

  it('fills text from the HTML when an alternative has only HTML', async () => {
    const parsed = await parseMessage(fixture('html-only.eml'));
    assert.equal(parsed.html, '<p>Only <b>HTML</b> here.</p><ul><li>one</li><li>two</li></ul>');
    assert.equal(parsed.text, 'Only HTML here.\n\n * one\n * two');
  });

  it('embeds referenced cid: images as data: URLs, leaves the HTML untouched, and lists every part', async () => {
    const parsed = await parseMessage(fixture('html-cid.eml'));
    assert.equal(
      parsed.html,
      '<html><body><p>Logo:</p><img src="cid:logo.1@heron.test" alt="logo"><div style="background:url(cid:bg%40heron.test)">x</div></body></html>',
      'cid: links stay as they are; the reader swaps in inlineParts after sanitizing',
    );
    assert.equal(parsed.text, 'Logo:\n\nlogo [cid:logo.1@heron.test]\nx');
    assert.deepEqual(parsed.attachments, [
      meta('1', 'logo.png', 'image/png', 69, { contentId: 'logo.1@heron.test', inline: true }),
      // No Content-Disposition, but the HTML refers to it (%-encoded, as RFC 2392 writes cid: URLs).
      meta('2', null, 'image/gif', 42, { contentId: 'bg@heron.test', inline: true }),
      // Has a Content-ID, but nothing refers to it and it says attachment.
      meta('3', 'unused.png', 'image/png', 69, { contentId: 'unused@heron.test' }),
    ]);
    assert.deepEqual(parsed.inlineParts, {
      'logo.1@heron.test': `data:image/png;base64,${PNG_1X1}`,
      'bg@heron.test': `data:image/gif;base64,${GIF_1X1}`,
    });
  });

  it('lists an image over MAX_INLINE_PART_BYTES as an attachment only', async () => {
    const big = Buffer.alloc(MAX_INLINE_PART_BYTES + 1, 0xab);
    const small = Buffer.from(PNG_1X1, 'base64');
    const source = mixed([
      ['Content-Type: text/html; charset=utf-8', '<img src="cid:big@x"><img src="cid:small@x">'],
      ['Content-Type: image/jpeg\r\nContent-ID: <big@x>\r\nContent-Transfer-Encoding: base64', big.toString('base64').replace(/.{76}/g, '$&\r\n')],
      ['Content-Type: image/png\r\nContent-ID: <small@x>\r\nContent-Transfer-Encoding: base64', PNG_1X1],
    ]);
    const parsed = await parseMessage(source);
    assert.deepEqual(parsed.attachments, [
      meta('1', null, 'image/jpeg', big.length, { contentId: 'big@x', inline: true }),
      meta('2', null, 'image/png', small.length, { contentId: 'small@x', inline: true }),
    ]);
    assert.deepEqual(Object.keys(parsed.inlineParts), ['small@x']);
  });

  it('decodes RFC 2231 (UTF-8, and Latin-1 with continuations) and RFC 2047 file names', async () => {
    const parsed = await parseMessage(fixture('attachments-rfc2231.eml'));
    assert.equal(parsed.text, 'Three files attached.');
    assert.equal(parsed.html, null);
    assert.deepEqual(parsed.attachments, [
      meta('1', 'Übersicht – Q3.pdf', 'application/pdf', 82),
      meta('2', 'Jahresübersicht 2024 (Entwurf).csv', 'text/csv', 24),
      // application/octet-stream with a file name: mailparser names the type after the extension.
      meta('3', 'отчёт.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 16),
    ]);
  });

  it('decodes an unknown charset as UTF-8 and refuses to decode UTF-7 (which would smuggle markup)', async () => {
    const parsed = await parseMessage(fixture('bad-charset.eml'));
    assert.equal(parsed.text, 'Unknown charset: café\nUTF-7 refused: +ADw-script+AD4-');
    assert.equal(parsed.parseError, null);
  });

  it('skips characters that are not base64 and keeps what decodes', async () => {
    const parsed = await parseMessage(fixture('broken-base64.eml'));
    assert.equal(parsed.text, 'Hello world');
    assert.deepEqual(parsed.attachments, [meta('1', 'data.bin', 'application/octet-stream', 6)]);
    assert.equal((await extractAttachment(fixture('broken-base64.eml'), '1')).base64, Buffer.from([0, 1, 2, 3, 4, 5]).toString('base64'));
  });

  it('finds the text at the bottom of 100 nested multiparts', async () => {
    const parsed = await parseMessage(fixture('deep-nesting.eml'));
    assert.equal(parsed.text, 'Found at depth 100.');
    assert.equal(parsed.parseError, null);
  });

  it('keeps what arrived of a message whose closing boundary never came', async () => {
    const source = fixture('missing-terminator.eml');
    const parsed = await parseMessage(source);
    assert.equal(parsed.text, 'The attachment below was cut off in transit.');
    assert.deepEqual(parsed.attachments, [meta('1', 'cut.bin', 'application/octet-stream', 12)]);
    assert.equal((await extractAttachment(source, '1')).base64, 'AAECAwQFBgcICQoL');
  });

  it('reads raw 8-bit headers: UTF-8 file names, and a Latin-1 one', async () => {
    const parsed = await parseMessage(fixture('8bit-headers.eml'));
    assert.equal(parsed.text, 'Naïve body.');
    assert.deepEqual(parsed.attachments, [meta('1', 'Résumé.txt', 'text/plain', 2), meta('2', 'Grüße.bin', 'application/octet-stream', 3)]);
  });

  it('numbers attachments exactly as simpleParser orders them, with the same bytes', async () => {
    for (const name of ['attachments-rfc2231.eml', 'html-cid.eml', '8bit-headers.eml', 'broken-base64.eml']) {
      const source = fixture(name);
      const oracle = await simpleParser(source, { keepCidLinks: true });
      const parsed = await parseMessage(source);
      assert.equal(parsed.attachments.length, oracle.attachments.length, name);
      for (const [index, expected] of oracle.attachments.entries()) {
        const partId = String(index + 1);
        assert.equal(parsed.attachments[index]?.partId, partId);
        assert.equal(parsed.attachments[index]?.size, expected.size, `${name} part ${partId} size`);
        const content = await extractAttachment(source, partId);
        assert.deepEqual(
          { filename: content.filename, contentType: content.contentType, bytes: Buffer.from(content.base64, 'base64').toString('hex') },
          { filename: expected.filename ?? null, contentType: expected.contentType, bytes: expected.content.toString('hex') },
          `${name} part ${partId}`,
        );
      }
    }
  });

  it('returns the raw source as text when the parser gives up (more than 1000 parts), never throwing', async () => {
    const parts = Array.from({ length: 1001 }, (_, i): [string, string] => ['Content-Type: text/plain', `part ${i} caf\xe9`]);
    const source = mixed(parts);
    const parsed = await parseMessage(source);
    assert.equal(parsed.parseError, 'Max allowed child nodes exceeded');
    // Not valid UTF-8 (a bare 0xE9), so every byte is read as Latin-1.
    assert.equal(parsed.text, source.toString('latin1'));
    assert.deepEqual([parsed.html, parsed.attachments, parsed.inlineParts, parsed.size], [null, [], {}, source.length]);
  });

  it('shows valid UTF-8 as UTF-8 in the raw fallback, cut at MAX_FALLBACK_TEXT_BYTES on a character boundary', async () => {
    // A header block over mailsplit's 1 MiB limit; 'é' is two bytes, so the limit falls inside one.
    const header = `X-Filler: ${'é'.repeat(600_000)}\r\nSubject: big\r\n\r\nbody`;
    const source = Buffer.from(header, 'utf8');
    const parsed = await parseMessage(source);
    assert.equal(parsed.parseError, 'Max header size for a MIME node exceeded');
    const expected = `X-Filler: ${'é'.repeat((MAX_FALLBACK_TEXT_BYTES - 'X-Filler: '.length) >> 1)}`;
    assert.equal(parsed.text, expected);
    assert.equal(parsed.size, source.length);
  });

  it('parses only the first MAX_PARSE_BYTES of a bigger message and says so', async () => {
    const filler = Buffer.alloc(MAX_PARSE_BYTES, 'a');
    const source = Buffer.concat([Buffer.from('Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nFirst words.\r\n--z\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="fill.bin"\r\n\r\n'), filler]);
    const parsed = await parseMessage(source);
    assert.equal(parsed.text, 'First words.');
    assert.equal(parsed.size, source.length);
    assert.equal(parsed.parseError, `Only the first ${MAX_PARSE_BYTES} of ${source.length} bytes of this message were read.`);
    assert.equal(parsed.attachments[0]?.filename, 'fill.bin');
    assert.ok((parsed.attachments[0]?.size ?? 0) < filler.length);
  });

  it('says a partial fetch was cut when told the real size', async () => {
    const source = fixture('plain.eml');
    const parsed = await parseMessage(source, { totalSize: 10_000_000 });
    assert.equal(parsed.size, 10_000_000);
    assert.equal(parsed.parseError, `Only the first ${source.length} of 10000000 bytes of this message were read.`);
    assert.equal(parsed.text?.startsWith('Hello Alice,'), true);
  });

  it('gives an empty message no text and no error', async () => {
    assert.deepEqual(await parseMessage(Buffer.alloc(0)), { text: null, html: null, attachments: [], inlineParts: {}, parseError: null, size: 0 });
  });
});

describe('referencedContentIds', () => {
  it('reads cid: URLs in attributes and CSS, literal and %-decoded', () => {
    assert.deepEqual(
      [...referencedContentIds(`<img src="cid:a@b"><img src='CID:c%40d'><p style="background:url(cid:e.f)">`)],
      ['a@b', 'c%40d', 'c@d', 'e.f'],
    );
    assert.deepEqual([...referencedContentIds(null)], []);
  });
});

describe('extractAttachment', () => {
  it('returns the decoded bytes, file name and type of one part', async () => {
    const content = await extractAttachment(fixture('attachments-rfc2231.eml'), '2');
    assert.deepEqual(content, { filename: 'Jahresübersicht 2024 (Entwurf).csv', contentType: 'text/csv', base64: Buffer.from('Monat;Betrag\r\nM\xe4rz;12,50', 'latin1').toString('base64') });
  });

  it("is 'not-found' for a part that does not exist or is not a part number", async () => {
    const source = fixture('attachments-rfc2231.eml');
    for (const partId of ['0', '4', '', 'abc', '1.2', '-1']) await rejectsNotFound(extractAttachment(source, partId));
    await rejectsNotFound(extractAttachment(fixture('plain.eml'), '1'));
  });

  it("is 'not-found' in a message the parser gives up on (which lists no attachments)", async () => {
    const source = mixed(Array.from({ length: 1001 }, (): [string, string] => ['Content-Type: application/octet-stream', 'x']));
    await rejectsNotFound(extractAttachment(source, '1'));
  });
});

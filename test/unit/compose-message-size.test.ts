// How big a message will be as sent, checked against nodemailer's own output, and the warning when it is over the server's limit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodedSize, estimateMessageSize, sizeWarning } from '../../src-renderer/features/compose/message-size';

const MB = 1024 * 1024;

/** The message as build-message.ts builds it (same composer, CRLF), to hold the estimate against. */
function built(text: string, html: string | null, attachments: Buffer[]): Promise<Buffer> {
  return new MailComposer({
    from: { name: 'Ann Lee', address: 'ann@example.test' },
    to: [{ name: 'Bo Berg', address: 'bo@example.test' }],
    subject: 'Lunch',
    text,
    ...(html !== null ? { html } : {}),
    messageId: '<m1@example.test>',
    date: new Date(0),
    attachments: attachments.map((content, i) => ({ filename: `attachment-${i}.bin`, contentType: 'application/octet-stream', content })),
    newline: 'win',
  })
    .compile()
    .build();
}

describe('message size', () => {
  it('counts base64 as four characters for three bytes, in 76-character lines ended by CRLF', () => {
    assert.equal(encodedSize(0), 0);
    assert.equal(encodedSize(1), 4 + 2);
    assert.equal(encodedSize(57), 76 + 2);
    assert.equal(encodedSize(58), 80 + 4);
    assert.equal(encodedSize(3 * MB), 4 * MB + 2 * Math.ceil((4 * MB) / 76));
  });

  it('estimates at or a little above what nodemailer builds, for ASCII, non-Latin and attachment-heavy messages', async () => {
    const cases: Array<[string, string | null, Buffer[]]> = [
      ['Hello Bo,\n\nnoon?\n\n-- \nAnn', null, []],
      ['Привет, Бо! Обед в полдень? '.repeat(400), '<p>Привет, <b>Бо</b>!</p>'.repeat(300), []],
      ['Café at noon? Déjà vu. '.repeat(500), null, []],
      ['See attached.', '<p>See attached.</p>', [Buffer.alloc(3 * MB, 7), Buffer.alloc(12_345, 1)]],
    ];
    for (const [text, html, attachments] of cases) {
      const actual = (await built(text, html, attachments)).length;
      const estimate = estimateMessageSize({ text, html, attachmentBytes: attachments.map((a) => a.length) });
      assert.ok(estimate >= actual, `estimate ${estimate} is below the real ${actual}`);
      assert.ok(estimate <= actual * 1.05 + 16 * 1024, `estimate ${estimate} is far above the real ${actual}`);
    }
  });

  it('grows with each attachment by its encoded size and a part header', () => {
    const bare = estimateMessageSize({ text: 'x', html: null, attachmentBytes: [] });
    assert.ok(estimateMessageSize({ text: 'x', html: null, attachmentBytes: [MB] }) - bare >= encodedSize(MB));
    assert.ok(estimateMessageSize({ text: 'x', html: '<p>x</p>', attachmentBytes: [] }) > bare);
  });
});

describe('size warning', () => {
  it('says nothing when the message fits or the server announced no limit', () => {
    assert.equal(sizeWarning(9 * MB, 10 * MB), null);
    assert.equal(sizeWarning(10 * MB, 10 * MB), null);
    assert.equal(sizeWarning(500 * MB, null), null);
  });

  it('says how big the message is, what the server takes, and what to do', () => {
    assert.equal(
      sizeWarning(14.2 * MB, 10 * MB),
      'This message is about 14 MB as sent (attachments grow by about a third on the way); the server accepts at most 10 MB. Remove an attachment or share it by a link.',
    );
    assert.equal(
      sizeWarning(5.55 * MB, 5 * MB),
      'This message is about 5.5 MB as sent (attachments grow by about a third on the way); the server accepts at most 5.0 MB. Remove an attachment or share it by a link.',
    );
  });

  it('does not claim "about 10 MB" against "at most 10 MB" when rounding hides the difference', () => {
    assert.equal(sizeWarning(10.3 * MB, 10 * MB), 'This message is just over the 10 MB the server accepts. Remove an attachment or share it by a link.');
  });
});

// Building an outgoing message: the same row gives the same bytes, Bcc only in the Sent copy, headers and parts that parse back intact.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { OutgoingMessage } from '../../shared/model';
import { buildMessage, envelopeOf } from '../../src-main/smtp/build-message';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201b3d5f3a40000000049454e44ae426082', 'hex');

function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: '0b7f5c7e-2f3a-4f7e-9a57-1f0e4c1d2a3b',
    accountId: 'a1',
    messageId: '<0b7f5c7e@maillab.test>',
    from: { name: 'Älice Ünïcode', address: 'alice@maillab.test' },
    to: [{ name: 'Bob', address: 'bob@maillab.test' }],
    cc: [{ name: '', address: 'carol@maillab.test' }],
    bcc: [{ name: 'Secret', address: 'sink@maillab.test' }],
    subject: 'Grüße aus Köln – 東京 🐦',
    text: 'Hello Bob,\n.\nA line with only a dot above, and ünïcödé.\n',
    html: '<p>Hello <b>Bob</b>, ünïcödé</p>',
    inReplyTo: '<parent@maillab.test>',
    references: ['<root@maillab.test>', '<parent@maillab.test>'],
    attachments: [
      { filename: 'résumé.bin', contentType: 'application/octet-stream', base64: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'), contentId: null },
      { filename: 'dot.png', contentType: 'image/png', base64: PNG.toString('base64'), contentId: 'dot@heron' },
    ],
    date: Date.UTC(2025, 4, 6, 7, 8, 9),
    attempts: 1,
    ...over,
  };
}

describe('buildMessage', () => {
  it('gives the same bytes for the same row, so every attempt sends the same message', async () => {
    const [first, second] = await Promise.all([buildMessage(message(), 'wire'), buildMessage(message(), 'wire')]);
    assert.ok(first.equals(second));
    assert.ok(!first.equals(await buildMessage(message({ id: 'another-row' }), 'wire')), 'boundaries come from the row id');
  });

  it('uses CRLF line ends only', async () => {
    const text = (await buildMessage(message(), 'wire')).toString('latin1');
    assert.doesNotMatch(text, /[^\r]\n/);
  });

  it('parses back to the same headers, bodies and attachment bytes', async () => {
    const parsed = await simpleParser(await buildMessage(message(), 'wire'));
    assert.equal(parsed.subject, 'Grüße aus Köln – 東京 🐦');
    assert.equal(parsed.messageId, '<0b7f5c7e@maillab.test>');
    assert.equal(parsed.inReplyTo, '<parent@maillab.test>');
    assert.deepEqual(parsed.references, ['<root@maillab.test>', '<parent@maillab.test>']);
    assert.equal(parsed.date?.getTime(), Date.UTC(2025, 4, 6, 7, 8, 9));
    assert.deepEqual(parsed.from?.value, [{ name: 'Älice Ünïcode', address: 'alice@maillab.test' }]);
    assert.equal(parsed.text, 'Hello Bob,\n.\nA line with only a dot above, and ünïcödé.\n');
    assert.match(parsed.html || '', /<p>Hello <b>Bob<\/b>, ünïcödé<\/p>/);
    const bin = parsed.attachments.find((a) => a.filename === 'résumé.bin');
    assert.deepEqual(bin?.content, Buffer.from([0, 1, 2, 253, 254, 255]));
    const image = parsed.attachments.find((a) => a.cid === 'dot@heron');
    assert.deepEqual(image?.content, PNG, 'the inline image keeps its bytes and its Content-ID');
  });

  it('leaves Bcc out of what recipients get and keeps it in the Sent copy', async () => {
    const wire = await simpleParser(await buildMessage(message(), 'wire'));
    const sent = await simpleParser(await buildMessage(message(), 'sent'));
    assert.equal(wire.bcc, undefined);
    assert.deepEqual(Array.isArray(sent.bcc) ? null : sent.bcc?.value, [{ name: 'Secret', address: 'sink@maillab.test' }]);
  });

  it('writes a plain-text message without HTML, In-Reply-To or References when there are none', async () => {
    const raw = (await buildMessage(message({ html: null, inReplyTo: null, references: [], attachments: [] }), 'wire')).toString();
    assert.match(raw, /^Content-Type: text\/plain/m);
    assert.doesNotMatch(raw, /^(In-Reply-To|References|Content-Type: text\/html)/m);
  });
});

describe('envelopeOf', () => {
  it('sends to To, Cc and Bcc, each address once', () => {
    const envelope = envelopeOf(message({ cc: [{ name: '', address: 'BOB@maillab.test' }, { name: '', address: 'carol@maillab.test' }] }));
    assert.deepEqual(envelope, { from: 'alice@maillab.test', to: ['bob@maillab.test', 'carol@maillab.test', 'sink@maillab.test'] });
  });
});

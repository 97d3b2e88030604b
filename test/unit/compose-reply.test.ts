// How replies, replies to all and forwards start: recipients, subject, threading headers and the quoted body. Plain
// bodies of plain-text originals need no DOM; rich bodies and HTML originals run in Debian's Chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import type { MessageHeader } from '../../shared/model';
import type { Identity } from '../../src-renderer/features/compose/identities';
import { startCompose, type ComposeKind, type ComposeStart, type Original } from '../../src-renderer/features/compose/reply';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;

const ANN: Identity = { name: 'Ann Lee', address: 'ann@example.test', signature: '' };
const SIGNED: Identity = { ...ANN, signature: 'Ann Lee\nExample & Co <sales>' };
const OWN = ['ann@example.test', 'Ann.Lee@Work.Example'];
const DATE = (ms: number) => `DAY(${ms})`;
const SENT = Date.UTC(2025, 2, 3, 13, 2);

function header(over: Partial<MessageHeader> = {}): MessageHeader {
  return {
    accountId: 'a1', folderPath: 'INBOX', uid: 7, date: SENT, subject: 'Lunch', from: [{ name: 'Bo Berg', address: 'bo@example.test' }],
    to: [{ name: 'Ann Lee', address: 'ANN@example.test' }, { name: 'Cy', address: 'cy@example.test' }], cc: [{ name: '', address: 'dee@example.test' }],
    messageId: '<m3@example.test>', inReplyTo: '<m2@example.test>', references: ['<m1@example.test>', '<m2@example.test>'],
    flags: [], unread: 0, flagged: 0, size: 100, hasAttachments: false, preview: '', threadId: 't', ...over,
  };
}

const original = (over: Partial<MessageHeader> = {}, text: string | null = 'Noon?\n', html: string | null = null): Original => ({ header: header(over), text, html });
const plain = (kind: ComposeKind, from: Original | null, identity = ANN) => startCompose(kind, from, identity, OWN, 'plain', DATE);

describe('reply recipients', () => {
  it('replies to the sender only', () => {
    const start = plain('reply', original());
    assert.deepEqual(start.to, [{ name: 'Bo Berg', address: 'bo@example.test' }]);
    assert.deepEqual(start.cc, []);
  });

  it('replies to all: the others in To and Cc go to Cc, without the person’s own addresses or anyone already in To', () => {
    const start = plain('reply-all', original({ to: [{ name: 'Ann', address: 'ANN@example.test' }, { name: 'Bo again', address: 'BO@example.test' }, { name: 'Cy', address: 'cy@example.test' }], cc: [{ name: '', address: 'ann.lee@work.example' }, { name: 'Cy twice', address: 'Cy@Example.Test' }, { name: 'Dee', address: 'dee@example.test' }] }));
    assert.deepEqual(start.to, [{ name: 'Bo Berg', address: 'bo@example.test' }]);
    assert.deepEqual(start.cc, [{ name: 'Cy', address: 'cy@example.test' }, { name: 'Dee', address: 'dee@example.test' }]);
  });

  it('leaves out the identity written from even when it is not among the own addresses, and group names without an address', () => {
    const start = startCompose('reply-all', original({ cc: [{ name: 'undisclosed-recipients', address: '' }, { name: '', address: 'alias@example.test' }] }), { ...ANN, address: 'Alias@example.test' }, [], 'plain', DATE);
    assert.deepEqual(start.cc, [{ name: 'Ann Lee', address: 'ANN@example.test' }, { name: 'Cy', address: 'cy@example.test' }]);
  });

  it('writes to the original recipients when the original was the person’s own', () => {
    const mine = original({ from: [{ name: 'Ann', address: 'ann.lee@WORK.example' }], to: [{ name: 'Cy', address: 'cy@example.test' }], cc: [{ name: 'Dee', address: 'dee@example.test' }, { name: 'Ann', address: 'ann@example.test' }] });
    assert.deepEqual(plain('reply', mine).to, [{ name: 'Cy', address: 'cy@example.test' }]);
    const all = plain('reply-all', mine);
    assert.deepEqual(all.to, [{ name: 'Cy', address: 'cy@example.test' }]);
    assert.deepEqual(all.cc, [{ name: 'Dee', address: 'dee@example.test' }]);
    // A note to self with only Bcc recipients has no To to go back to: it goes to its sender.
    assert.deepEqual(plain('reply', original({ from: [{ name: 'Ann', address: 'ann@example.test' }], to: [] })).to, [{ name: 'Ann', address: 'ann@example.test' }]);
  });

  it('gives new messages and forwards no recipients', () => {
    for (const kind of ['new', 'forward'] as const) {
      const start = plain(kind, original());
      assert.deepEqual([start.to, start.cc], [[], []], kind);
    }
  });
});

describe('subjects', () => {
  const subject = (kind: ComposeKind, text: string) => plain(kind, original({ subject: text })).subject;

  it('adds "Re: " once, whatever reply prefix and language the subject already has', () => {
    assert.equal(subject('reply', 'Lunch'), 'Re: Lunch');
    assert.equal(subject('reply', 'Re: Lunch'), 'Re: Lunch');
    assert.equal(subject('reply-all', 'RE: re: Re[2]: Lunch'), 'Re: Lunch');
    assert.equal(subject('reply', 'Aw: Lunch'), 'Re: Lunch');
    assert.equal(subject('reply', 'SV:Lunch'), 'Re: Lunch');
    assert.equal(subject('reply', ''), 'Re: ');
  });

  it('keeps a forward prefix and anything that only starts like a prefix', () => {
    assert.equal(subject('reply', 'Fwd: Lunch'), 'Re: Fwd: Lunch');
    assert.equal(subject('reply', 'Re: Fwd: Re: Lunch'), 'Re: Fwd: Re: Lunch');
    assert.equal(subject('reply', 'Resume: Lunch'), 'Re: Resume: Lunch');
  });

  it('adds "Fwd: " once to a forward, keeping a reply prefix', () => {
    assert.equal(subject('forward', 'Lunch'), 'Fwd: Lunch');
    assert.equal(subject('forward', 'FW: WG: Lunch'), 'Fwd: Lunch');
    assert.equal(subject('forward', 'Re: Lunch'), 'Fwd: Re: Lunch');
  });

  it('leaves a new message’s subject empty', () => {
    assert.equal(plain('new', null).subject, '');
  });
});

describe('threading headers', () => {
  it('answers the original (In-Reply-To) and adds its id to its References (RFC 5322 §3.6.4)', () => {
    const start = plain('reply', original());
    assert.equal(start.inReplyTo, '<m3@example.test>');
    assert.deepEqual(start.references, ['<m1@example.test>', '<m2@example.test>', '<m3@example.test>']);
  });

  it('uses the original’s In-Reply-To when it has no References, and lists every id once with the parent last', () => {
    assert.deepEqual(plain('reply', original({ references: [] })).references, ['<m2@example.test>', '<m3@example.test>']);
    assert.deepEqual(plain('reply', original({ references: ['<m1@x>', '<m3@example.test>', '<m1@x>', '<m2@x>'] })).references, ['<m1@x>', '<m2@x>', '<m3@example.test>']);
    assert.deepEqual(plain('reply', original({ messageId: null, references: [], inReplyTo: null })).references, []);
    assert.equal(plain('reply', original({ messageId: null })).inReplyTo, null);
  });

  it('keeps the thread’s root and the newest ids when a long thread would grow the list past 21', () => {
    const long = Array.from({ length: 40 }, (_, i) => `<r${i}@x>`);
    const references = plain('reply-all', original({ references: long, messageId: '<last@x>' })).references;
    assert.equal(references.length, 21);
    assert.equal(references[0], '<r0@x>');
    assert.deepEqual(references.slice(1), [...long.slice(21), '<last@x>']);
  });

  it('makes a forward refer to the message it carries without answering it, as Thunderbird does', () => {
    const start = plain('forward', original());
    assert.equal(start.inReplyTo, null);
    assert.deepEqual(start.references, ['<m3@example.test>']);
    assert.deepEqual(plain('forward', original({ messageId: null })).references, []);
  });

  it('gives a new message none, and starts a reply to nothing as a new message', () => {
    for (const start of [plain('new', original()), plain('reply', null)]) {
      assert.deepEqual([start.inReplyTo, start.references, start.to, start.subject, start.text], [null, [], [], '', '']);
    }
  });
});

describe('plain bodies', () => {
  it('quotes every line: "> " before text, ">" before a line already quoted and on an empty line', () => {
    const start = plain('reply', original({}, 'Noon?\r\n\r\n> Earlier\n>> Older\n\n'));
    assert.equal(start.text, '\n\nOn DAY(' + SENT + '), Bo Berg <bo@example.test> wrote:\n> Noon?\n>\n>> Earlier\n>>> Older');
  });

  it('puts the signature above the quote after a "-- " line, and adds no second separator when the signature has one', () => {
    assert.equal(plain('reply', original(), SIGNED).text, `\n\n-- \nAnn Lee\nExample & Co <sales>\n\nOn DAY(${SENT}), Bo Berg <bo@example.test> wrote:\n> Noon?`);
    assert.equal(plain('new', null, { ...ANN, signature: '-- \nAnn\n\n' }).text, '\n\n-- \nAnn');
    assert.equal(plain('new', null).text, '');
  });

  it('names a sender without a display name by address, and one with none at all plainly', () => {
    assert.match(plain('reply', original({ from: [{ name: '', address: 'bo@example.test' }] })).text, /, bo@example\.test wrote:\n/);
    assert.match(plain('reply', original({ from: [] })).text, /, an unknown sender wrote:\n/);
  });

  it('forwards the original unquoted under a header block with From, Date, Subject, To and Cc', () => {
    const start = plain('forward', original({}, 'Noon?\n> kept as it was\n\n'), SIGNED);
    assert.equal(
      start.text,
      `\n\n-- \nAnn Lee\nExample & Co <sales>\n\n---------- Forwarded message ----------\nFrom: Bo Berg <bo@example.test>\nDate: DAY(${SENT})\nSubject: Lunch\nTo: Ann Lee <ANN@example.test>, Cy <cy@example.test>\nCc: dee@example.test\n\nNoon?\n> kept as it was`,
    );
    assert.doesNotMatch(plain('forward', original({ cc: [] })).text, /Cc:/);
  });

  it('gives the editor the same text as HTML, should the person switch to rich', () => {
    const start = plain('reply', original(), SIGNED);
    assert.equal(
      start.html,
      `<div><br></div><div><br></div><div>-- <br>Ann Lee<br>Example &#38; Co &#60;sales&#62;</div><div><br></div><div>On DAY(${SENT}), Bo Berg &#60;bo@example.test&#62; wrote:</div><blockquote type="cite"><div>Noon?</div></blockquote>`,
    );
  });

  it('dates the quote by default so that anyone, in any time zone, can tell the moment', () => {
    const start = startCompose('reply', original({ date: SENT + 59_000 }), ANN, OWN, 'plain');
    const date = /^On (.+), Bo Berg/m.exec(start.text)?.[1] ?? '';
    assert.match(date, /^(Mon|Sun|Tue), \d{1,2} Mar 2025 \d\d:\d\d [+-]\d{4}$/);
    assert.equal(Date.parse(date), SENT, date);
  });
});

/** The composer's start for `kind`, computed in the page (a rich body needs the browser's parser). */
function inPage(kind: ComposeKind, from: Original | null, identity: Identity, format: 'rich' | 'plain'): Promise<ComposeStart> {
  type Api = { startCompose: (...args: unknown[]) => ComposeStart };
  return page.evaluate(
    ([k, o, i, own, f]) => (window as unknown as { HeronReply: Api }).HeronReply.startCompose(k, o, i, own, f, (ms: number) => `DAY(${ms})`),
    [kind, from, identity, OWN, format] as const,
  );
}

let browser: Browser;
let page: Page;

describe('rich bodies and HTML originals (in Chromium)', { skip }, () => {
  before(async () => {
    const output = (await build({
      configFile: false,
      logLevel: 'silent',
      build: { write: false, minify: false, lib: { entry: 'src-renderer/features/compose/reply.ts', formats: ['iife'], name: 'HeronReply' } },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const chunk = (Array.isArray(output) ? output : [output])[0]?.output[0];
    assert.ok(chunk && chunk.type === 'chunk');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.addScriptTag({ content: chunk.code });
  });

  after(async () => {
    await browser?.close();
  });

  it('quotes the original’s HTML in a cite blockquote, sanitized, under the escaped signature and quote header', async () => {
    const start = await inPage('reply', original({}, 'Noon?', '<p onclick="x()">Noon <b>sharp</b>?</p><script>x()</script><img src="https://tracker.example/p.gif">'), SIGNED, 'rich');
    assert.equal(
      start.html,
      `<div><br></div><div><br></div><div class="signature">-- <br>Ann Lee<br>Example &#38; Co &#60;sales&#62;</div><div><br></div><div>On DAY(${SENT}), Bo Berg &#60;bo@example.test&#62; wrote:</div><blockquote type="cite"><p>Noon <b>sharp</b>?</p></blockquote>`,
    );
    assert.equal(start.text, `\n\n-- \nAnn Lee\nExample & Co <sales>\n\nOn DAY(${SENT}), Bo Berg <bo@example.test> wrote:\n> Noon sharp?`);
  });

  it('keeps what the original says inside the quote, even when it tries to close it', async () => {
    const start = await inPage('reply', original({}, null, '</blockquote></div><p>I agree to pay.</p>'), ANN, 'rich');
    assert.match(start.html, /<blockquote type="cite"><p>I agree to pay\.<\/p><\/blockquote>$/);
  });

  it('says the same in rich and plain for a plain-text original', async () => {
    for (const kind of ['new', 'reply', 'reply-all', 'forward'] as const) {
      const rich = await inPage(kind, original({}, 'Noon?\n> Earlier\n\nBye'), SIGNED, 'rich');
      assert.equal(rich.text, plain(kind, original({}, 'Noon?\n> Earlier\n\nBye'), SIGNED).text, kind);
    }
  });

  it('quotes the text version of an original that has only HTML when writing plain', async () => {
    const start = await inPage('reply', original({}, null, '<p>Noon at <a href="https://cafe.example/">the café</a>?</p><ul><li>soup</li></ul>'), ANN, 'plain');
    assert.equal(start.text, `\n\nOn DAY(${SENT}), Bo Berg <bo@example.test> wrote:\n> Noon at the café <https://cafe.example/>?\n>\n> - soup`);
  });

  it('forwards the original’s HTML unquoted under the header block', async () => {
    const start = await inPage('forward', original({ cc: [] }, null, '<p style="color: red;">Menu</p>'), ANN, 'rich');
    assert.equal(
      start.html,
      `<div><br></div><div><br></div><div>---------- Forwarded message ----------<br>From: Bo Berg &#60;bo@example.test&#62;<br>Date: DAY(${SENT})<br>Subject: Lunch<br>To: Ann Lee &#60;ANN@example.test&#62;, Cy &#60;cy@example.test&#62;</div><div><br></div><p style="color: red;">Menu</p>`,
    );
  });

  it('starts a new rich message with a line to type on above the signature, or empty', async () => {
    assert.equal((await inPage('new', null, SIGNED, 'rich')).html, '<div><br></div><div><br></div><div class="signature">-- <br>Ann Lee<br>Example &#38; Co &#60;sales&#62;</div>');
    assert.equal((await inPage('new', null, ANN, 'rich')).html, '');
  });
});

// Mailsploit-style sender spoofing (test/fixtures/hostile/mailsploit.ts) through both header paths: a POP3 message's
// bytes read by readLocalMessage, and an IMAP server's ENVELOPE read by imapflow's own parser and toHeader. Then the
// reader's From line. No address from another domain may be shown, no sender left out, and a name that shows the
// spoofed address must be flagged.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parser } from 'imapflow/lib/handler/imap-handler.js';
import { formatMessageResponse } from 'imapflow/lib/tools.js';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { parseAuthResults } from '../../shared/auth-results';
import type { Address } from '../../shared/model';
import { toHeader } from '../../src-main/imap/headers';
import { readLocalMessage } from '../../src-main/pop3/pop3-message';
import { SenderLine } from '../../src-renderer/features/reader/SenderLine';
import { domainOf, senderWarnings } from '../../src-renderer/features/reader/sender';
import { SPOOF, SPOOF_CASES, spoofMessage, type SpoofCase } from '../fixtures/hostile/mailsploit';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';

const REVERSED = [...SPOOF].reverse().join('');

/** A name as a person sees it: compatibility forms folded (fullwidth "＠"), controls and bidi marks not drawn. */
function visible(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is not drawn
  return name.normalize('NFKC').replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** React's escaping of text, to find an address in the rendered From line. */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** What is wrong with how Heron presents this sender; empty when nothing is. */
function misattribution(spoof: SpoofCase, from: readonly Address[]): string[] {
  const problems: string[] = [];
  const realDomains = new Set(spoof.real.map(domainOf));
  const shown = from.filter((a) => a.address !== '');
  for (const a of shown) if (!realDomains.has(domainOf(a.address))) problems.push(`shows ${JSON.stringify(a.address)}`);
  if (shown.length > 0) for (const domain of realDomains) if (!shown.some((a) => domainOf(a.address) === domain)) problems.push(`leaves out the sender at ${domain}`);
  const warnings = senderWarnings(from);
  if (from.some((a) => visible(a.name).includes(SPOOF) || visible(a.name).includes(REVERSED)) && warnings.length === 0) problems.push('shows the spoof as a name, unflagged');
  const line = renderToStaticMarkup(createElement(SenderLine, { from, auth: parseAuthResults([], []), checkedBy: 'imap.heron.test' }));
  const first = from[0];
  if (first?.address && !line.includes(`<span class="sender-address">&lt;${escaped(first.address)}&gt;</span>`)) problems.push('the From line does not show the address');
  if (warnings.length > 0 && !line.includes('role="alert"')) problems.push('the From line does not show the warning');
  return problems;
}

/** An IMAP string: quoted when it can be, a literal is not needed for these (encoded-words are ASCII). */
function imapString(value: string | null): string {
  return value === null || value === '' ? 'NIL' : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** The FETCH response an RFC 3501 server sends for the case, read by imapflow's parser and turned into Heron's header. */
async function imapFrom(spoof: SpoofCase, uid: number): Promise<Address[]> {
  const addresses = (spoof.envelope ?? []).map(([name, mailbox, host]) => `(${imapString(name)} NIL ${imapString(mailbox)} ${imapString(host)})`).join('');
  const line = `* ${uid} FETCH (UID ${uid} FLAGS () ENVELOPE ("Mon, 1 Jan 2024 00:00:00 +0000" "spoof" (${addresses}) NIL NIL NIL NIL NIL NIL "<spoof-${uid}@corpus.test>"))`;
  const message = await formatMessageResponse(await parser(line), { path: 'INBOX' } as Parameters<typeof formatMessageResponse>[1]);
  return toHeader('a1', 'INBOX', message).from;
}

describe('Mailsploit-style sender spoofing', () => {
  const pop3: [SpoofCase, string[]][] = [];
  const imap: [SpoofCase, string[]][] = [];
  /** Cases with a real address shown with none at all: not misattributed, but the person cannot see who sent it. */
  let pop3Blank = 0;
  const figures: SecurityFigure[] = [];

  after(async () => {
    await recordSecurityFigures('corpus-spoofing', figures);
  });

  it('POP3 path (readLocalMessage over the raw bytes): the real address, never the spoof', async () => {
    for (const [index, spoof] of SPOOF_CASES.entries()) {
      const { header } = await readLocalMessage(spoofMessage(spoof, index), { accountId: 'p1', folderPath: 'INBOX', uid: index + 1, flags: [], at: 0 });
      pop3.push([spoof, misattribution(spoof, header.from)]);
      if (spoof.real.length > 0 && !header.from.some((a) => a.address !== '')) pop3Blank++;
    }
    const bad = pop3.filter(([, problems]) => problems.length > 0);
    figures.push({
      area: 'corpus',
      name: 'Mailsploit-style From headers, POP3 path (readLocalMessage) and the reader\u2019s From line',
      tried: pop3.length,
      bad: bad.length,
      outcome: `${bad.length === 0 ? 'the real address every time; spoofs in names flagged' : bad.map(([c, p]) => `${c.name}: ${p.join('; ')}`).join(' | ')}; ${pop3Blank} shown with no address`,
    });
    assert.deepEqual(bad.map(([c, p]) => [c.name, p]), []);
    assert.equal(pop3Blank, 0, 'every sender shown with an address');
  });

  it('IMAP path (imapflow parses the server\u2019s ENVELOPE, toHeader maps it): the real address, never the spoof', async () => {
    for (const [index, spoof] of SPOOF_CASES.entries()) if (spoof.envelope) imap.push([spoof, misattribution(spoof, await imapFrom(spoof, index + 1))]);
    const bad = imap.filter(([, problems]) => problems.length > 0);
    figures.push({
      area: 'corpus',
      name: 'Mailsploit-style From headers, IMAP path (ENVELOPE through imapflow and toHeader) and the reader\u2019s From line',
      tried: imap.length,
      bad: bad.length,
      outcome: bad.length === 0 ? 'the real address every time; spoofs in names flagged' : bad.map(([c, p]) => `${c.name}: ${p.join('; ')}`).join(' | '),
    });
    assert.ok(imap.length >= 15, `${imap.length} cases with an ENVELOPE`);
    assert.deepEqual(bad.map(([c, p]) => [c.name, p]), []);
  });

  it('the From line flags a name that a right-to-left override turns into an address', () => {
    const from = [{ name: `\u202e${[...SPOOF].reverse().join('')}`, address: 'attacker@evil.test' }];
    assert.deepEqual(senderWarnings(from), ['The sender\'s name shows the address potus@whitehouse.gov, but the message was sent from attacker@evil.test.']);
  });

  it('the reader flags the classic pattern: the name says potus@whitehouse.gov, the address says who sent it', () => {
    const line = renderToStaticMarkup(createElement(SenderLine, { from: [{ name: `${SPOOF}\u0000`, address: 'attacker@evil.test' }], auth: parseAuthResults([], []), checkedBy: 'x' }));
    assert.match(line, /<span class="sender-address">&lt;attacker@evil\.test&gt;<\/span>/);
    assert.match(line, /role="alert">The sender&#x27;s name shows the address potus@whitehouse\.gov.?, but the message was sent from attacker@evil\.test\./);
  });
});

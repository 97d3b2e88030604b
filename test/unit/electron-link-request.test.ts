// The shell's reading of the reader's app://heron/open requests and its verdict on the link (security.md A7, A8, B13).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLink, OPEN_BUTTON, parseOpenRequest } from '../../src-main/electron/link-request';
import { linkTarget } from '../../src-renderer/features/reader/link-target';

function request(url: string, text: string): string {
  return `app://heron/open?${new URLSearchParams({ url, text }).toString()}`;
}

describe('open requests', () => {
  it('reads the link and its text from app://heron/open', () => {
    assert.deepEqual(parseOpenRequest(request('https://bank.example/x', 'Bank')), { url: 'https://bank.example/x', text: 'Bank' });
    assert.deepEqual(parseOpenRequest('app://heron/open?url=https%3A%2F%2Fbank.example%2F'), { url: 'https://bank.example/', text: '' });
    assert.equal(parseOpenRequest(request('https://bank.example/', 'x'.repeat(2000)))?.text.length, 500);
  });

  it('reads what the reader makes of a desktop link', () => {
    const href = linkTarget('https://evil.test/login', 'https://bank.example', { mode: 'desktop', openLinkBase: 'app://heron/open', linkToken: null }).href;
    assert.deepEqual(parseOpenRequest(href ?? ''), { url: 'https://evil.test/login', text: 'https://bank.example' });
  });

  const query = '?url=https%3A%2F%2Fbank.example%2F&text=bank.example';
  for (const url of [
    `app://heron.evil/open${query}`,
    `app://evil/open${query}`,
    `app://user@heron/open${query}`,
    `app://user:pass@heron/open${query}`,
    `app://heron:8080/open${query}`,
    `app://heron/open/${query}`,
    `app://heron/opener${query}`,
    `app://heron/x/open${query}`,
    `app://heron/%6Fpen${query}`,
    `app://heron/index.html${query}`,
    `app://heron/open${query}#x`,
    `app://heron/open${query}&url=https%3A%2F%2Fevil.test%2F`,
    `app://heron/open${query}&text=evil.test`,
    'app://heron/open?text=bank.example',
    `https://heron/open${query}`,
    `http://127.0.0.1:4517/open${query}&t=tok`,
    `file:///open${query}`,
    'https://bank.example/',
    'not a url',
    '',
  ]) {
    it(`is not an open request: ${url || '(empty)'}`, () => {
      assert.equal(parseOpenRequest(url), null);
    });
  }
});

describe('link decisions', () => {
  it('asks before a link whose text shows another domain, naming both and the full address', () => {
    const decision = decideLink({ url: 'https://login.evil.test/account', text: 'https://www.bank.example/login' });
    assert.equal(decision.kind, 'confirm');
    if (decision.kind !== 'confirm') return;
    assert.equal(decision.url, 'https://login.evil.test/account');
    const { question } = decision;
    assert.equal(question.type, 'warning');
    assert.equal(question.message, 'This link may not go where it says');
    assert.match(question.detail, /bank\.example/);
    assert.match(question.detail, /login\.evil\.test/);
    assert.match(question.detail, /https:\/\/login\.evil\.test\/account/);
    assert.deepEqual(question.buttons, ['Cancel', 'Open evil.test']);
    assert.equal(question.defaultId, 0, 'Enter does not open it');
    assert.equal(question.cancelId, 0, 'Escape does not open it');
    assert.equal(question.buttons[OPEN_BUTTON], 'Open evil.test');
  });

  it('asks before look-alike letters and numeric addresses, naming the host in its ASCII form', () => {
    const lookalike = decideLink({ url: 'https://аррle.com/', text: 'Apple' });
    assert.equal(lookalike.kind, 'confirm');
    if (lookalike.kind === 'confirm') {
      assert.match(lookalike.question.detail, /xn--le-6kc8da\.com/);
      assert.deepEqual(lookalike.question.buttons, ['Cancel', 'Open xn--le-6kc8da.com']);
    }
    const numeric = decideLink({ url: 'http://192.168.0.1/login', text: '' });
    assert.equal(numeric.kind, 'confirm');
    if (numeric.kind === 'confirm') assert.deepEqual(numeric.question.buttons, ['Cancel', 'Open 192.168.0.1']);
  });

  it('opens a plain link (text naming the same site, or no host at all) as its normalized URL', () => {
    assert.deepEqual(decideLink({ url: 'https://www.Bank.example/a b', text: 'bank.example' }), { kind: 'open', url: 'https://www.bank.example/a%20b' });
    assert.deepEqual(decideLink({ url: 'http://bank.example', text: 'Read more' }), { kind: 'open', url: 'http://bank.example/' });
  });

  for (const url of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'smb://host/share', 'app://heron/index.html', 'mailto:a@b.example', 'https://user:pw@bank.example/', 'https://', 'not a url', '', `https://bank.example/${'a'.repeat(9000)}`]) {
    it(`refuses ${url.slice(0, 40) || '(empty)'}`, () => {
      const decision = decideLink({ url, text: 'https://bank.example' });
      assert.equal(decision.kind, 'block');
      if (decision.kind === 'block') assert.ok(decision.reason.length > 0);
    });
  }
});

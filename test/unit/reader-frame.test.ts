// The reader's DOM-free pieces: the frame document and its CSP, plain-text rendering, link targets per mode, cid: inlining.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineCidImages } from '../../src-renderer/features/reader/cid';
import { buildFrameDocument, frameCsp } from '../../src-renderer/features/reader/frame-document';
import { linkTarget, type LinkPolicy } from '../../src-renderer/features/reader/link-target';
import { plainTextToHtml } from '../../src-renderer/features/reader/plain-text';

const DESKTOP: LinkPolicy = { mode: 'desktop', openLinkBase: 'app://heron/open', linkToken: null };
const BROWSER: LinkPolicy = { mode: 'browser', openLinkBase: 'http://127.0.0.1:4517/open', linkToken: 'link-token' };
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

/** Where each link of rendered markup goes: the `url` of an /open request, or the href itself (mailto:). */
function destinations(html: string): string[] {
  return Array.from(html.matchAll(/href="([^"]*)"/g), (match) => {
    const href = new URL((match[1] ?? '').replace(/&#38;/g, '&'));
    return href.pathname === '/open' ? (href.searchParams.get('url') ?? '') : href.href;
  });
}

describe('frame document', () => {
  it('puts its own CSP first in <head>, before anything from the message', () => {
    const doc = buildFrameDocument({ styles: ['p{color:red}'], bodyAttributes: [], content: '<p>hi</p>' }, false);
    assert.match(doc, /^<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="[^"]+">/);
    assert.ok(doc.indexOf('p{color:red}') > doc.indexOf('Content-Security-Policy'));
  });

  it('allows no script, no remote image until consent, inline styles and data: fonts only', () => {
    assert.equal(frameCsp(false), "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'");
    assert.match(frameCsp(true), /img-src data: http: https:;/);
    assert.doesNotMatch(frameCsp(true), /script-src|connect-src|'unsafe-eval'/);
  });

  it('blocks remote images before consent in the document itself: the shell policy it inherits allows them', () => {
    const imageSources = (doc: string) => {
      const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(doc)?.[1] ?? '';
      return policy.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'img-src')?.slice(1);
    };
    assert.deepEqual(imageSources(buildFrameDocument({ styles: [], bodyAttributes: [], content: '<img src="https://t.test/p.gif">' }, false)), ['data:']);
    assert.deepEqual(imageSources(buildFrameDocument({ styles: [], bodyAttributes: [], content: '' }, true)), ['data:', 'http:', 'https:']);
  });

  it('keeps body attributes as attributes and style text inside its element', () => {
    const doc = buildFrameDocument({ styles: ['a{content:"</style><script>x</script>"}'], bodyAttributes: [['bgcolor', '"><script>'], ['onload', 'x']], content: '' }, false);
    assert.ok(doc.includes('<body bgcolor="&quot;>&lt;script>">'), doc);
    assert.ok(!doc.includes('</style><script>'));
    assert.ok(!doc.includes('onload'), 'no handler attribute, whatever the sanitizer passed');
  });
});

describe('plain-text messages', () => {
  it('escapes everything and stops a URL at a quote (mailparser issue #412)', () => {
    const html = plainTextToHtml(`Visit: http://google.com?"onmouseover="alert('XSS')" <script>alert(1)</script> & more`, DESKTOP);
    assert.ok(html.startsWith('<pre class="heron-plain">Visit: <a href="app://heron/open?url=http%3A%2F%2Fgoogle.com%2F&#38;text=http%3A%2F%2Fgoogle.com" '), html);
    assert.ok(html.includes('</a>?&#34;onmouseover=&#34;alert(&#39;XSS&#39;)&#34; &#60;script&#62;alert(1)&#60;/script&#62; &#38; more'), html);
    assert.equal((html.match(/<a /g) ?? []).length, 1);
  });

  it('links web and mailto addresses, without the sentence punctuation after them', () => {
    const html = plainTextToHtml('See https://bank.example/a_(b). Or (https://bank.example/c), or mailto:help@bank.example!', DESKTOP);
    assert.deepEqual(destinations(html), ['https://bank.example/a_(b)', 'https://bank.example/c', 'mailto:help@bank.example']);
    assert.equal((html.match(/target="_blank" rel="noopener noreferrer"/g) ?? []).length, 3);
  });

  it('routes links through the confirmation page in browser mode', () => {
    const html = plainTextToHtml('Go to https://bank.example/x now', BROWSER);
    assert.ok(html.includes('href="http://127.0.0.1:4517/open?url=https%3A%2F%2Fbank.example%2Fx&#38;text=https%3A%2F%2Fbank.example%2Fx&#38;t=link-token"'), html);
  });
});

describe('link targets', () => {
  it('desktop: an app://heron/open request with the checked URL and the text, and no token', () => {
    assert.deepEqual(linkTarget(' https://Bank.example/x ', ' Bank ', DESKTOP), {
      action: 'open',
      href: 'app://heron/open?url=https%3A%2F%2Fbank.example%2Fx&text=Bank',
      title: 'https://bank.example/x',
      sameDocument: false,
    });
  });

  it('desktop: a look-alike link carries its text to the shell, which asks first', () => {
    const target = linkTarget('https://evil.test/login', 'https://bank.example', DESKTOP);
    assert.equal(target.action, 'confirm');
    const url = new URL(target.href ?? '');
    assert.equal(`${url.protocol}//${url.host}${url.pathname}`, 'app://heron/open');
    assert.deepEqual([...url.searchParams.keys()], ['url', 'text']);
    assert.deepEqual([url.searchParams.get('url'), url.searchParams.get('text')], ['https://evil.test/login', 'https://bank.example']);
    assert.match(target.title, /bank\.example.*evil\.test/s);
  });

  it('browser: the token-guarded confirmation page, carrying the URL and the text', () => {
    const target = linkTarget('https://evil.test/', 'https://bank.example', BROWSER);
    assert.equal(target.action, 'confirm');
    const url = new URL(target.href ?? '');
    assert.equal(url.origin + url.pathname, 'http://127.0.0.1:4517/open');
    assert.deepEqual([url.searchParams.get('url'), url.searchParams.get('text'), url.searchParams.get('t')], ['https://evil.test/', 'https://bank.example', 'link-token']);
    assert.match(target.title, /bank\.example.*evil\.test/s);
  });

  it('blocked links get no href, and say why', () => {
    const target = linkTarget('javascript:alert(1)', 'x', BROWSER);
    assert.equal(target.href, null);
    assert.match(target.title, /javascript/);
  });

  it('mailto stays mailto in both modes; in-message anchors stay in the frame', () => {
    assert.equal(linkTarget('mailto:a@b.example', 'a', BROWSER).href, 'mailto:a@b.example');
    assert.equal(linkTarget('mailto:a@b.example', 'a', DESKTOP).href, 'mailto:a@b.example');
    assert.deepEqual(linkTarget('#section-2', 'Jump', DESKTOP), { action: 'open', href: '#section-2', title: '', sameDocument: true });
    assert.deepEqual(linkTarget('#section-2', 'Jump', BROWSER), { action: 'open', href: '#section-2', title: '', sameDocument: true });
  });
});

describe('cid: images', () => {
  it('replaces literal and %-encoded Content-IDs with the embedded data: URL', () => {
    const parts = { 'logo@heron.test': PNG, 'a b@x': PNG };
    assert.equal(inlineCidImages('<img src="cid:logo@heron.test">', parts), `<img src="${PNG}">`);
    assert.equal(inlineCidImages('<img src="cid:logo%40heron.test">', parts), `<img src="${PNG}">`);
    assert.equal(inlineCidImages('<td style="background:url(cid:a%20b@x)">', parts), `<td style="background:url(${PNG})">`);
  });

  it('leaves unknown or unsafe references for the sanitizer to remove', () => {
    assert.equal(inlineCidImages('<img src="cid:../../etc/passwd">', { '../../etc/passwd': PNG.replace('png', 'svg+xml"><script') }), '<img src="cid:../../etc/passwd">');
    assert.equal(inlineCidImages('<img src="cid:missing@x">', {}), '<img src="cid:missing@x">');
    assert.equal(inlineCidImages('<img src="cid:constructor">', {}), '<img src="cid:constructor">');
  });
});

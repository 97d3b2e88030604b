// The message sanitizer in Debian's Chromium (the renderer's own parser; no DOM in Node here): what it removes, what it
// rewrites, that its output stays clean when parsed again and is stable, and that a sandboxed frame of it runs and fetches nothing.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import { buildFrameDocument } from '../../src-renderer/features/reader/frame-document';
import type { LinkPolicy } from '../../src-renderer/features/reader/link-target';
import type { SanitizedMessage, SanitizeOptions } from '../../src-renderer/features/reader/sanitize';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;
const DESKTOP: LinkPolicy = { mode: 'desktop', openLinkBase: 'app://heron/open', linkToken: null };
const BROWSER: LinkPolicy = { mode: 'browser', openLinkBase: 'http://127.0.0.1:4517/open', linkToken: 'tok' };
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

let browser: Browser;
let page: Page;
let server: http.Server;
let remote = '';
const hits: string[] = [];

/** Hostile vectors, each trying to run script, reach the page, or fetch `REMOTE`. */
const CORPUS = [
  '<script>top.__pwned=1</script><p>x</p>',
  '<img src=x onerror="top.__pwned=1">',
  '<body onload="top.__pwned=1"><p>body</p></body>',
  '<svg><script>top.__pwned=1</script></svg>',
  '<svg onload="top.__pwned=1"><image href="REMOTE/svg-image"/></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror="top.__pwned=1">',
  '<noscript><p title="</noscript><img src=x onerror=top.__pwned=1>"></noscript>',
  '<a href="javascript:top.__pwned=1">js</a>',
  '<a href="jav&#x09;ascript:top.__pwned=1">tab</a>',
  '<a href="data:text/html,<script>top.__pwned=1</script>">data</a>',
  '<iframe src="javascript:top.__pwned=1"></iframe><iframe srcdoc="<script>top.__pwned=1</script>"></iframe>',
  '<object data="REMOTE/object"></object><embed src="REMOTE/embed">',
  '<form action="REMOTE/form"><input name=q value=secret><button formaction="REMOTE/button">Go</button></form>',
  '<meta http-equiv="refresh" content="0;url=REMOTE/refresh">',
  '<base href="REMOTE/"><img src="relative.png">',
  '<link rel=stylesheet href="REMOTE/link.css"><link rel=prefetch href="REMOTE/prefetch"><link rel=dns-prefetch href="REMOTE/dns">',
  '<img src="REMOTE/img">',
  '<img srcset="REMOTE/srcset 2x, data:image/png;base64,AA 1x">',
  '<picture><source srcset="REMOTE/picture"><img src="data:image/png;base64,AA"></picture>',
  '<video poster="REMOTE/poster" src="REMOTE/video"></video><audio src="REMOTE/audio"></audio>',
  '<table background="REMOTE/table-bg"><tr><td background="REMOTE/td-bg">t</td></tr></table>',
  '<body background="REMOTE/body-bg">b</body>',
  '<div style="background:url(REMOTE/style-url)">s</div>',
  '<div style="background:u\\72l(REMOTE/escaped-url)">e</div>',
  '<div style="--x:url(REMOTE/custom);background:var(--x)">v</div>',
  '<div style="background-image:image-set(\'REMOTE/image-set\' 1x)">i</div>',
  '<style>@import url(REMOTE/import.css); @import "REMOTE/import2.css"; .a{background:url("REMOTE/style-block")} @font-face{font-family:f;src:url(REMOTE/font)} @media all{.b{list-style-image:url(REMOTE/media)}}</style><p class=a>a</p>',
  '<style>p{content:"</style><img src=x onerror=top.__pwned=1>"}</style><p>p</p>',
  '<a ping="REMOTE/ping" href="https://bank.example/">ping</a>',
  '<img src="x" referrerpolicy="unsafe-url"><a href="https://bank.example/" referrerpolicy="unsafe-url">r</a>',
  '<a href="https://bank.example/" target="_top">top</a><a href="https://bank.example/" target="_self">self</a>',
  '<div style="position:fixed;inset:0;z-index:2147483647;background:red">overlay</div>',
  '<img src="data:image/svg+xml,<svg onload=top.__pwned=1>">',
  '<isindex action="REMOTE/isindex"><keygen><textarea>t</textarea><select><option>o</option></select>',
  '<!--<img src=x onerror=top.__pwned=1>--><![CDATA[<img src=x onerror=top.__pwned=1>]]>',
  '<xmp><img src=x onerror=top.__pwned=1></xmp><plaintext><img src=x onerror=top.__pwned=1>',
  '<template><img src=x onerror=top.__pwned=1></template><slot></slot>',
  '<details open ontoggle="top.__pwned=1"><summary>s</summary></details>',
  '<a href="https://bank.example/" style="behavior:url(REMOTE/htc);-moz-binding:url(REMOTE/xbl)">b</a>',
];

function withRemote(html: string): string {
  return html.replaceAll('REMOTE', remote);
}

function sanitize(html: string, options: Partial<SanitizeOptions> = {}): Promise<SanitizedMessage> {
  const full: SanitizeOptions = { inlineParts: {}, allowRemote: false, links: DESKTOP, ...options };
  return page.evaluate(([h, o]) => (window as unknown as { HeronSanitize: { sanitizeMessageHtml: (w: Window, h: string, o: SanitizeOptions) => SanitizedMessage } }).HeronSanitize.sanitizeMessageHtml(window, h, o), [html, full] as const);
}

function documentOf(clean: SanitizedMessage, allowRemote = false): string {
  return buildFrameDocument(clean, allowRemote);
}

/**
 * Problems in frame documents as the browser parses them: anything that could run, submit, or fetch without consent.
 * Plain JavaScript installed in the page, because tsx would wrap the inner functions of a page.evaluate callback in
 * a helper the page does not have.
 */
const PROBLEMS_IN = `window.problemsIn = function (docs, remoteOk) {
  var URL_ATTRIBUTES = ['href', 'src', 'srcset', 'background', 'action', 'formaction', 'poster', 'data', 'cite', 'longdesc', 'xlink:href'];
  var problems = [];
  docs.forEach(function (html, index) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    function say(what) { problems.push('#' + index + ': ' + what); }
    if (!doc.head.firstElementChild || doc.head.firstElementChild.getAttribute('http-equiv') !== 'Content-Security-Policy') say('the CSP is not the first element of <head>');
    doc.querySelectorAll('script, iframe, frame, object, embed, form, input, button, textarea, select, base, link, svg, math, video, audio, source, noscript, template').forEach(function (el) { say('<' + el.localName + '>'); });
    Array.prototype.slice.call(doc.querySelectorAll('meta'), 1).forEach(function (el) { if (el.hasAttribute('http-equiv')) say('a second http-equiv meta'); });
    doc.querySelectorAll('*').forEach(function (el) {
      Array.prototype.forEach.call(el.attributes, function (attr) {
        var value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
        if (attr.name.indexOf('on') === 0) say(el.localName + '[' + attr.name + ']');
        if (['srcdoc', 'formaction', 'action', 'ping', 'referrerpolicy'].indexOf(attr.name) >= 0) say(el.localName + '[' + attr.name + ']');
        if (URL_ATTRIBUTES.indexOf(attr.name) >= 0 && /^(javascript|vbscript|data:text|data:image\\/svg)/.test(value)) say(el.localName + '[' + attr.name + ']=' + attr.value.slice(0, 40));
        if (!remoteOk && ['src', 'srcset', 'background'].indexOf(attr.name) >= 0 && /https?:/.test(value)) say('remote ' + el.localName + '[' + attr.name + ']');
        if (attr.name === 'target' && attr.value !== '_blank') say('target=' + attr.value);
      });
      if (!remoteOk && /url\\(\\s*["']?https?:/i.test(el.getAttribute('style') || '')) say('remote url() in ' + el.localName + '[style]');
    });
    doc.querySelectorAll('style').forEach(function (style) {
      if (!remoteOk && /https?:/i.test(style.textContent || '')) say('remote URL in <style>');
      if (/@import/i.test(style.textContent || '')) say('@import');
    });
  });
  return problems;
};`;

function problemsIn(documents: string[], allowRemote: boolean): Promise<string[]> {
  return page.evaluate(([docs, remoteOk]) => (window as unknown as { problemsIn: (d: string[], r: boolean) => string[] }).problemsIn(docs, remoteOk), [documents, allowRemote] as const);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** A link routed through /open, back to the link the message had (the route is one of Heron's additions). */
function unrouted(content: string): string {
  return content.replace(/href="app:\/\/heron\/open\?([^"]*)"/g, (_, query: string) => `href="${escapeAttribute(new URLSearchParams(query.replace(/&amp;/g, '&')).get('url') ?? '')}"`);
}

/** A message equivalent to what the frame shows, without Heron's own additions: the input for a second pass. */
function asMessage(clean: SanitizedMessage): string {
  const attributes = clean.bodyAttributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  return `<html><head>${clean.styles.map((css) => `<style>${css}</style>`).join('')}</head><body${attributes}>${unrouted(clean.content)}</body></html>`;
}

/** Deterministic soup of tags, attributes and values that sanitizers have trouble with (mXSS, nesting, raw-text elements). */
function randomInputs(count: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const tags = ['a', 'img', 'div', 'p', 'style', 'script', 'svg', 'math', 'mtext', 'mglyph', 'table', 'td', 'form', 'input', 'noscript', 'template', 'iframe', 'title', 'textarea', 'xmp', 'select', 'option', 'object', 'b', 'span', 'picture', 'source', 'body', 'head', 'meta', 'base', 'foreignObject', 'annotation-xml', 'desc'];
  const attributes = ['href', 'src', 'srcset', 'style', 'onerror', 'onclick', 'background', 'title', 'id', 'name', 'class', 'target', 'formaction', 'referrerpolicy', 'http-equiv', 'content', 'xlink:href', 'poster', 'ping'];
  const values = ['javascript:top.__pwned=1', 'REMOTE/r', 'cid:logo', 'data:image/png;base64,AA', 'data:text/html,<script>1</script>', '</style><img src=x onerror=top.__pwned=1>', 'background:url(REMOTE/u)', 'refresh', '0;url=REMOTE/m', '"><img src=x onerror=top.__pwned=1>', '--></p><img src=x onerror=1>', 'https://bank.example/', '_top', 'x'];
  const texts = ['text', '<', '-->', ']]>', '</', '&lt;script&gt;', '<!--', '</noscript>', '</style>', 'bank.example'];
  const element = (depth: number): string => {
    const tag = pick(tags);
    const attrs = Array.from({ length: Math.floor(next() * 3) }, () => ` ${pick(attributes)}="${pick(values)}"`).join('');
    const children = depth > 3 ? pick(texts) : Array.from({ length: Math.floor(next() * 3) }, () => (next() < 0.6 ? element(depth + 1) : pick(texts))).join('');
    return `<${tag}${attrs}>${children}${next() < 0.8 ? `</${tag}>` : ''}`;
  };
  return Array.from({ length: count }, () => element(0));
}

describe('message sanitizer (in Chromium)', { skip }, () => {
  before(async () => {
    server = http.createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from(PNG.split(',')[1] as string, 'base64'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const output = (await build({
      configFile: false,
      logLevel: 'silent',
      build: { write: false, minify: false, lib: { entry: 'src-renderer/features/reader/sanitize.ts', formats: ['iife'], name: 'HeronSanitize' } },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const chunk = (Array.isArray(output) ? output : [output])[0]?.output[0];
    assert.ok(chunk && chunk.type === 'chunk');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><head></head><body><div id="frames"></div></body></html>');
    await page.addScriptTag({ content: chunk.code });
    await page.addScriptTag({ content: PROBLEMS_IN });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('removes scripts, handlers, forms, frames, embeds, meta refresh, base and SVG/MathML', async () => {
    const cleaned = await Promise.all(CORPUS.map((html) => sanitize(withRemote(html))));
    for (const clean of cleaned) assert.doesNotMatch(clean.content, /<script|onerror|onload|ontoggle|<form|<input|<iframe|<object|<embed|<meta|<base|<svg|<math/i);
    assert.equal(cleaned.reduce((forms, clean) => forms + clean.forms, 0), 1);
  });

  it('keeps every vector clean when its output is parsed again, with and without remote content allowed', async () => {
    const cleaned = await Promise.all(CORPUS.map((html) => sanitize(withRemote(html))));
    assert.deepEqual(await problemsIn(cleaned.map((c) => documentOf(c)), false), []);
    const allowed = await Promise.all(CORPUS.map((html) => sanitize(withRemote(html), { allowRemote: true })));
    assert.deepEqual(await problemsIn(allowed.map((c) => documentOf(c, true)), true), []);
  });

  it('makes javascript: and data: links inert and says why', async () => {
    const clean = await sanitize('<a href="javascript:alert(1)">one</a><a href="jav&#x09;ascript:alert(1)">two</a><a href="data:text/html,x">three</a>');
    assert.equal(clean.blockedLinks, 3);
    assert.equal((clean.content.match(/<a class="heron-blocked-link" title="Heron does not open (javascript|data) links\.">/g) ?? []).length, 3, clean.content);
    assert.doesNotMatch(clean.content, /href/);
  });

  it('opens every web link in a new window without opener or referrer, routed through /open (with the token in browser mode)', async () => {
    const html = '<a href="https://evil.test/" target="_top" referrerpolicy="unsafe-url">https://bank.example</a>';
    const desktop = await sanitize(html);
    assert.match(desktop.content, /^<a href="app:\/\/heron\/open\?url=https%3A%2F%2Fevil\.test%2F&amp;text=https%3A%2F%2Fbank\.example" target="_blank" rel="noopener noreferrer" title="https:\/\/evil\.test\/\nThe link text shows bank\.example, but the link goes to evil\.test\.">/);
    const browserMode = await sanitize(html, { links: BROWSER });
    assert.match(browserMode.content, /href="http:\/\/127\.0\.0\.1:4517\/open\?url=https%3A%2F%2Fevil\.test%2F&amp;text=https%3A%2F%2Fbank\.example&amp;t=tok"/);
    assert.doesNotMatch(desktop.content + browserMode.content, /referrerpolicy|_top/);
  });

  it('blocks every remote reference until allowed, counting them; then keeps http(s) ones only', async () => {
    const html = withRemote(
      '<body background="REMOTE/b"><img src="REMOTE/i" srcset="REMOTE/s 2x"><div style="color:red;background:url(REMOTE/d)">d</div>' +
        '<style>.x{background:url(REMOTE/c);color:blue}</style><img src="ftp://x.example/a"><img src="//evil.test/p"></body>',
    );
    const blocked = await sanitize(html);
    assert.equal(blocked.remote, 5);
    assert.doesNotMatch(blocked.content + blocked.bodyAttributes.join(), /127\.0\.0\.1|ftp:|evil\.test/);
    assert.match(blocked.content, /style="color: red;"/, 'the rest of a style survives');
    assert.match(blocked.content, /\.x \{ color: blue; \}/);
    const allowed = await sanitize(html, { allowRemote: true });
    assert.equal(allowed.remote, 5);
    for (const path of ['/b', '/i', '/s 2x', '/d', '/c']) assert.ok((allowed.content + allowed.bodyAttributes.join()).includes(`${remote}${path}`), path);
    assert.doesNotMatch(allowed.content, /ftp:|evil\.test/);
  });

  it('sees url() through CSS escapes and custom properties, and drops @import and loaders', async () => {
    const clean = await sanitize(
      withRemote('<div style="background:u\\72l(REMOTE/e)">e</div><div style="--x:url(REMOTE/v);color:red">v</div><style>@import "REMOTE/i.css"; @font-face{font-family:f;src:url(REMOTE/f)} p{background:image-set("REMOTE/s" 1x)}</style>'),
      { allowRemote: false },
    );
    assert.doesNotMatch(clean.content, /127\.0\.0\.1|@import|image-set/);
    assert.match(clean.content, /@font-face \{ font-family: f; \}/);
  });

  it('inlines cid: images (literal and %-encoded) and removes unresolved ones', async () => {
    const clean = await sanitize('<img alt=a src="cid:logo@heron.test"><img alt=b src="cid:logo%40heron.test"><img alt=c src="cid:missing@x"><img alt=d src="cid:../../etc/passwd">', {
      inlineParts: { 'logo@heron.test': PNG },
    });
    assert.equal((clean.content.match(new RegExp(`src="${PNG.replace(/[+/]/g, '\\$&')}"`, 'g')) ?? []).length, 2, clean.content);
    assert.match(clean.content, /<img alt="c"><img alt="d">$/);
  });

  it('keeps the message styles from <head> and its body attributes, and nothing that can end a <style>', async () => {
    const clean = await sanitize('<html><head><title>t</title><style>p{color:green;content:"\\3c /style>\\3c b>"}</style></head><body bgcolor="#eee" onload="x()" style="margin:0"><p>p</p></body></html>');
    assert.equal(clean.styles.length, 1);
    assert.equal(clean.styles[0], 'p { color: green; content: "\\3c /style>\\3c b>"; }');
    assert.deepEqual(clean.bodyAttributes, [['bgcolor', '#eee'], ['style', 'margin: 0px;']]);
    assert.equal(clean.content, '<p>p</p>');
  });

  it('is stable: sanitizing its own output changes nothing (a divergence would be an mXSS smell)', async () => {
    const inputs = [...CORPUS, ...randomInputs(400, 7)].map(withRemote);
    const unstable: string[] = [];
    for (const input of inputs) {
      const once = await sanitize(input);
      const twice = await sanitize(asMessage(once));
      const [a, b] = [once, twice].map(({ styles, bodyAttributes, content }) => JSON.stringify({ styles, bodyAttributes, content }));
      if (a !== b) unstable.push(`${input}\n  once:  ${a}\n  twice: ${b}`);
    }
    assert.deepEqual(unstable, []);
  });

  it('leaves generated hostile markup clean when parsed again', async () => {
    const cleaned = await Promise.all(randomInputs(1500, 42).map((html) => sanitize(withRemote(html))));
    assert.deepEqual(await problemsIn(cleaned.map((c) => documentOf(c)), false), []);
  });

  it('in a sandboxed frame with its own CSP alone (no app policy above it): runs nothing, fetches nothing until allowed', async () => {
    hits.length = 0;
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const show = async (allowRemote: boolean) => {
      // One sanitize per vector: an unclosed raw-text vector would otherwise swallow the ones after it.
      const parts = await Promise.all(CORPUS.map((html) => sanitize(withRemote(html), { allowRemote })));
      const clean = { ...(parts[0] as SanitizedMessage), styles: parts.flatMap((p) => p.styles), content: parts.map((p) => p.content).join('\n') };
      await page.evaluate((doc) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
        frame.srcdoc = doc;
        document.getElementById('frames')?.replaceChildren(frame);
        return new Promise((resolve) => frame.addEventListener('load', resolve));
      }, documentOf(clean, allowRemote));
      await page.waitForTimeout(500);
    };
    await show(false);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(hits.length, 0, `requests before consent: ${hits.join(', ')}`);
    assert.equal(dialogs, 0);
    await show(true);
    assert.ok(hits.includes('/img'), `remote image after consent: ${hits.join(', ')}`);
    assert.deepEqual(hits.filter((hit) => /refresh|form|object|embed|link|prefetch|ping|import|poster|video|audio|svg-image|custom|image-set/.test(hit)), []);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  });
});

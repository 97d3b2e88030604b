// The composer's HTML: what the editor lets in (hostile markup runs and fetches nothing in a live contentEditable, in
// Debian's Chromium, as there is no DOM in Node here), what formatting survives, and the editor HTML to and from plain text.

import assert from 'node:assert/strict';
import { HTML_PART_BREAK } from '../../shared/html-parts';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import { textToHtml } from '../../src-renderer/features/compose/editor-html';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/** Each tries to run script in Heron's own document, fetch `REMOTE`, or draw over the app. */
const HOSTILE = [
  '<script>window.__pwned=1</script><p>script</p>',
  '<img src=x onerror="window.__pwned=1">',
  '<p onclick="window.__pwned=1" onmouseover="window.__pwned=1">handlers</p>',
  '<a href="javascript:window.__pwned=1">js link</a>',
  '<a href="jav&#x09;ascript:window.__pwned=1">tab link</a>',
  '<a href="data:text/html,<script>window.__pwned=1</script>">data link</a>',
  '<img src="REMOTE/img">',
  '<img src="cid:logo@x">',
  '<img srcset="REMOTE/srcset 2x" src="' + PNG + '">',
  '<picture><source srcset="REMOTE/picture"><img src="REMOTE/picture-img"></picture>',
  '<div style="background:url(REMOTE/style-url)">style url</div>',
  '<div style="background:u\\72l(REMOTE/escaped-url)">escaped</div>',
  '<div style="--x:url(REMOTE/custom);background:var(--x)">custom property</div>',
  '<div style="background-image:image-set(\'REMOTE/image-set\' 1x)">image-set</div>',
  '<style>@import url(REMOTE/import.css); body{background:url(REMOTE/style-block)}</style><p>style element</p>',
  '<p>before</p><style>p{background:url(REMOTE/late-style)}</style><p>style in the body</p>',
  '<svg><script>window.__pwned=1</script></svg>',
  '<svg onload="window.__pwned=1"><image href="REMOTE/svg-image"/></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=1">',
  '<form action="REMOTE/form"><input name=q value=secret><button formaction="REMOTE/button">Go</button></form>',
  '<iframe src="REMOTE/iframe"></iframe><iframe srcdoc="<script>top.__pwned=1</script>"></iframe>',
  '<meta http-equiv="refresh" content="0;url=REMOTE/refresh">',
  '<base href="REMOTE/"><a href="relative">relative</a>',
  '<link rel=stylesheet href="REMOTE/link.css"><link rel=prefetch href="REMOTE/prefetch">',
  '<object data="REMOTE/object"></object><embed src="REMOTE/embed">',
  '<video poster="REMOTE/poster" src="REMOTE/video"></video><audio src="REMOTE/audio"></audio>',
  '<table background="REMOTE/table-bg"><tr><td background="REMOTE/td-bg">cell</td></tr></table>',
  '<body onload="window.__pwned=1" background="REMOTE/body-bg"><p>body</p></body>',
  '<details open ontoggle="window.__pwned=1"><summary>s</summary></details>',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>"></noscript>',
  '<div style="position:fixed;inset:0;z-index:2147483647;background:red">overlay</div>',
  '<img id="editorRoot" name="getElementById" src="' + PNG + '"><form name="cookie"></form>',
  '<p class="error-bar account-settings">dressed as Heron</p>',
  '<div contenteditable="false" tabindex="1" autofocus>island</div>',
];

/** Plain JavaScript in the page (tsx would wrap named inner functions of a page.evaluate callback in a helper the page lacks). */
const PAGE_HELPERS = `
window.problemsIn = function (html) {
  var doc = new DOMParser().parseFromString('<body>' + html + '</body>', 'text/html');
  var problems = [];
  doc.querySelectorAll('script, style, iframe, frame, object, embed, form, input, button, textarea, select, base, link, meta, svg, math, video, audio, source, noscript, template').forEach(function (el) { problems.push('<' + el.localName + '>'); });
  doc.querySelectorAll('*').forEach(function (el) {
    Array.prototype.forEach.call(el.attributes, function (attr) {
      var value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.indexOf('on') === 0 || ['srcset', 'background', 'id', 'name', 'formaction', 'action', 'srcdoc', 'contenteditable', 'tabindex', 'autofocus', 'poster', 'data'].indexOf(attr.name) >= 0) problems.push(el.localName + '[' + attr.name + ']');
      if (attr.name === 'href' && !/^(https?|mailto):/.test(value)) problems.push('href=' + attr.value);
      if (attr.name === 'src' && !/^data:image\\/(png|gif|jpe?g|webp|bmp)[;,]/.test(value)) problems.push('src=' + attr.value.slice(0, 40));
      if (attr.name === 'style' && /url|image-set|\\\\|position|z-index/.test(value)) problems.push('style=' + attr.value);
      if (attr.name === 'class' && attr.value !== 'signature') problems.push('class=' + attr.value);
    });
  });
  return problems;
};
window.intoEditor = function (html) {
  var editor = document.getElementById('editor');
  editor.innerHTML = html;
  editor.focus();
  document.execCommand('insertHTML', false, html);
  return editor.getBoundingClientRect().height;
};
`;

let browser: Browser;
let page: Page;
let server: http.Server;
let remote = '';
const hits: string[] = [];

interface EditorHtmlApi {
  sanitizeForEditor(html: string): string;
  htmlToText(html: string): string;
  textToHtml(text: string): string;
}

function inPage<K extends keyof EditorHtmlApi>(name: K, input: string): Promise<string> {
  return page.evaluate(([n, i]) => (window as unknown as { HeronEditorHtml: EditorHtmlApi }).HeronEditorHtml[n](i), [name, input] as const);
}

const clean = (html: string) => inPage('sanitizeForEditor', html);
const text = (html: string) => inPage('htmlToText', html);

describe('editor HTML (in Chromium)', { skip }, () => {
  before(async () => {
    server = http.createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const output = (await build({
      configFile: false,
      logLevel: 'silent',
      build: { write: false, minify: false, lib: { entry: 'src-renderer/features/compose/editor-html.ts', formats: ['iife'], name: 'HeronEditorHtml' } },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const chunk = (Array.isArray(output) ? output : [output])[0]?.output[0];
    assert.ok(chunk && chunk.type === 'chunk');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    // The editor as the composer has it: a contentEditable in the app's own document, which has no CSP of its own here.
    await page.setContent('<!doctype html><html><head></head><body><div id="editor" contenteditable="true"></div></body></html>');
    await page.addScriptTag({ content: chunk.code });
    await page.addScriptTag({ content: PAGE_HELPERS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lets nothing in that runs, fetches, submits, clobbers globals or borrows the app’s classes', async () => {
    for (const vector of HOSTILE) {
      const output = await clean(vector.replaceAll('REMOTE', remote));
      assert.deepEqual(await page.evaluate((html) => (window as unknown as { problemsIn: (h: string) => string[] }).problemsIn(html), output), [], `${vector}\n→ ${output}`);
    }
  });

  it('runs and fetches nothing once every output is in a live contentEditable, pasted or set', async () => {
    for (const vector of HOSTILE) {
      const output = await clean(vector.replaceAll('REMOTE', remote));
      await page.evaluate((html) => (window as unknown as { intoEditor: (h: string) => number }).intoEditor(html), output);
    }
    // Time for an image to load, an error handler to fire or a refresh to start.
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(hits, []);
    assert.equal(page.url(), 'about:blank', 'the page did not navigate');
  });

  it('gives output that is clean and unchanged when sanitized again', async () => {
    for (const vector of HOSTILE) {
      const once = await clean(vector.replaceAll('REMOTE', remote));
      assert.equal(await clean(once), once, vector);
    }
  });

  it('keeps the formatting a person writes with: bold, italic, underline, lists, quotes, links, colours, embedded images', async () => {
    const kept = [
      '<p><b>bold</b> <i>italic</i> <u>underline</u> <strong>s</strong> <em>e</em></p>',
      '<ul><li>one</li><li>two<ol><li>nested</li></ol></li></ul>',
      '<blockquote type="cite"><p>quoted</p><blockquote type="cite">deeper</blockquote></blockquote>',
      '<p><a href="https://example.test/page?a=1&amp;b=2">web</a> <a href="mailto:ann@example.test">mail</a></p>',
      '<p style="color: rgb(200, 0, 0); font-weight: bold;">red</p>',
      `<p><img src="${PNG}" alt="dot"></p>`,
      '<div class="signature">-- <br>Ann</div>',
      '<table><tbody><tr><td>cell</td></tr></tbody></table>',
    ];
    for (const html of kept) assert.equal(await clean(html), html);
  });

  it('drops cid: images and positioning, and keeps only the signature class', async () => {
    assert.equal(await clean('<p>a<img src="cid:logo@x" alt="logo">b</p>'), '<p>ab</p>');
    assert.equal(await clean('<p style="position: fixed; top: 0px; color: red;">x</p>'), '<p style="color: red;">x</p>');
    assert.equal(await clean('<div class="signature heron-x">s</div><p class="MsoNormal">p</p>'), '<div class="signature">s</div><p>p</p>');
    assert.equal(await clean('<html><head><title>t</title></head><body><p>only the body</p></body></html>'), '<p>only the body</p>');
    assert.equal(await clean(''), '');
  });

  it('cleans a quoted message\u2019s HTML parts apart, so a link left open in one cannot take in the next (EFAIL)', async () => {
    const joined = `<p>Hi</p>${HTML_PART_BREAK}<a href="https://attacker.example/?${HTML_PART_BREAK}TOP-SECRET${HTML_PART_BREAK}">x</a>`;
    const out = await clean(joined);
    assert.ok(out.includes('TOP-SECRET'), 'the secret part is still quoted as text');
    assert.doesNotMatch(out, /href="[^"]*TOP-SECRET/);
  });

  it('turns editor HTML into readable plain text', async () => {
    assert.equal(await text('<p>One</p><p>Two<br>lines</p><div>div</div><div>next</div>'), 'One\n\nTwo\nlines\n\ndiv\nnext');
    assert.equal(await text('<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol><li>first</li><li>second</li></ol>'), '- one\n- two\n  - inner\n1. first\n2. second');
    assert.equal(await text('<p>On Monday, Bo wrote:</p><blockquote type="cite"><p>Hi</p><p>there</p><blockquote>older</blockquote></blockquote><p>after</p>'), 'On Monday, Bo wrote:\n\n> Hi\n>\n> there\n>\n>> older\n\nafter');
    assert.equal(await text('<div>Bo wrote:</div><blockquote type="cite"><div>Hi</div><blockquote type="cite"><div>older</div></blockquote></blockquote><div>me</div>'), 'Bo wrote:\n> Hi\n>> older\nme');
    assert.equal(await text('<a href="https://example.test/x">the page</a>, <a href="https://example.test/">https://example.test/</a>, <a href="mailto:ann@example.test">ann@example.test</a>, <a href="#top">top</a>, <a href="https://example.test/y"><img src="x.png"></a>'), 'the page <https://example.test/x>, https://example.test/, ann@example.test, top, <https://example.test/y>');
    assert.equal(await text('<p>Fish &amp; chips &lt;3 caf&eacute;&nbsp;&nbsp;two</p>'), 'Fish & chips <3 café  two');
    assert.equal(await text('<p>a</p><p><br></p><p><br></p><p><br></p><p>b</p><p><br></p>'), 'a\n\nb');
    assert.equal(await text('<p>  spaced \n  out  </p>'), 'spaced out');
  });

  it('keeps the signature separator, preformatted text and table rows, and leaves out what nobody sees', async () => {
    assert.equal(await text('<p>Hello</p><div class="signature">-- <br>Ann</div>'), 'Hello\n\n-- \nAnn');
    assert.equal(await text('<pre>  indented\n    code</pre>'), '  indented\n    code');
    assert.equal(await text('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>'), 'a b\nc d');
    assert.equal(await text('<html><head><title>T</title><style>p{}</style></head><body><script>x()</script><span style="display:none">preheader</span><p>seen</p></body></html>'), 'seen');
  });

  it('round-trips plain text through the editor', async () => {
    const plain = '\n\nHello Bo,\n\nthanks <for> this & that.\nSecond line.\n\nOn Mon, Bo wrote:\n> Hi\n>\n>> older\n> back\n\n-- \nAnn';
    assert.equal(await text(await inPage('textToHtml', plain)), plain);
  });
});

describe('textToHtml', () => {
  it('escapes the text, puts runs of lines in a <div> with <br> between, and each blank line in an empty <div>', () => {
    assert.equal(textToHtml('a <b> & "c"\nnext\r\n\r\nnew paragraph'), '<div>a &#60;b&#62; &#38; &#34;c&#34;<br>next</div><div><br></div><div>new paragraph</div>');
    assert.equal(textToHtml('\n\n-- \nAnn'), '<div><br></div><div><br></div><div>-- <br>Ann</div>');
  });

  it('makes quoted runs into nested cite blockquotes', () => {
    assert.equal(
      textToHtml('On Mon, Bo wrote:\n> Hi\n>\n>> older\n> back\nme'),
      '<div>On Mon, Bo wrote:</div><blockquote type="cite"><div>Hi</div><div><br></div><blockquote type="cite"><div>older</div></blockquote><div>back</div></blockquote><div>me</div>',
    );
  });

  it('drops blank lines at the end', () => {
    assert.equal(textToHtml('a\n\n\n'), '<div>a</div>');
    assert.equal(textToHtml(''), '');
  });
});

// The app:// protocol: only files inside the bundle, with the CSP header (security.md A4, A5).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APP_SCHEME_PRIVILEGES, contentTypeFor, createAppProtocolHandler, resolveBundlePath } from '../../src-main/electron/app-protocol';
import { APP_CSP } from '../../src-main/electron/csp';

let temp: string;
let bundle: string;

before(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'heron-app-protocol-'));
  bundle = path.join(temp, 'renderer');
  mkdirSync(path.join(bundle, 'assets'), { recursive: true });
  writeFileSync(path.join(bundle, 'index.html'), '<!doctype html><title>Heron</title>');
  writeFileSync(path.join(bundle, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(bundle, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(bundle, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(bundle, 'assets', 'a b.txt'), 'space');
  // Outside the bundle: what an attacker would want to read.
  writeFileSync(path.join(temp, 'secret.txt'), 'SECRET');
  mkdirSync(path.join(temp, 'renderer-evil'));
  writeFileSync(path.join(temp, 'renderer-evil', 'x.js'), 'SECRET');
  // Symlinks: one escaping the root (file and directory), one staying inside.
  symlinkSync(path.join(temp, 'secret.txt'), path.join(bundle, 'assets', 'escape.txt'));
  symlinkSync(temp, path.join(bundle, 'assets', 'up'));
  symlinkSync(path.join(bundle, 'index.html'), path.join(bundle, 'assets', 'inside.html'));
});

after(() => rmSync(temp, { recursive: true, force: true }));

describe('resolveBundlePath', () => {
  it('maps app:// paths to files in the bundle', () => {
    assert.equal(resolveBundlePath(bundle, 'app://heron/index.html'), path.join(bundle, 'index.html'));
    assert.equal(resolveBundlePath(bundle, 'app://heron/'), path.join(bundle, 'index.html'));
    assert.equal(resolveBundlePath(bundle, 'app://heron'), path.join(bundle, 'index.html'));
    assert.equal(resolveBundlePath(bundle, 'app://heron/assets/index-abc123.js'), path.join(bundle, 'assets', 'index-abc123.js'));
    assert.equal(resolveBundlePath(bundle, 'app://heron/assets/index-abc123.js?v=1#x'), path.join(bundle, 'assets', 'index-abc123.js'));
    assert.equal(resolveBundlePath(bundle, 'app://HERON/assets/style.css'), path.join(bundle, 'assets', 'style.css'));
    assert.equal(resolveBundlePath(bundle, 'app://heron/assets/a%20b.txt'), path.join(bundle, 'assets', 'a b.txt'));
  });

  it('follows a symlink that stays inside the bundle', () => {
    assert.equal(resolveBundlePath(bundle, 'app://heron/assets/inside.html'), path.join(bundle, 'index.html'));
  });

  const refused: [string, string][] = [
    ['app://heron/../secret.txt', 'dot-dot (normalized away by the URL parser, then not found)'],
    ['app://heron/assets/../../secret.txt', 'dot-dot twice'],
    ['app://heron/%2e%2e/secret.txt', 'encoded dot-dot'],
    ['app://heron/%2E%2E/secret.txt', 'encoded dot-dot, upper case'],
    ['app://heron/%2e%2e%2fsecret.txt', 'encoded dot-dot-slash'],
    ['app://heron/assets%2f..%2f..%2fsecret.txt', 'encoded slashes'],
    ['app://heron/..%2fsecret.txt', 'dot-dot then encoded slash'],
    ['app://heron/..%5csecret.txt', 'dot-dot then encoded backslash'],
    ['app://heron/%2e%2e%5csecret.txt', 'fully encoded dot-dot-backslash'],
    ['app://heron/assets\\..\\..\\secret.txt', 'literal backslashes'],
    ['app://heron/.%2e/secret.txt', 'half-encoded dot-dot'],
    ['app://heron/%252e%252e/secret.txt', 'double-encoded dot-dot (decoded once: a literal name, not found)'],
    [`app://heron/${encodeURIComponent(path.join(temp, 'secret.txt'))}`, 'encoded absolute path'],
    [`app://heron/${path.join(temp, 'secret.txt')}`, 'absolute path appended'],
    ['app://heron//etc/passwd', 'double slash'],
    ['app://heron/C:/Windows/win.ini', 'drive letter'],
    ['app://heron/C%3A%5CWindows%5Cwin.ini', 'encoded drive path'],
    ['app://heron/index.html%00.png', 'NUL byte'],
    ['app://heron/%E0%A4%A', 'malformed percent-encoding'],
    ['app://heron/assets/escape.txt', 'symlink to a file outside the bundle'],
    ['app://heron/assets/up/secret.txt', 'symlinked directory leading outside'],
    ['app://heron/assets', 'a directory'],
    ['app://heron/missing.js', 'a missing file'],
    ['app://other/index.html', 'another host'],
    ['app://heron.evil/index.html', 'a look-alike host'],
    ['app://heron:99/index.html', 'a port'],
    ['app://u:p@heron/index.html', 'user info'],
    ['https://heron/index.html', 'another scheme'],
    ['file:///etc/passwd', 'file:'],
    ['app://heron-evil/x.js', 'sibling folder name as host'],
    ['not a url', 'unparseable'],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${why}: ${url.slice(0, 80)}`, () => assert.equal(resolveBundlePath(bundle, url), null));
  }

  it('never returns a path outside the bundle, whatever the sibling folder is called', () => {
    // renderer-evil starts with the bundle's name: a naive startsWith(root) check would let it through.
    assert.equal(resolveBundlePath(bundle, 'app://heron/..%2frenderer-evil/x.js'), null);
    assert.equal(resolveBundlePath(bundle, 'app://heron/../renderer-evil/x.js'), null);
  });
});

describe('app protocol handler', () => {
  const handler = () => createAppProtocolHandler({ bundleRoot: bundle });

  it('serves index.html with the CSP header and an HTML content type', async () => {
    const response = await handler()(new Request('app://heron/index.html'));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), APP_CSP);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await response.text(), '<!doctype html><title>Heron</title>');
  });

  it('serves scripts, styles and images with their content types', async () => {
    const js = await handler()(new Request('app://heron/assets/index-abc123.js'));
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'console.log(1)');
    const css = await handler()(new Request('app://heron/assets/style.css'));
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    const svg = await handler()(new Request('app://heron/assets/logo.svg'));
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  });

  it('answers 404 (with the CSP) for traversal, symlink escapes and missing files', async () => {
    const logs: string[] = [];
    const serve = createAppProtocolHandler({ bundleRoot: bundle, log: (m) => logs.push(m) });
    for (const url of ['app://heron/%2e%2e/secret.txt', 'app://heron/..%5csecret.txt', 'app://heron/assets/escape.txt', 'app://heron/nope.js', 'app://other/index.html']) {
      const response = await serve(new Request(url));
      assert.equal(response.status, 404, url);
      assert.equal(response.headers.get('content-security-policy'), APP_CSP);
      assert.doesNotMatch(await response.text(), /SECRET/);
    }
    assert.equal(logs.length, 5);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handler()(new Request('app://heron/index.html', { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const post = await handler()(new Request('app://heron/index.html', { method: 'POST', body: 'x' }));
    assert.equal(post.status, 405);
  });

  it('knows the common content types and falls back to octet-stream', () => {
    assert.equal(contentTypeFor('a.woff2'), 'font/woff2');
    assert.equal(contentTypeFor('a.PNG'), 'image/png');
    assert.equal(contentTypeFor('a.mjs'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('a.exe'), 'application/octet-stream');
    assert.equal(contentTypeFor('Makefile'), 'application/octet-stream');
  });

  it('registers the scheme as standard and secure, without cross-origin reads', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.secure, true);
    assert.equal((APP_SCHEME_PRIVILEGES as Record<string, unknown>).corsEnabled, undefined);
    assert.equal((APP_SCHEME_PRIVILEGES as Record<string, unknown>).bypassCSP, undefined);
  });
});

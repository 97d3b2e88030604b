// Which links may leave Heron for the system browser (security.md A8).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import { createExternalOpener, isSafeExternalUrl, toSafeExternalUrl } from '../../src-main/electron/external-url';

const ACCEPT: string[] = [
  'https://example.com/x',
  'https://example.com',
  'http://example.com/path?q=1&r=2#frag',
  'HTTPS://EXAMPLE.COM/Upper',
  'https://example.com:8443/port',
  'https://xn--bcher-kva.example/',
  'https://bücher.example/',
  'http://192.168.0.1/',
  'https://[2001:db8::1]/',
  'https://example.com/a%20b',
  'https://example.com/%2e%2e/x',
];

const REJECT: [string, string][] = [
  ['file:///etc/passwd', 'file:'],
  ['file://host/share/x.exe', 'file: with host'],
  ['smb://host/share', 'smb:'],
  ['ftp://example.com/x', 'ftp:'],
  ['javascript:alert(1)', 'javascript:'],
  ['JaVaScRiPt:alert(1)', 'javascript: mixed case'],
  ['data:text/html,<script>alert(1)</script>', 'data:'],
  ['vbscript:msgbox(1)', 'vbscript:'],
  ['ms-msdt:/id PCWDiagnostic', 'ms-msdt:'],
  ['search-ms:query=x&crumb=location:\\\\evil\\share', 'search-ms:'],
  ['\\\\host\\share\\x.exe', 'UNC path'],
  ['//host/share', 'protocol-relative'],
  ['heron://x', 'custom scheme'],
  ['app://heron/index.html', 'the app scheme'],
  ['mailto:ann@example.com', 'mailto (handled in-app)'],
  ['tel:+123', 'tel:'],
  ['ssh://host', 'ssh:'],
  ['https://user:pass@example.com/', 'user:password@'],
  ['https://user@example.com/', 'user@'],
  ['https://example.com@evil.com/', 'userinfo trick'],
  ['not a url', 'unparseable'],
  ['', 'empty'],
  ['https://', 'no host'],
  ['http:example.com', 'no slashes'],
  ['https:/example.com', 'one slash'],
  [' https://example.com', 'leading space'],
  ['https://example.com ', 'trailing space'],
  ['\thttps://example.com', 'leading tab'],
  ['java\nscript:alert(1)', 'newline inside the scheme'],
  ['https://exa\nmple.com', 'newline inside the host'],
  ['https://example.com/\r\nx', 'CRLF in the path'],
  ['https://example.com/\u0000', 'NUL'],
  ['\u0000https://example.com', 'leading NUL'],
  ['https://example.com/\u202e', 'right-to-left override'],
  ['https://exam\u200bple.com', 'zero-width space'],
  ['\ufeffhttps://example.com', 'byte-order mark'],
  ['https://example.com\u00a0/', 'no-break space'],
  ['https:\\\\example.com', 'backslashes'],
  ['https://example.com\\@evil.com', 'backslash userinfo trick'],
  [`https://example.com/${'a'.repeat(9000)}`, 'over-long'],
];

describe('isSafeExternalUrl', () => {
  for (const url of ACCEPT) {
    it(`accepts ${url}`, () => assert.equal(isSafeExternalUrl(url), true));
  }
  for (const [url, why] of REJECT) {
    it(`rejects ${why}: ${JSON.stringify(url.slice(0, 60))}`, () => assert.equal(isSafeExternalUrl(url), false));
  }

  it('covers at least 25 rejections', () => assert.ok(REJECT.length >= 25));

  it('rejects non-strings', () => {
    for (const value of [null, undefined, 42, {}, ['https://example.com'], new URL('https://example.com')]) {
      assert.equal(toSafeExternalUrl(value), null);
    }
  });

  it('normalizes what it returns', () => {
    assert.equal(toSafeExternalUrl('HTTPS://EXAMPLE.COM'), 'https://example.com/');
    assert.equal(toSafeExternalUrl('https://bücher.example/'), 'https://xn--bcher-kva.example/');
  });

  it('parses with the URL parser, not a prefix test', () => {
    const source = readFileSync(new URL('../../src-main/electron/external-url.ts', import.meta.url), 'utf8');
    assert.match(source, /new URL\(/);
    assert.doesNotMatch(source, /startsWith\(['"]https?:/);
  });
});

describe('createExternalOpener', () => {
  it('opens safe URLs (normalized) and refuses the rest with invalid-input', async () => {
    const opened: string[] = [];
    const logs: string[] = [];
    const open = createExternalOpener(async (url) => {
      opened.push(url);
    }, (m) => logs.push(m));
    await open('HTTPS://Example.com/a');
    for (const [url] of REJECT) {
      await assert.rejects(open(url), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
    }
    assert.deepEqual(opened, ['https://example.com/a']);
    assert.equal(logs.length, REJECT.length);
  });
});

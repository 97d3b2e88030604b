// Browser mode's link confirmation page over real HTTP: its own token, web links only, both domains named for a look-alike, a strict CSP.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { OPEN_LINK_CSP } from '../../src-main/web/open-link';
import { startWebServer, type WebServer } from '../../src-main/web/server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, pathAndQuery: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      let body = '';
      response.on('data', (c: Buffer) => (body += c.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const LINK_TOKEN = 'link-token-for-this-run-0123456789abcdefghij';

describe('link confirmation page (GET /open)', () => {
  let dir: string;
  let engine: Engine;
  let server: WebServer;
  const open = (url: string, text: string, token: string | null = LINK_TOKEN) =>
    `/open?${new URLSearchParams({ url, text, ...(token === null ? {} : { t: token }) }).toString()}`;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'heron-open-link-'));
    await mkdir(path.join(dir, 'static'));
    await writeFile(path.join(dir, 'static', 'index.html'), '<!doctype html><title>Heron</title>');
    const profileDir = path.join(dir, 'profile');
    engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version: '9.9.9', linkToken: LINK_TOKEN });
    server = await startWebServer({ engine, staticDir: path.join(dir, 'static'), port: 0, linkToken: LINK_TOKEN });
  });

  after(async () => {
    await server.close();
    await engine.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the page its link token through getAppInfo, in browser mode only', async () => {
    assert.equal((await engine.api.getAppInfo()).linkToken, LINK_TOKEN);
    const desktop = createEngine({ profileDir: path.join(dir, 'desktop'), mode: 'desktop', secrets: createBrowserSecretStore(path.join(dir, 'desktop')), version: '9.9.9' });
    assert.equal('linkToken' in (await desktop.api.getAppInfo()), false);
    await desktop.shutdown();
  });

  it('answers 403 without the link token, with a wrong one, or with the access token instead', async () => {
    for (const target of [
      open('https://bank.example/', 'x', null),
      open('https://bank.example/', 'x', 'wrong'),
      open('https://bank.example/', 'x', server.token),
      `${open('https://bank.example/', 'x', null)}&token=${server.token}`,
    ]) {
      const reply = await request(server.port, target);
      assert.equal(reply.status, 403, target);
      assert.ok(!reply.body.includes('bank.example'), 'nothing about the link is shown');
    }
  });

  it('answers 403 to a foreign Host even with the link token (DNS rebinding)', async () => {
    assert.equal((await request(server.port, open('https://bank.example/', 'x'), { headers: { Host: `evil.example:${server.port}` } })).status, 403);
  });

  it('refuses every scheme but http and https with 400', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>alert(1)</script>', 'mailto:a@b.example', 'smb://host/share', 'https://bank.example@evil.test/', '']) {
      const reply = await request(server.port, open(url, 'x'));
      assert.equal(reply.status, 400, url);
      assert.doesNotMatch(reply.body, /<a |<script/i, url);
    }
  });

  it('names both domains for a look-alike link, with a plain link to the real one', async () => {
    const reply = await request(server.port, open('https://bank.example.evil.test/login?x=1', 'https://bank.example/login'));
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<h1>Check this link before you open it<\/h1>/);
    assert.match(reply.body, /role="alert"><strong>Careful:<\/strong> The link text shows bank\.example, but the link goes to bank\.example\.evil\.test\./);
    assert.match(reply.body, /<p class="url">https:\/\/bank\.example\.evil\.test\/login\?x=1<\/p>/);
    assert.match(reply.body, /<a class="open" href="https:\/\/bank\.example\.evil\.test\/login\?x=1" rel="noopener noreferrer">Open bank\.example\.evil\.test<\/a>/);
  });

  it('shows an ordinary link without a warning, and an IDN look-alike in its punycode form', async () => {
    const plain = await request(server.port, open('https://bank.example/a', 'Your statement'));
    assert.equal(plain.status, 200);
    assert.match(plain.body, /<h1>Open this link\?<\/h1>/);
    assert.doesNotMatch(plain.body, /Careful/);
    const idn = await request(server.port, open('https://p\u0430ypal.example/', 'Log in'));
    assert.match(idn.body, /Open xn--pypal-4ve\.example</);
    assert.match(idn.body, /international letters/);
  });

  it('escapes everything it shows', async () => {
    const reply = await request(server.port, open('https://evil.test/"><script>alert(1)</script>', '"><script>alert(2)</script> bank.example'));
    assert.equal(reply.status, 200);
    assert.doesNotMatch(reply.body, /<script/i);
  });

  it('sends a strict CSP (its one style by hash, no script), no referrer, no caching, no cookie', async () => {
    const reply = await request(server.port, open('https://bank.example/', 'x'));
    assert.equal(reply.headers['content-security-policy'], OPEN_LINK_CSP);
    assert.doesNotMatch(OPEN_LINK_CSP, /script-src|unsafe-inline|unsafe-eval|img-src|connect-src/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(reply.body)?.[1] ?? '';
    assert.ok(OPEN_LINK_CSP.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'the style hash matches the page');
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
    assert.equal(reply.headers['x-frame-options'], 'DENY');
    assert.equal(reply.headers['cache-control'], 'no-store');
    assert.equal(reply.headers['set-cookie'], undefined);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await request(server.port, open('https://bank.example/', 'x'), { method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await request(server.port, open('https://bank.example/', 'x'), { method: 'POST' })).status, 405);
  });

  it('leaves the rest of the server behind the access token', async () => {
    assert.equal((await request(server.port, `/?t=${LINK_TOKEN}`)).status, 403);
    assert.equal((await request(server.port, `/open/../?t=${LINK_TOKEN}`)).status, 403);
  });
});

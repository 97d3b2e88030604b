// Browser mode's server: token on every request, Origin on the WebSocket, one tab at a time, a fixed port that never moves.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { WS_CLOSE, type EngineApi, type RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { createPeer, type RpcChannel } from '../../shared/rpc';
import { rendererStub } from '../support/renderer-stub';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { startWebServer, type WebServer } from '../../src-main/web/server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (response) => {
      let body = '';
      response.on('data', (c: Buffer) => (body += c.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
  });
}

function openTab(port: number, options: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  const query = options.token === undefined ? '' : `?token=${options.token}`;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/rpc${query}`, { origin: options.origin ?? `http://127.0.0.1:${port}` });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

/** A tab the server accepted: after a previous tab leaves, the server may need a moment to see its close. */
async function openAcceptedTab(port: number, token: string): Promise<WebSocket> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = await openTab(port, { token });
    const answer = await Promise.race([engineOver(candidate).getAppInfo().then(() => 'ok' as const), closedWith(candidate).then(() => 'closed' as const)]);
    if (answer === 'ok') return candidate;
  }
  throw new Error('no tab was accepted in 50 attempts');
}

function closedWith(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

function engineOver(socket: WebSocket): EngineApi {
  const channel: RpcChannel = {
    post: (d) => socket.send(d as string),
    on: (l) => void socket.on('message', (d) => l(d.toString())),
    serialize: (d) => JSON.stringify(d),
    deserialize: (d) => JSON.parse(d as string),
    onClose: (l) => void socket.on('close', l),
  };
  const renderer = rendererStub();
  return createPeer<RendererApi, EngineApi>(renderer, channel);
}

describe('browser-mode server', () => {
  let dir: string;
  let engine: Engine;
  let server: WebServer;
  const attached: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'heron-web-'));
    const staticDir = path.join(dir, 'static');
    await mkdir(path.join(staticDir, 'assets'), { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Heron</title>');
    await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the bundle');
    await symlink(path.join(dir, 'secret.txt'), path.join(staticDir, 'link.txt'));
    const real = createEngine({ profileDir: path.join(dir, 'profile'), mode: 'browser', secrets: createBrowserSecretStore(path.join(dir, 'profile')), version: '9.9.9' });
    // Records attach/detach so the test can see the engine learn when no tab is connected.
    engine = {
      ...real,
      attachRenderer(renderer) {
        attached.push('attach');
        const detach = real.attachRenderer(renderer);
        return () => (attached.push('detach'), detach());
      },
    };
    server = await startWebServer({ engine, staticDir, port: 0 });
  });
  after(async () => {
    await server.close();
    await engine.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints an address on 127.0.0.1 with the token', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
    assert.ok(server.token.length >= 40);
  });

  it('answers 403 without the token or with a wrong one', async () => {
    assert.equal((await get(server.port, '/')).status, 403);
    assert.equal((await get(server.port, '/?token=wrong')).status, 403);
    assert.equal((await get(server.port, '/assets/app.js')).status, 403);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    assert.equal((await get(server.port, `/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status, 403);
  });

  it('serves the page with the token, sets the token cookie and a strict CSP', async () => {
    const page = await get(server.port, `/?token=${server.token}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Heron<\/title>/);
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(directive), directive);
    assert.ok(!csp.includes('unsafe-eval'));
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const cookie = String(page.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const asset = await get(server.port, '/assets/app.js', { Cookie: cookie.split(';')[0] ?? '' });
    assert.equal(asset.status, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
  });

  it('never serves a file outside the bundle', async () => {
    for (const probe of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/link.txt', '/assets/..%5c..%5csecret.txt', '/%00index.html']) {
      const reply = await get(server.port, `${probe}${probe.includes('?') ? '&' : '?'}token=${server.token}`);
      assert.notEqual(reply.status, 200, probe);
      assert.ok(!reply.body.includes('outside the bundle'), probe);
    }
  });

  it('refuses a WebSocket without the token or from another Origin', async () => {
    await assert.rejects(openTab(server.port), /HTTP 403/);
    await assert.rejects(openTab(server.port, { token: server.token, origin: 'http://evil.example' }), /HTTP 403/);
  });

  it('lets one tab hold the store; a second is told why; the engine pauses with none and resumes with one', async () => {
    attached.length = 0;
    const first = await openAcceptedTab(server.port, server.token);
    assert.equal((await engineOver(first).getAppInfo()).version, '9.9.9');
    const second = await openTab(server.port, { token: server.token });
    assert.equal(await closedWith(second), WS_CLOSE.otherTabActive);
    const firstClosed = closedWith(first);
    first.close();
    await firstClosed;
    const third = await openAcceptedTab(server.port, server.token);
    assert.deepEqual(attached, ['attach', 'detach', 'attach']);
    const thirdClosed = closedWith(third);
    third.close();
    await thirdClosed;
  });

  it('round-trips an engine error as data over the real WebSocket', async () => {
    const tab = await openAcceptedTab(server.port, server.token);
    await assert.rejects(engineOver(tab).removeAccount('no-such-account'), (e: unknown) => e instanceof HeronError && e.code === 'not-found');
    tab.close();
  });

  it('says clearly when the fixed port is busy, never moving to another', async () => {
    await assert.rejects(
      startWebServer({ engine, staticDir: dir, port: server.port }),
      (e: unknown) => e instanceof HeronError && e.message.includes(`Port ${server.port}`) && e.message.includes('already in use'),
    );
  });
});

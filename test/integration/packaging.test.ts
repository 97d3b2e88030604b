// The packaging stage, offline: electron-vite build, then electron-builder --dir with a placeholder Electron
// (no binary can be downloaded here). Checks what goes into app.asar and that the fuses get flipped. Then the
// built renderer runs in Debian's Chromium with Electron simulated around it: served by the app protocol
// handler with the app CSP, talking to the real engine through a window.heron bridge and bindEngineIpc.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { chromium } from '@playwright/test';
import type { IpcMain, WebContents } from 'electron';
import { IPC_CHANNEL, type EngineApi } from '../../shared/contract';
import { createAppProtocolHandler } from '../../src-main/electron/app-protocol';
import { APP_CSP } from '../../src-main/electron/csp';
import { bindEngineIpc } from '../../src-main/electron/ipc';
import { createEngine } from '../../src-main/engine/engine';
import { createEncryptedSecretStore } from '../../src-main/engine/secrets';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_TIMEOUT_MS = 180_000;
const PACKAGE_TIMEOUT_MS = 240_000;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @electron/fuses' marker; the placeholder carries it so electron-builder can flip the fuses offline. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_ENABLE = 0x31;
const FUSE_DISABLE = 0x30;
/** A stock Electron's fuse wire (v1, 8 fuses): RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
 * asar integrity off, only-asar off, browser V8 snapshot off, file:// privileges on. */
const STOCK_FUSES = [FUSE_ENABLE, FUSE_DISABLE, FUSE_ENABLE, FUSE_ENABLE, FUSE_DISABLE, FUSE_DISABLE, FUSE_DISABLE, FUSE_ENABLE];

interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a Node CLI with a hard timeout; output is kept for the assertion message. */
function runNode(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

// Always build first: the checks are about what this source tree produces.
before(async () => {
  const build = await runNode([path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], BUILD_TIMEOUT_MS);
  assert.equal(build.code, 0, `electron-vite build failed:\n${build.output}`);
  console.log(`electron-vite build: ${build.ms} ms`);
}, { timeout: BUILD_TIMEOUT_MS + 10_000 });

describe('packaging (electron-builder --dir, offline)', { timeout: PACKAGE_TIMEOUT_MS + 30_000 }, () => {
  let temp: string;
  let appDir: string;
  let entries: Set<string>;

  before(async () => {
    temp = mkdtempSync(path.join(os.tmpdir(), 'heron-packaging-'));

    // A placeholder Electron: an executable named `electron` that carries a stock fuse wire.
    const electronDist = path.join(temp, 'electron-dist');
    mkdirSync(electronDist);
    const placeholder = Buffer.concat([
      Buffer.from('#!/bin/sh\necho "placeholder Electron: the real binary cannot be downloaded here" >&2\nexit 1\n'),
      Buffer.from(FUSE_SENTINEL, 'latin1'),
      Buffer.from([1, STOCK_FUSES.length, ...STOCK_FUSES]),
      Buffer.from('\n'),
    ]);
    writeFileSync(path.join(electronDist, 'electron'), placeholder);
    chmodSync(path.join(electronDist, 'electron'), 0o755);

    const outDir = path.join(temp, 'dist');
    const pack = await runNode(
      [
        path.join(root, 'node_modules/electron-builder/cli.js'),
        '--linux',
        '--dir',
        '--publish',
        'never',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${outDir}`,
      ],
      PACKAGE_TIMEOUT_MS,
      { CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_OFFLINE: 'true' },
    );
    assert.equal(pack.code, 0, `electron-builder --dir failed:\n${pack.output}`);
    console.log(`electron-builder --linux --dir: ${pack.ms} ms`);

    appDir = path.join(outDir, 'linux-unpacked');
    const asar = path.join(appDir, 'resources', 'app.asar');
    assert.ok(existsSync(asar), `no app.asar in ${appDir}:\n${pack.output}`);
    entries = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/')));
  });

  after(() => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('packs the built main, preload and renderer, and package.json', () => {
    for (const file of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) {
      assert.ok(entries.has(file), `${file} is not in app.asar`);
    }
    assert.ok(
      [...entries].some((entry) => /^\/out\/renderer\/assets\/[^/]+\.js$/.test(entry)),
      'no renderer JavaScript asset in app.asar',
    );
  });

  it('leaves sources, tests, assets, browser-mode output and source maps out', () => {
    for (const entry of entries) {
      assert.ok(!/^\/(src-main|src-renderer|shared|test|scripts|assets|bench)\//.test(entry), `${entry} should not be packed`);
      assert.ok(!entry.startsWith('/out/web/'), `${entry} (browser-mode build) should not be packed`);
      assert.ok(!entry.endsWith('.map'), `${entry} (source map) should not be packed`);
    }
  });

  it('packs the runtime dependencies', () => {
    for (const name of ['imapflow', 'nodemailer', 'mailparser', 'ws', 'birpc']) {
      assert.ok(entries.has(`/node_modules/${name}/package.json`), `${name} is missing from app.asar`);
    }
  });

  it('packs no development-only package (react, dexie, electron, ...)', () => {
    for (const name of ['react', 'react-dom', 'dexie', 'dexie-react-hooks', 'dompurify', 'electron', 'vite', 'typescript', 'electron-builder', '@playwright/test']) {
      assert.ok(!entries.has(`/node_modules/${name}/package.json`), `${name} must not be packed`);
    }
    // Every packed top-level package must be a production package according to the lockfile. electron-builder
    // hoists a production package's nested dependency (mailauth's own commander) to the top of app.asar, so the
    // packed name and version are looked up wherever the lockfile has them, not only at the top of node_modules.
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> };
    const asar = path.join(appDir, 'resources', 'app.asar');
    const packed = [...entries]
      .map((entry) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(entry)?.[1])
      .filter((name): name is string => name !== undefined);
    assert.ok(packed.length >= 5);
    const isProduction = (name: string): boolean => {
      const { version } = JSON.parse(extractFile(asar, `node_modules/${name}/package.json`).toString()) as { version: string };
      return Object.entries(lock.packages).some(([where, info]) => (where === `node_modules/${name}` || where.endsWith(`/node_modules/${name}`)) && info.version === version && info.dev !== true);
    };
    const devOnly = packed.filter((name) => !isProduction(name));
    assert.deepEqual(devOnly, [], `development-only packages in app.asar: ${devOnly.join(', ')}`);
  });

  it('names the Linux executable heron and flips the Electron fuses', async () => {
    const executable = path.join(appDir, 'heron');
    assert.ok(existsSync(executable), 'no heron executable in linux-unpacked');
    const wire = await getCurrentFuseWire(executable);
    const state = (option: FuseV1Options) => (wire as Record<number, number>)[option];
    assert.equal(state(FuseV1Options.RunAsNode), FUSE_DISABLE, 'RunAsNode');
    assert.equal(state(FuseV1Options.EnableCookieEncryption), FUSE_ENABLE, 'EnableCookieEncryption');
    assert.equal(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable), FUSE_DISABLE, 'EnableNodeOptionsEnvironmentVariable');
    assert.equal(state(FuseV1Options.EnableNodeCliInspectArguments), FUSE_DISABLE, 'EnableNodeCliInspectArguments');
    assert.equal(state(FuseV1Options.OnlyLoadAppFromAsar), FUSE_ENABLE, 'OnlyLoadAppFromAsar');
    assert.equal(state(FuseV1Options.GrantFileProtocolExtraPrivileges), FUSE_DISABLE, 'GrantFileProtocolExtraPrivileges');
  });
});

describe('the built renderer with Electron simulated around it', { timeout: 90_000 }, () => {
  it('loads under the app CSP and reaches the engine only through window.heron and bindEngineIpc', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed`);
      return;
    }
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'heron-desktop-sim-'));
    const engine = createEngine({
      profileDir,
      mode: 'desktop',
      version: '0.0.0-sim',
      secrets: createEncryptedSecretStore(profileDir, { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' }),
    });
    const called: string[] = [];
    const api = new Proxy(engine.api, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          called.push(prop);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as EngineApi;

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const problems: string[] = [];
    const logs: string[] = [];
    let posted = 0;
    let delivered = 0;
    const dispose = { current: () => {} };
    try {
      const page = await browser.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.text().startsWith('CSP-VIOLATION')) problems.push(message.text());
      });

      // What Electron would do: ipcMain + the window's webContents, with the sender being the app's main frame.
      const ipcMain = new EventEmitter();
      const contents = Object.assign(new EventEmitter(), {
        isDestroyed: () => page.isClosed(),
        send(channel: string, data: unknown) {
          assert.equal(channel, IPC_CHANNEL);
          delivered++;
          page.evaluate(`window.__heronDeliver(${JSON.stringify(data)})`).catch(() => undefined);
        },
      });
      await page.exposeBinding('__heronPost', (_source, data: unknown) => {
        posted++;
        ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: { url: 'app://heron/index.html', parent: null } }, data);
      });
      // What the preload would expose (post/on, payload only), plus a CSP violation reporter.
      await page.addInitScript({
        content: `
          const listeners = new Set();
          window.__heronDeliver = (data) => listeners.forEach((listener) => listener(data));
          window.heron = Object.freeze({
            post: (data) => window.__heronPost(data),
            on: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
          });
          document.addEventListener('securitypolicyviolation', (e) => console.log('CSP-VIOLATION', e.violatedDirective, e.blockedURI));
        `,
      });
      dispose.current = bindEngineIpc({
        ipcMain: ipcMain as unknown as IpcMain,
        webContents: contents as unknown as WebContents,
        engine: { api, attachRenderer: (renderer) => engine.attachRenderer(renderer) },
        log: (message) => logs.push(message),
      });

      // The page's origin stands in for app://heron ('self' means the same thing); files come from the handler.
      const serve = createAppProtocolHandler({ bundleRoot: path.join(root, 'out', 'renderer') });
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        if (!url.startsWith('https://heron.test/')) {
          problems.push(`request outside the app: ${url}`);
          return route.abort();
        }
        const response = await serve(new Request(url.replace('https://heron.test/', 'app://heron/')));
        const headers: Record<string, string> = {};
        response.headers.forEach((value, key) => (headers[key] = value));
        return route.fulfill({ status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) });
      });

      await page.goto('https://heron.test/index.html');
      const deadline = Date.now() + 20_000;
      while (!called.includes('getAppInfo') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 500));

      assert.ok(called.includes('getAppInfo'), `the renderer never asked the engine (posted ${posted}, problems: ${problems.join('; ')})`);
      assert.ok(posted > 0 && delivered > 0, `posted ${posted}, delivered ${delivered}`);
      assert.deepEqual(logs, [], 'bindEngineIpc dropped messages');
      assert.deepEqual(problems, []);
    } finally {
      dispose.current();
      await browser.close();
      await engine.shutdown();
      rmSync(profileDir, { recursive: true, force: true });
    }
  });
});

describe('the app CSP in Chromium (why frame-src and style-src are what they are)', { timeout: 60_000 }, () => {
  it('lets a sandboxed srcdoc message frame load and keep its inline styles, and blocks its remote images', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed`);
      return;
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const remoteHits: string[] = [];
    try {
      const page = await browser.newPage();
      const message =
        `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
        `<style>#p{display:block;width:77px}</style></head><body><p id="p" style="height:33px">Hello</p>` +
        `<img src="https://remote.test/pixel.png"></body></html>`;
      const script = `
        const own = document.createElement('div');
        own.style.width = '13px'; // React's style prop goes through CSSOM like this
        own.id = 'own';
        document.body.append(own);
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', '');
        frame.srcdoc = ${JSON.stringify(message)};
        document.body.append(frame);
      `;
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url === 'https://heron.test/index.html') {
          return route.fulfill({ status: 200, contentType: 'text/html', headers: { 'content-security-policy': APP_CSP }, body: '<!doctype html><body><script src="/app.js"></script></body>' });
        }
        if (url === 'https://heron.test/app.js') {
          return route.fulfill({ status: 200, contentType: 'text/javascript', headers: { 'content-security-policy': APP_CSP }, body: script });
        }
        remoteHits.push(url);
        return route.abort();
      });
      await page.goto('https://heron.test/index.html');
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      assert.ok(frame, 'the srcdoc frame did not load under frame-src');
      await frame.waitForSelector('#p');
      const styles = await frame.evaluate(() => {
        const p = document.getElementById('p');
        return p ? { width: getComputedStyle(p).width, height: getComputedStyle(p).height, url: location.href } : null;
      });
      assert.deepEqual(styles, { width: '77px', height: '33px', url: 'about:srcdoc' }, 'the message lost its inline styles');
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('own') as Element).width), '13px');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(remoteHits, [], 'the message frame fetched a remote resource');
    } finally {
      await browser.close();
    }
  });
});

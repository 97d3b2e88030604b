// security.md's shell checklist (A1, A3-A11, A13) asserted against the shell as it is wired: main.ts itself runs here
// with Electron's modules injected (test/support/fake-electron.ts), so a handler left out of main.ts fails, not just a
// helper's own unit test. The figures (items, cases, failures) go into SECURITY.md through recordSecurityFigures.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import type { WebPreferences } from 'electron';
import { IPC_CHANNEL, type EngineApi, type RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { createPeer } from '../../shared/rpc';
import { APP_ENTRY_URL } from '../../src-main/electron/app-origin';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from '../../src-main/electron/app-protocol';
import { APP_CSP, parseCsp } from '../../src-main/electron/csp';
import type { FrameLike, SenderVerdict } from '../../src-main/electron/ipc';
import { DICTIONARY_DOWNLOAD_URL } from '../../src-main/electron/spellcheck';
import { HARDENED_WEB_PREFERENCES } from '../../src-main/electron/web-preferences';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';
import { app, BrowserWindow, dialog, FakeSession, FakeWebContents, ipcMain, Menu, protocol, safeStorage, session, shell, timeline } from '../support/fake-electron';

// ---- Type level (checked by `tsc -p tsconfig.test.json`): loosening a preference to `boolean` fails to compile. ----

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type HardenedPreferencesAreLiterals = Expect<
  Equal<
    typeof HARDENED_WEB_PREFERENCES,
    {
      readonly contextIsolation: true;
      readonly sandbox: true;
      readonly nodeIntegration: false;
      readonly nodeIntegrationInWorker: false;
      readonly nodeIntegrationInSubFrames: false;
      readonly webSecurity: true;
      readonly allowRunningInsecureContent: false;
      readonly experimentalFeatures: false;
      readonly webviewTag: false;
      readonly spellcheck: true;
    }
  >
>;
export type NoBlinkFeaturesOrPartition = Expect<
  Equal<Extract<keyof typeof HARDENED_WEB_PREFERENCES, 'enableBlinkFeatures' | 'partition' | 'additionalArguments' | 'preload'>, never>
>;
export type HardenedPreferencesAreWebPreferences = Expect<typeof HARDENED_WEB_PREFERENCES extends WebPreferences ? true : false>;
export type SchemeHasNoBypass = Expect<
  Equal<Extract<keyof typeof APP_SCHEME_PRIVILEGES, 'bypassCSP' | 'corsEnabled' | 'allowServiceWorkers' | 'stream'>, never>
>;

// ---- main.ts, booted against the fake Electron. ----

const FAKE_ELECTRON = new URL('../support/fake-electron.ts', import.meta.url).href;
/** Resolves the bare 'electron' specifier to the fake, in this test process only (node --test runs each file alone). */
const HOOKS = `let fake;
export function initialize(data) { fake = data.fake; }
export function resolve(specifier, context, next) {
  return specifier === 'electron' ? { url: fake, shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { fake: FAKE_ELECTRON } });

const profileDir = mkdtempSync(path.join(os.tmpdir(), 'heron-checklist-'));
process.env.HERON_DATA_DIR = profileDir;
const warnings = mock.method(console, 'warn', () => undefined);
const beforeReady = [...timeline];
await import('../../src-main/electron/main');
const bootTimeline = [...timeline];
app.becomeReady();
const window = await BrowserWindow.first;

/** Lets queued promise callbacks (the dialog, openExternal) run; no clock involved. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
const logged = () => warnings.mock.calls.map((call) => String(call.arguments[0]));

// ---- Figures: every case is tagged with its checklist item. ----

const ITEMS = {
  A1: 'Every window gets the hardened web preferences, with the sandbox on before ready',
  A3: 'The preload is the one bundled, sandboxed CommonJS script',
  A4: 'The shell page is served with the strict Content-Security-Policy',
  A5: 'The app comes from app://heron only (no file://, no other scheme handler)',
  A6: 'Navigation away from the app is stopped on every webContents',
  A7: 'No new windows, no webviews',
  A8: 'Links reach shell.openExternal only through the http(s) allowlist',
  A9: 'IPC is accepted only from the app window main frame on the app origin',
  A10: 'Every permission is refused in every session',
  A11: 'Packaging flips the Electron fuses',
  A13: 'Passwords are encrypted only with a real OS key store',
  spellcheck: 'Spellchecker dictionaries are never downloaded from the network',
  menu: 'No developer tools in a packaged build',
} as const;
type ItemId = keyof typeof ITEMS;
const tally = new Map<ItemId, { cases: number; failed: number }>();

/** One case of one checklist item: counted, and counted as failed when it throws. */
function check(id: ItemId, name: string, body: () => void | Promise<void>): void {
  it(`${id}: ${name}`, async () => {
    const counts = tally.get(id) ?? { cases: 0, failed: 0 };
    tally.set(id, counts);
    counts.cases++;
    try {
      await body();
    } catch (error) {
      counts.failed++;
      throw error;
    }
  });
}

after(async () => {
  // Quitting lets main.ts shut the engine down, as Heron does on exit.
  app.emit('before-quit', { preventDefault: () => undefined });
  await app.quitted;
  rmSync(profileDir, { recursive: true, force: true });
  const figures: SecurityFigure[] = (Object.keys(ITEMS) as ItemId[]).map((id) => {
    const counts = tally.get(id) ?? { cases: 0, failed: 0 };
    return {
      area: 'hardening',
      name: `${id}: ${ITEMS[id]}`,
      tried: counts.cases,
      bad: counts.failed,
      outcome: counts.cases === 0 ? 'not asserted' : counts.failed === 0 ? 'held in every case' : `${counts.failed} case(s) failed`,
    };
  });
  await recordSecurityFigures('electron-checklist', figures);
});

// ---- A renderer peer speaking to the engine the way the preload would. ----

const MAIN_FRAME: FrameLike = { url: APP_ENTRY_URL, parent: null, detached: false };
let toEngine: (data: unknown) => void = () => undefined;
const rendererApi: RendererApi = {
  getSyncCursor: async () => null,
  getFolderUids: async () => [],
  putBodies: async () => undefined,
  bodiesMissing: async (_account, _folder, uids) => uids,
  pendingChanges: async () => [],
  completeChange: async () => undefined,
  outboxWork: async () => ({ due: [], toFile: [], nextAttemptAt: null }),
  claimOutgoing: async () => null,
  recordSend: async () => undefined,
  popMessages: async () => [],
  allocateUids: async () => 1,
  messageSource: async () => null,
  applyBatch: async () => {
    throw new Error('not used');
  },
  engineEvent: () => undefined,
};
let lastRequest: unknown = null;
const engine = createPeer<RendererApi, EngineApi>(
  rendererApi,
  {
    post(data) {
      lastRequest = structuredClone(data);
      ipcMain.emit(IPC_CHANNEL, { sender: window.webContents, senderFrame: MAIN_FRAME }, structuredClone(data));
    },
    on(listener) {
      toEngine = listener;
    },
  },
  { eventNames: [] },
);
window.webContents.toRenderer = (data) => toEngine(data);

describe('A1 web preferences of the window main.ts opens', () => {
  const prefs = window.options.webPreferences as Record<string, unknown>;
  const expected: [string, unknown][] = [
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['enableBlinkFeatures', undefined],
    ['additionalArguments', undefined],
    ['partition', undefined],
  ];
  for (const [name, value] of expected) {
    check('A1', `webPreferences.${name} is ${String(value)}`, () => assert.equal(prefs[name], value));
  }
  check('A1', 'webPreferences hold nothing but the hardened set and the preload', () => {
    assert.deepEqual(Object.keys(prefs).sort(), [...Object.keys(HARDENED_WEB_PREFERENCES), 'preload'].sort());
  });
  check('A1', 'app.enableSandbox() runs at load, before ready', () => {
    assert.deepEqual(beforeReady, []);
    assert.equal(bootTimeline[0], 'app.enableSandbox');
    assert.ok(timeline.indexOf('app.enableSandbox') < timeline.indexOf('ready'));
  });
  check('A1', 'exactly one window is opened, hidden until ready-to-show', () => {
    assert.equal(BrowserWindow.created.length, 1);
    assert.equal(window.options.show, false);
  });
});

describe('A3 preload', () => {
  check('A3', 'the preload is the bundled CommonJS preload, an absolute path', () => {
    const preload = String((window.options.webPreferences as Record<string, unknown>).preload);
    assert.ok(path.isAbsolute(preload));
    assert.equal(path.basename(preload), 'index.cjs');
    assert.equal(path.basename(path.dirname(preload)), 'preload');
  });
});

describe('A4 the shell page and its Content-Security-Policy', () => {
  const serve = () => {
    const handler = protocol.handlers.get('app');
    assert.ok(handler, 'main.ts registered no app:// handler');
    return handler;
  };
  const expected: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', 'http:', 'https:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
    ['frame-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  let policy: Map<string, string[]>;
  before(async () => {
    const response = await serve()(new Request(APP_ENTRY_URL));
    policy = parseCsp(response.headers.get('content-security-policy') ?? '');
  });
  for (const [directive, sources] of expected) {
    check('A4', `the page's ${directive} is ${sources.join(' ')}`, () => assert.deepEqual(policy.get(directive), sources));
  }
  check('A4', 'the page policy has no other directive, no eval and no inline script', () => {
    assert.deepEqual([...policy.keys()].sort(), expected.map(([directive]) => directive).sort());
    assert.ok(![...policy.values()].flat().some((source) => /unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic|\*/.test(source)));
  });
  check('A4', 'every response carries the policy, a missing file too', async () => {
    for (const url of [APP_ENTRY_URL, 'app://heron/missing.js', 'app://heron/%2e%2e/package.json']) {
      assert.equal((await serve()(new Request(url))).headers.get('content-security-policy'), APP_CSP, url);
    }
  });
  check('A4', 'the shell page (src-renderer/index.html) is served under the policy and needs nothing it forbids', async () => {
    const bundleRoot = new URL('../../src-renderer/', import.meta.url).pathname;
    const response = await createAppProtocolHandler({ bundleRoot })(new Request(APP_ENTRY_URL));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), APP_CSP);
    const html = await response.text();
    // script-src 'self': every script is an external file on the app origin, none inline.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes ?? '', /\bsrc="\.?\/[^"/:][^":]*"/, 'a script without a relative src');
      assert.equal(body?.trim(), '', 'an inline script');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'an inline event handler');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'a resource from another origin');
    assert.doesNotMatch(html, /http-equiv="content-security-policy"/i, 'a second, meta policy');
  });
});

describe('A5 the app scheme', () => {
  check('A5', 'app:// is registered as privileged before ready, with exactly the reviewed privileges', () => {
    assert.ok(timeline.indexOf('protocol.registerSchemesAsPrivileged') < timeline.indexOf('ready'));
    assert.deepEqual(protocol.privileged, [{ scheme: 'app', privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  });
  check('A5', 'only app:// gets a handler (file: is never intercepted or served)', () => {
    assert.deepEqual([...protocol.handlers.keys()], ['app']);
  });
  check('A5', 'the window loads the app entry and nothing else', () => assert.deepEqual(window.loadedUrls, [APP_ENTRY_URL]));
  check('A5', 'the shell never loads a file: URL (no loadFile, no file:// in src-main/electron)', () => {
    const dir = new URL('../../src-main/electron/', import.meta.url);
    for (const name of readdirSync(dir)) {
      const source = readFileSync(new URL(name, dir), 'utf8');
      assert.doesNotMatch(source, /\bloadFile\(/, name);
      assert.doesNotMatch(source, /['"`]file:\/\//, name);
    }
  });
  check('A5', "the profile is the shell's userData (Chromium storage next to Heron's own)", () => {
    assert.equal(app.paths.get('userData'), profileDir);
  });
});

/** A navigation event as Electron passes it: preventDefault() is what the guard must call. */
function navigation(url: string, isMainFrame = true) {
  const event = { url, isMainFrame, prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
}

describe('A6 navigation, on the window and on any other webContents', () => {
  const other = new FakeWebContents(session.defaultSession);
  before(() => void app.emit('web-contents-created', {}, other));
  const away = ['https://evil.test/', 'http://127.0.0.1:4517/', 'file:///etc/passwd', 'app://other/', 'app://heron.evil/', 'javascript:alert(1)', 'data:text/html,x', 'about:blank', 'chrome://settings', 'devtools://devtools/'];
  const home = [APP_ENTRY_URL, 'app://heron/', 'app://heron/index.html#/inbox'];
  for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
    for (const [name, contents] of [['the window', window.webContents], ['another webContents', other]] as const) {
      check('A6', `${event} on ${name} stops a main frame leaving the app`, () => {
        assert.equal(contents.listenerCount(event), 1);
        for (const url of away) {
          const attempt = navigation(url);
          contents.emit(event, attempt);
          assert.equal(attempt.prevented, true, url);
        }
      });
      check('A6', `${event} on ${name} lets the app move within itself`, () => {
        for (const url of home) {
          const attempt = navigation(url);
          contents.emit(event, attempt);
          assert.equal(attempt.prevented, false, url);
        }
      });
    }
  }
  check('A6', 'a subframe (the message view) may hold only its srcdoc document', () => {
    for (const [url, allowed] of [['about:srcdoc', true], ['https://evil.test/', false], [APP_ENTRY_URL, false], ['data:text/html,x', false]] as const) {
      const attempt = navigation(url, false);
      window.webContents.emit('will-frame-navigate', attempt);
      assert.equal(attempt.prevented, !allowed, url);
    }
  });
});

describe('A7 new windows and webviews', () => {
  check('A7', 'will-attach-webview is refused on the window', () => {
    const attempt = navigation('app://heron/');
    window.webContents.emit('will-attach-webview', attempt);
    assert.equal(attempt.prevented, true);
  });
  check('A7', 'window.open / target=_blank never opens a window, whatever the URL', async () => {
    const handler = window.webContents.windowOpenHandler;
    assert.ok(handler);
    for (const url of ['https://example.com/', 'app://heron/index.html', 'about:blank', 'javascript:alert(1)', 'file:///etc/passwd', '']) {
      assert.deepEqual(handler({ url }), { action: 'deny' }, url);
    }
    await settle();
    assert.equal(BrowserWindow.created.length, 1);
  });
});

describe('A8 links to the system browser (shell.openExternal spied)', () => {
  const openRequest = (url: string, text: string) => `app://heron/open?${new URLSearchParams({ url, text }).toString()}`;
  type Expected = 'opened' | 'asked' | 'refused';
  const table: [url: string, expected: Expected, opensAs?: string][] = [
    ['https://example.com/x', 'opened', 'https://example.com/x'],
    ['HTTP://Example.com', 'opened', 'http://example.com/'],
    [openRequest('https://Bank.example/a', 'bank.example'), 'opened', 'https://bank.example/a'],
    [openRequest('https://login.evil.test/x', 'https://www.bank.example/'), 'asked'],
    ['http://192.168.0.1/', 'asked'],
    ['https://аррle.example/', 'asked'],
    ['file:///etc/passwd', 'refused'],
    ['file://host/share/x.exe', 'refused'],
    ['smb://host/share', 'refused'],
    ['ftp://example.com/x', 'refused'],
    ['javascript:alert(1)', 'refused'],
    ['java\nscript:alert(1)', 'refused'],
    ['data:text/html,<script>alert(1)</script>', 'refused'],
    ['vbscript:msgbox(1)', 'refused'],
    ['ms-msdt:/id PCWDiagnostic', 'refused'],
    ['search-ms:query=x&crumb=location:\\\\evil\\share', 'refused'],
    ['\\\\host\\share\\x.exe', 'refused'],
    ['mailto:a@b.example', 'refused'],
    ['app://heron/index.html', 'refused'],
    ['https://user:pass@example.com/', 'refused'],
    ['https://example.com@evil.test/', 'refused'],
    ['about:blank', 'refused'],
    [openRequest('file:///etc/passwd', 'https://bank.example'), 'refused'],
    [openRequest('javascript:alert(1)', 'Click'), 'refused'],
    [`app://heron.evil/open?${new URLSearchParams({ url: 'https://bank.example/', text: 'x' }).toString()}`, 'refused'],
  ];
  for (const [url, expected, opensAs] of table) {
    check('A8', `${JSON.stringify(url.slice(0, 70))} is ${expected}`, async () => {
      const handler = window.webContents.windowOpenHandler;
      assert.ok(handler);
      const opened = shell.opened.length;
      const asked = dialog.asked.length;
      dialog.answer = 0; // "Cancel": an asked link stays closed
      assert.deepEqual(handler({ url }), { action: 'deny' });
      await settle();
      assert.deepEqual(shell.opened.slice(opened), expected === 'opened' ? [opensAs] : []);
      assert.equal(dialog.asked.length - asked, expected === 'asked' ? 1 : 0);
    });
  }
  check('A8', 'an asked link opens only on the explicit Open answer', async () => {
    const handler = window.webContents.windowOpenHandler;
    assert.ok(handler);
    dialog.answer = 1;
    const opened = shell.opened.length;
    handler({ url: openRequest('https://login.evil.test/x', 'https://www.bank.example/') });
    await settle();
    dialog.answer = 0;
    assert.deepEqual(shell.opened.slice(opened), ['https://login.evil.test/x']);
  });
  check('A8', "the engine's openExternal (the renderer's way out) refuses what the allowlist refuses", async () => {
    const opened = shell.opened.length;
    for (const url of ['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'https://u:p@example.com/']) {
      await assert.rejects(engine.openExternal(url), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input', url);
    }
    await engine.openExternal('https://example.com/help');
    assert.deepEqual(shell.opened.slice(opened), ['https://example.com/help']);
  });
});

describe('A9 IPC senders', () => {
  check('A9', 'main.ts listens on one IPC channel, through the guarded binding, and registers no handle()', () => {
    assert.deepEqual(ipcMain.eventNames(), [IPC_CHANNEL]);
    assert.equal(ipcMain.listenerCount(IPC_CHANNEL), 1);
    assert.deepEqual(ipcMain.handled, []);
  });
  check('A9', 'the app window main frame reaches the engine', async () => {
    assert.equal((await engine.getAppInfo()).mode, 'desktop');
  });
  const untrusted: [string, unknown, FrameLike | null, SenderVerdict][] = [
    ['a subframe on the app origin', null, { url: APP_ENTRY_URL, parent: MAIN_FRAME }, 'subframe'],
    ['the message frame (about:srcdoc)', null, { url: 'about:srcdoc', parent: MAIN_FRAME }, 'subframe'],
    ['about:srcdoc as a main frame', null, { url: 'about:srcdoc', parent: null }, 'foreign-origin'],
    ['a foreign origin', null, { url: 'https://evil.test/', parent: null }, 'foreign-origin'],
    ['a file: page', null, { url: 'file:///tmp/x.html', parent: null }, 'foreign-origin'],
    ['a look-alike app host', null, { url: 'app://heron.evil/', parent: null }, 'foreign-origin'],
    ['another webContents', new FakeWebContents(session.defaultSession), MAIN_FRAME, 'other-webcontents'],
    ['a frame that is gone', null, null, 'no-frame'],
    ['a detached frame', null, { ...MAIN_FRAME, detached: true }, 'detached-frame'],
  ];
  for (const [name, sender, senderFrame, verdict] of untrusted) {
    check('A9', `a request from ${name} is dropped (${verdict})`, async () => {
      await engine.getAppInfo();
      // birpc's wire format: a request carries its id in `i`, and so does the reply to it.
      const request = lastRequest as { i: string };
      const sent = window.webContents.sent.length;
      const warned = logged().length;
      ipcMain.emit(IPC_CHANNEL, { sender: sender ?? window.webContents, senderFrame }, request);
      assert.match(logged().slice(warned).join('\n'), new RegExp(`dropped an IPC message \\(${verdict}\\)`));
      // A trusted call made after it is answered after it too: had the dropped one reached the engine, its reply would be here.
      await engine.getAppInfo();
      const replies = window.webContents.sent.slice(sent).map(({ data }) => (data as { i?: string }).i);
      assert.ok(!replies.includes(request.i), 'the engine answered the dropped request');
    });
  }
});

describe('A10 permissions', () => {
  const partition = new FakeSession('persist:other');
  before(() => void app.emit('session-created', partition));
  const permissions = ['notifications', 'media', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'pointerLock', 'hid', 'serial', 'usb', 'unknown'];
  for (const [name, target] of [['the default session', session.defaultSession], ["the window's session", window.webContents.session], ['a session created later', partition]] as const) {
    check('A10', `${name} refuses every permission request, check and device`, () => {
      const { permissionRequestHandler: request, permissionCheckHandler: checkHandler, devicePermissionHandler: device } = target;
      assert.ok(request && checkHandler && device, 'a handler is missing');
      for (const permission of permissions) {
        let granted: boolean | undefined;
        request(window.webContents, permission, (answer) => (granted = answer));
        assert.equal(granted, false, permission);
        assert.equal(checkHandler(window.webContents, permission, 'app://heron'), false, permission);
      }
      assert.equal(device({ deviceType: 'usb', origin: 'app://heron' }), false);
    });
  }
});

describe('A11 Electron fuses in electron-builder.yml', () => {
  /** The `electronFuses:` block, strictly `  name: true|false` lines (comments and blank lines aside). */
  function configuredFuses(): Map<string, boolean> {
    const lines = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8').split('\n');
    const start = lines.indexOf('electronFuses:');
    assert.ok(start >= 0, 'electron-builder.yml has no electronFuses block');
    const fuses = new Map<string, boolean>();
    for (const line of lines.slice(start + 1)) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const match = /^ {2}(\w+): (true|false)$/.exec(line);
      if (!match) break;
      fuses.set(match[1] ?? '', match[2] === 'true');
    }
    return fuses;
  }
  const expected: [string, boolean][] = [
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['onlyLoadAppFromAsar', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['enableCookieEncryption', true],
    ['grantFileProtocolExtraPrivileges', false],
  ];
  for (const [fuse, value] of expected) {
    check('A11', `${fuse} is ${value}`, () => assert.equal(configuredFuses().get(fuse), value));
  }
  check('A11', 'no other fuse is set', () => assert.deepEqual([...configuredFuses().keys()].sort(), expected.map(([fuse]) => fuse).sort()));
});

describe('A13 the secret store main.ts gives the engine', () => {
  check('A13', 'a real key store (gnome_libsecret) encrypts; basic_text and unknown count as none', async () => {
    for (const [backend, encrypts] of [['gnome_libsecret', true], ['kwallet5', true], ['basic_text', false], ['unknown', false]] as const) {
      safeStorage.backend = backend;
      // Asked on every call (the answer changes at ready); the backend names only mean something on Linux.
      assert.equal((await engine.getAppInfo()).canEncryptSecrets, encrypts || process.platform !== 'linux', backend);
    }
    safeStorage.backend = 'gnome_libsecret';
  });
});

describe('spellchecker dictionaries', () => {
  check('spellcheck', 'every session downloads dictionaries from the app origin only', () => {
    for (const target of [session.defaultSession, window.webContents.session]) assert.equal(target.dictionaryDownloadUrl, DICTIONARY_DOWNLOAD_URL);
    const later = new FakeSession('persist:later');
    app.emit('session-created', later);
    assert.equal(later.dictionaryDownloadUrl, DICTIONARY_DOWNLOAD_URL);
    assert.ok(DICTIONARY_DOWNLOAD_URL.startsWith('app://heron/') && DICTIONARY_DOWNLOAD_URL.endsWith('/'));
  });
  check('spellcheck', 'the app protocol has no dictionary to give, so nothing is fetched from anywhere', async () => {
    const handler = protocol.handlers.get('app');
    assert.ok(handler);
    assert.equal((await handler(new Request(`${DICTIONARY_DOWNLOAD_URL}en-US-10-1.bdic`))).status, 404);
  });
});

describe('application menu', () => {
  check('menu', 'a packaged build has no developer tools or force-reload', () => {
    const roles = JSON.stringify(Menu.applied?.template ?? null);
    assert.notEqual(roles, 'null');
    assert.doesNotMatch(roles, /toggleDevTools|forceReload/);
  });
});

// The shell's fixed security settings: web preferences, the app CSP, deny-all permissions, the app origin.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Session } from 'electron';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl } from '../../src-main/electron/app-origin';
import { APP_CSP, CSP_DIRECTIVES, buildCsp, parseCsp } from '../../src-main/electron/csp';
import { denyAllPermissions, denyDevicePermission, denyPermissionCheck, denyPermissionRequest } from '../../src-main/electron/permissions';
import { HARDENED_WEB_PREFERENCES, createWebPreferences } from '../../src-main/electron/web-preferences';

describe('web preferences', () => {
  it('are exactly the hardened set plus the preload path', () => {
    assert.deepEqual(createWebPreferences('/app/out/preload/index.cjs'), {
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: true,
    });
  });

  it('cannot be loosened at run time', () => {
    assert.ok(Object.isFrozen(HARDENED_WEB_PREFERENCES));
    assert.throws(() => {
      (HARDENED_WEB_PREFERENCES as { sandbox: boolean }).sandbox = false;
    }, TypeError);
    assert.equal(createWebPreferences('x').sandbox, true);
  });

  it('never enables blink features or a preload other than the one given', () => {
    const prefs = createWebPreferences('/p.cjs') as Record<string, unknown>;
    assert.equal(prefs.enableBlinkFeatures, undefined);
    assert.equal(prefs.additionalArguments, undefined);
    assert.equal(prefs.preload, '/p.cjs');
  });
});

describe('app Content-Security-Policy', () => {
  const policy = parseCsp(APP_CSP);

  it('has every required directive with the expected sources', () => {
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'self'"]);
    assert.deepEqual(policy.get('connect-src'), ["'self'"]);
    assert.deepEqual(policy.get('object-src'), ["'none'"]);
    assert.deepEqual(policy.get('base-uri'), ["'none'"]);
    assert.deepEqual(policy.get('form-action'), ["'none'"]);
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
    // Message frames inherit this policy: remote images a person chose to see must pass it (the frame's own CSP blocks them before).
    assert.deepEqual(policy.get('img-src'), ["'self'", 'data:', 'blob:', 'http:', 'https:']);
    // Message bodies (srcdoc frames) inherit this policy: their inline styles and data: fonts need these.
    assert.deepEqual(policy.get('style-src'), ["'self'", "'unsafe-inline'"]);
    assert.deepEqual(policy.get('font-src'), ["'self'", 'data:']);
    // srcdoc frames are not subject to frame-src, and the app frames nothing else.
    assert.deepEqual(policy.get('frame-src'), ["'none'"]);
  });

  it('allows no eval, no inline script and no remote origin anywhere but img-src', () => {
    assert.ok(!APP_CSP.includes("'unsafe-eval'"));
    assert.ok(!APP_CSP.includes("'wasm-unsafe-eval'"));
    assert.ok(!policy.get('script-src')?.includes("'unsafe-inline'"));
    for (const [name, sources] of policy) {
      for (const source of sources) {
        if (name !== 'img-src') assert.ok(!/^(https?:|wss?:|\*)/i.test(source), `${name} allows the remote source ${source}`);
        assert.ok(!source.includes('*'), `${name} has a wildcard`);
      }
    }
  });

  it('round-trips through buildCsp/parseCsp', () => {
    assert.equal(buildCsp(CSP_DIRECTIVES), APP_CSP);
    assert.deepEqual([...policy.keys()], Object.keys(CSP_DIRECTIVES));
  });
});

describe('permissions', () => {
  it('denies every permission request', () => {
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'unknown']) {
      let answer: boolean | undefined;
      denyPermissionRequest({}, permission, (granted) => {
        answer = granted;
      });
      assert.equal(answer, false, permission);
    }
  });

  it('denies every permission check and device request', () => {
    assert.equal(denyPermissionCheck(), false);
    assert.equal(denyDevicePermission(), false);
  });

  it('installs the request, check and device handlers on a session', () => {
    const installed: Record<string, unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => (installed.request = h),
      setPermissionCheckHandler: (h: unknown) => (installed.check = h),
      setDevicePermissionHandler: (h: unknown) => (installed.device = h),
    } as unknown as Session;
    denyAllPermissions(session);
    assert.equal(installed.request, denyPermissionRequest);
    assert.equal(installed.check, denyPermissionCheck);
    assert.equal(installed.device, denyDevicePermission);
  });
});

describe('app origin', () => {
  it('is app://heron and the entry page is on it', () => {
    assert.equal(APP_ORIGIN, 'app://heron');
    assert.ok(isAppUrl(APP_ENTRY_URL));
  });

  const cases: [string, boolean][] = [
    ['app://heron/index.html', true],
    ['app://heron/', true],
    ['app://HERON/assets/x.js', true],
    ['app://heron/index.html?x=1#top', true],
    ['app://other/index.html', false],
    ['app://heron.evil.test/', false],
    ['app://heron:8080/', false],
    ['app://user@heron/', false],
    ['app://user:pw@heron/', false],
    ['https://heron/', false],
    ['file:///heron/index.html', false],
    ['about:srcdoc', false],
    ['about:blank', false],
    ['', false],
    ['not a url', false],
  ];
  for (const [url, expected] of cases) {
    it(`${JSON.stringify(url)} is ${expected ? '' : 'not '}the app`, () => assert.equal(isAppUrl(url), expected));
  }
});

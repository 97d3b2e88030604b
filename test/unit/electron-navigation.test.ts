// Navigation and window-open guards (security.md A6, A7).

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { WebContents } from 'electron';
import {
  createNavigationGuard,
  createWindowOpenHandler,
  hardenWebContents,
  isAllowedNavigation,
  type NavigationEventLike,
} from '../../src-main/electron/navigation';

function navigation(url: string, isMainFrame = true): NavigationEventLike & { prevented: boolean } {
  const event = {
    url,
    isMainFrame,
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

describe('navigation guard', () => {
  const guard = createNavigationGuard();

  for (const url of ['https://example.com/', 'http://127.0.0.1:4517/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)', 'data:text/html,x', 'about:blank', 'about:srcdoc', 'chrome://settings', 'devtools://devtools']) {
    it(`prevents the main frame from going to ${url}`, () => {
      const event = navigation(url, true);
      guard(event);
      assert.equal(event.prevented, true);
    });
  }

  for (const url of ['app://heron/index.html', 'app://heron/', 'app://heron/index.html#/inbox']) {
    it(`allows the main frame to stay on ${url}`, () => {
      const event = navigation(url, true);
      guard(event);
      assert.equal(event.prevented, false);
    });
  }

  it('lets a subframe hold only the srcdoc/blank documents of the message view', () => {
    assert.equal(isAllowedNavigation('about:srcdoc', false), true);
    assert.equal(isAllowedNavigation('about:blank', false), true);
    for (const url of ['app://heron/index.html', 'https://evil.test/', 'http://127.0.0.1/', 'file:///x', 'about:blank#x', 'blob:app://heron/1', 'data:text/html,x']) {
      const event = navigation(url, false);
      guard(event);
      assert.equal(event.prevented, true, url);
    }
  });

  it('logs what it blocked', () => {
    const logs: string[] = [];
    createNavigationGuard((m) => logs.push(m))(navigation('https://evil.test/'));
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /evil\.test/);
  });
});

describe('window-open handler', () => {
  it('always denies, and opens only safe URLs externally', async () => {
    const opened: string[] = [];
    const handler = createWindowOpenHandler(async (url) => {
      opened.push(url);
    });
    for (const url of ['https://example.com/a', 'HTTP://Example.com', 'file:///etc/passwd', 'smb://x/y', 'javascript:alert(1)', 'app://heron/index.html', 'about:blank', 'https://u:p@example.com/']) {
      assert.deepEqual(handler({ url }), { action: 'deny' });
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(opened, ['https://example.com/a', 'http://example.com/']);
  });

  it('still denies when opening fails', async () => {
    const logs: string[] = [];
    const handler = createWindowOpenHandler(() => Promise.reject(new Error('no browser')), (m) => logs.push(m));
    assert.deepEqual(handler({ url: 'https://example.com/' }), { action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(logs.join('\n'), /no browser/);
  });
});

describe('hardenWebContents', () => {
  class FakeContents extends EventEmitter {
    windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
      this.windowOpenHandler = handler;
    }
  }

  it('guards will-navigate, will-frame-navigate, will-redirect, webviews and window.open', () => {
    const contents = new FakeContents();
    const opened: string[] = [];
    hardenWebContents(contents as unknown as WebContents, { openExternal: async (url) => void opened.push(url) });

    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      assert.equal(contents.listenerCount(name), 1, name);
      const away = navigation('https://evil.test/');
      contents.emit(name, away);
      assert.equal(away.prevented, true, name);
      const home = navigation('app://heron/index.html');
      contents.emit(name, home);
      assert.equal(home.prevented, false, name);
    }

    const webview = navigation('app://heron/');
    contents.emit('will-attach-webview', webview);
    assert.equal(webview.prevented, true);

    assert.deepEqual(contents.windowOpenHandler?.({ url: 'app://heron/index.html' }), { action: 'deny' });
  });
});

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
import type { LinkQuestion } from '../../src-main/electron/link-request';

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
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const openRequest = (url: string, text: string) => `app://heron/open?${new URLSearchParams({ url, text }).toString()}`;
  const LOOKALIKE = openRequest('https://login.evil.test/x', 'https://www.bank.example/');

  function harness(answer: (question: LinkQuestion) => Promise<boolean>) {
    const opened: string[] = [];
    const asked: LinkQuestion[] = [];
    const logs: string[] = [];
    const handler = createWindowOpenHandler(
      async (url) => void opened.push(url),
      (question) => {
        asked.push(question);
        return answer(question);
      },
      (m) => logs.push(m),
    );
    return { handler, opened, asked, logs };
  }

  it('always denies, and opens only safe URLs externally, without asking', async () => {
    const { handler, opened, asked } = harness(async () => true);
    for (const url of ['https://example.com/a', 'HTTP://Example.com', 'file:///etc/passwd', 'smb://x/y', 'javascript:alert(1)', 'app://heron/index.html', 'about:blank', 'https://u:p@example.com/', 'mailto:a@b.example']) {
      assert.deepEqual(handler({ url }), { action: 'deny' });
    }
    await settle();
    assert.deepEqual(opened, ['https://example.com/a', 'http://example.com/']);
    assert.deepEqual(asked, []);
  });

  it('opens a plain link from a message (an open request) with its checked URL, without asking', async () => {
    const { handler, opened, asked } = harness(async () => true);
    assert.deepEqual(handler({ url: openRequest('https://Bank.example/a', 'bank.example') }), { action: 'deny' });
    await settle();
    assert.deepEqual(opened, ['https://bank.example/a']);
    assert.deepEqual(asked, []);
  });

  it('asks before a look-alike link, and opens nothing when the answer is no', async () => {
    const { handler, opened, asked, logs } = harness(async () => false);
    assert.deepEqual(handler({ url: LOOKALIKE }), { action: 'deny' });
    await settle();
    assert.equal(asked.length, 1);
    assert.match(asked[0]?.detail ?? '', /bank\.example.*login\.evil\.test/s);
    assert.deepEqual(opened, []);
    assert.match(logs.join('\n'), /not confirmed/);
  });

  it('opens the checked URL once the person confirms', async () => {
    const { handler, opened, asked } = harness(async () => true);
    assert.deepEqual(handler({ url: LOOKALIKE }), { action: 'deny' });
    await settle();
    assert.equal(asked.length, 1);
    assert.deepEqual(opened, ['https://login.evil.test/x']);
  });

  it('opens nothing when the question itself fails', async () => {
    const { handler, opened, logs } = harness(() => Promise.reject(new Error('no dialog')));
    assert.deepEqual(handler({ url: LOOKALIKE }), { action: 'deny' });
    await settle();
    assert.deepEqual(opened, []);
    assert.match(logs.join('\n'), /no dialog/);
  });

  it('refuses what an open request carries when it is not a web link, without asking', async () => {
    const { handler, opened, asked, logs } = harness(async () => true);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'mailto:a@b.example', 'app://heron/index.html', 'https://u:p@bank.example/', 'nonsense']) {
      assert.deepEqual(handler({ url: openRequest(url, 'https://bank.example') }), { action: 'deny' });
    }
    await settle();
    assert.deepEqual(opened, []);
    assert.deepEqual(asked, []);
    assert.equal(logs.length, 7);
  });

  it('opens nothing from a request that only looks like one (another host, user info, another path)', async () => {
    const { handler, opened, asked } = harness(async () => true);
    const query = `?${new URLSearchParams({ url: 'https://bank.example/', text: 'bank.example' }).toString()}`;
    for (const url of [`app://heron.evil/open${query}`, `app://user@heron/open${query}`, `app://heron:1/open${query}`, `app://heron/open/${query}`, `app://heron/index.html${query}`]) {
      assert.deepEqual(handler({ url }), { action: 'deny' });
    }
    await settle();
    assert.deepEqual(opened, []);
    assert.deepEqual(asked, []);
  });

  it('still denies when opening fails', async () => {
    const logs: string[] = [];
    const handler = createWindowOpenHandler(() => Promise.reject(new Error('no browser')), async () => true, (m) => logs.push(m));
    assert.deepEqual(handler({ url: 'https://example.com/' }), { action: 'deny' });
    await settle();
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

  it('guards will-navigate, will-frame-navigate, will-redirect, webviews and window.open (asking through its confirm)', async () => {
    const contents = new FakeContents();
    const opened: string[] = [];
    const asked: LinkQuestion[] = [];
    const confirm = async (question: LinkQuestion) => {
      asked.push(question);
      return false;
    };
    hardenWebContents(contents as unknown as WebContents, { openExternal: async (url) => void opened.push(url), confirm });

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
    const lookalike = `app://heron/open?${new URLSearchParams({ url: 'https://evil.test/', text: 'bank.example' }).toString()}`;
    assert.deepEqual(contents.windowOpenHandler?.({ url: lookalike }), { action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(asked.length, 1);
    assert.deepEqual(opened, []);
  });
});

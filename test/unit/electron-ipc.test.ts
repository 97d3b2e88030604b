// The engine's IPC binding: only the app window's main frame on the app origin may talk to the engine (A9).

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { IpcMain, WebContents } from 'electron';
import { IPC_CHANNEL, type EngineApi, type EngineEvent, type RendererApi } from '../../shared/contract';
import { createPeer } from '../../shared/rpc';
import { bindEngineIpc, checkSender, isTrustedSender, type FrameLike } from '../../src-main/electron/ipc';

const appContents = { id: 1 };
const mainFrame: FrameLike = { url: 'app://heron/index.html', parent: null, detached: false };

describe('isTrustedSender', () => {
  it('accepts the main frame of the app window on the app origin', () => {
    assert.equal(isTrustedSender({ sender: appContents, senderFrame: mainFrame }, appContents), true);
    assert.equal(isTrustedSender({ sender: appContents, senderFrame: { url: 'app://heron/#/inbox', parent: null } }, appContents), true);
  });

  const refused: [string, Parameters<typeof checkSender>[0], string][] = [
    ['a subframe (the message iframe)', { sender: appContents, senderFrame: { url: 'app://heron/index.html', parent: mainFrame } }, 'subframe'],
    ['an about:srcdoc subframe', { sender: appContents, senderFrame: { url: 'about:srcdoc', parent: mainFrame } }, 'subframe'],
    ['about:srcdoc as a main frame', { sender: appContents, senderFrame: { url: 'about:srcdoc', parent: null } }, 'foreign-origin'],
    ['about:blank', { sender: appContents, senderFrame: { url: 'about:blank', parent: null } }, 'foreign-origin'],
    ['a foreign origin', { sender: appContents, senderFrame: { url: 'https://evil.test/', parent: null } }, 'foreign-origin'],
    ['a file: page', { sender: appContents, senderFrame: { url: 'file:///tmp/x.html', parent: null } }, 'foreign-origin'],
    ['a look-alike app host', { sender: appContents, senderFrame: { url: 'app://heron.evil/', parent: null } }, 'foreign-origin'],
    ['another webContents', { sender: { id: 2 }, senderFrame: mainFrame }, 'other-webcontents'],
    ['a frame that is gone', { sender: appContents, senderFrame: null }, 'no-frame'],
    ['a detached frame', { sender: appContents, senderFrame: { ...mainFrame, detached: true } }, 'detached-frame'],
  ];
  for (const [why, details, verdict] of refused) {
    it(`refuses ${why}`, () => {
      assert.equal(checkSender(details, appContents), verdict);
      assert.equal(isTrustedSender(details, appContents), false);
    });
  }
});

/** Enough of webContents for the binding: send() goes to the fake renderer, events can be emitted. */
class FakeWebContents extends EventEmitter {
  destroyed = false;
  sent: unknown[] = [];
  toRenderer: ((data: unknown) => void) | null = null;
  send(channel: string, data: unknown) {
    assert.equal(channel, IPC_CHANNEL);
    this.sent.push(data);
    queueMicrotask(() => this.toRenderer?.(structuredClone(data)));
  }
  isDestroyed() {
    return this.destroyed;
  }
}

function setup(options: { timeoutMs?: number } = {}) {
  const ipcMain = new EventEmitter();
  const contents = new FakeWebContents();
  const attached: RendererApi[] = [];
  let detaches = 0;
  const api = {
    async getAppInfo() {
      return { name: 'Heron', version: '0.0.0-test', mode: 'desktop', canEncryptSecrets: true };
    },
  } as unknown as EngineApi;
  const logs: string[] = [];
  const dispose = bindEngineIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    webContents: contents as unknown as WebContents,
    engine: {
      api,
      attachRenderer(renderer) {
        attached.push(renderer);
        return () => {
          detaches++;
        };
      },
    },
    log: (m) => logs.push(m),
    ...options,
  });

  /** A renderer-side peer whose messages arrive at ipcMain as if from `senderFrame`. */
  const renderer = (local: RendererApi, senderFrame: FrameLike | null = mainFrame, sender: unknown = contents) => {
    let listener: ((data: unknown) => void) | null = null;
    contents.toRenderer = (data) => listener?.(data);
    return createPeer<RendererApi, EngineApi>(local, {
      post: (data) => ipcMain.emit(IPC_CHANNEL, { sender, senderFrame }, structuredClone(data)),
      on: (fn) => {
        listener = fn;
      },
    });
  };
  return { ipcMain, contents, attached, detaches: () => detaches, dispose, logs, renderer };
}

const rendererApi = (events: EngineEvent[] = []): RendererApi => ({
  async getSyncCursor() {
    return null;
  },
  getFolderUids: async () => [],
  putBodies: async () => undefined,
  bodiesMissing: async (_a, _f, uids) => uids,
  pendingChanges: async () => [],
  completeChange: async () => undefined,
  outboxWork: async () => ({ due: [], toFile: [], nextAttemptAt: null }),
  claimOutgoing: async () => null,
  recordSend: async () => undefined,
  popMessages: async () => [],
  allocateUids: async () => 1,
  messageSource: async () => null,
  async applyBatch() {
    throw new Error('not used');
  },
  engineEvent(event) {
    events.push(event);
  },
});

describe('bindEngineIpc', () => {
  it('answers a trusted renderer and attaches it to the engine', async () => {
    const t = setup();
    const engine = t.renderer(rendererApi());
    const info = await engine.getAppInfo();
    assert.equal(info.version, '0.0.0-test');
    assert.equal(t.attached.length, 1);
    assert.equal(t.ipcMain.listenerCount(IPC_CHANNEL), 1);
    t.dispose();
  });

  it('lets the engine call and notify the renderer', async () => {
    const t = setup();
    const events: EngineEvent[] = [];
    t.renderer(rendererApi(events));
    const remote = t.attached[0];
    assert.ok(remote);
    assert.equal(await remote.getSyncCursor('a', 'INBOX'), null);
    remote.engineEvent({ type: 'accounts-changed', accounts: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(events, [{ type: 'accounts-changed', accounts: [] }]);
    t.dispose();
  });

  for (const [why, frame, sender] of [
    ['a subframe', { url: 'about:srcdoc', parent: mainFrame }, undefined],
    ['a foreign origin', { url: 'https://evil.test/', parent: null }, undefined],
    ['another webContents', mainFrame, { id: 99 }],
  ] as const) {
    it(`drops and logs messages from ${why}`, async () => {
      const t = setup();
      let calls = 0;
      const engine = t.renderer(rendererApi(), frame, sender ?? t.contents);
      // The request never reaches the engine, so no reply is ever sent.
      const pending = engine.getAppInfo().then(() => calls++, () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(calls, 0);
      assert.equal(t.contents.sent.length, 0);
      assert.equal(t.logs.length, 1);
      assert.match(t.logs[0] ?? '', /dropped an IPC message/);
      t.dispose();
      void pending;
    });
  }

  it('sends nothing to a destroyed webContents', async () => {
    const t = setup();
    t.contents.destroyed = true;
    t.attached[0]?.engineEvent({ type: 'accounts-changed', accounts: [] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(t.contents.sent.length, 0);
    t.dispose();
  });

  it('gives a reloaded page a fresh peer and fails the old pending calls at once', async () => {
    const t = setup();
    // The renderer never answers this call (no renderer peer is listening).
    const pending = t.attached[0]!.getSyncCursor('a', 'INBOX');
    t.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false }); // the initial load
    assert.equal(t.attached.length, 1);
    t.contents.emit('did-finish-load');
    t.contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false }); // a subframe
    t.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true }); // a hash change
    assert.equal(t.attached.length, 1);
    t.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false }); // reload
    assert.equal(t.attached.length, 2);
    assert.equal(t.detaches(), 1);
    await assert.rejects(pending, /reloaded before it answered/);
    const engine = t.renderer(rendererApi());
    assert.equal((await engine.getAppInfo()).name, 'Heron');
    t.dispose();
  });

  it('unbinds when the webContents is destroyed', () => {
    const t = setup();
    t.contents.emit('destroyed');
    assert.equal(t.detaches(), 1);
    assert.equal(t.ipcMain.listenerCount(IPC_CHANNEL), 0);
    t.dispose(); // idempotent
    assert.equal(t.detaches(), 1);
  });
});

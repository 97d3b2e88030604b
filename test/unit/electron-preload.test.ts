// The preload bridge with a fake ipcRenderer: one channel, payload only, working unsubscribe (A2, A3).

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BRIDGE_GLOBAL, isHeronBridge } from '../../shared/bridge';
import { IPC_CHANNEL } from '../../shared/contract';
import { createBridge } from '../../src-main/electron/preload-bridge';

class FakeIpcRenderer extends EventEmitter {
  sent: { channel: string; args: unknown[] }[] = [];
  channelsListened: string[] = [];
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  override on(channel: string, listener: (...args: unknown[]) => void): this {
    this.channelsListened.push(channel);
    return super.on(channel, listener);
  }
}

/** What Electron passes a renderer listener: an event object carrying the raw ipcRenderer. */
const electronEvent = (ipc: FakeIpcRenderer) => ({ sender: ipc, senderId: 0, ports: [] });

describe('preload bridge', () => {
  it('exposes exactly post and on, frozen', () => {
    const bridge = createBridge(new FakeIpcRenderer());
    assert.deepEqual(Object.keys(bridge).sort(), ['on', 'post']);
    assert.ok(Object.isFrozen(bridge));
    assert.ok(isHeronBridge(bridge));
    assert.equal(BRIDGE_GLOBAL, 'heron');
  });

  it('posts on IPC_CHANNEL only, with the payload as the one argument', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    bridge.post({ t: 'q', m: 'getAppInfo', a: [] });
    assert.deepEqual(ipc.sent, [{ channel: IPC_CHANNEL, args: [{ t: 'q', m: 'getAppInfo', a: [] }] }]);
  });

  it('hands the listener only the payload, never the Electron event', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const calls: unknown[][] = [];
    bridge.on((...args: unknown[]) => calls.push(args));
    ipc.emit(IPC_CHANNEL, electronEvent(ipc), { t: 's', i: '1', r: 42 });
    assert.deepEqual(calls, [[{ t: 's', i: '1', r: 42 }]]);
    assert.deepEqual(ipc.channelsListened, [IPC_CHANNEL]);
  });

  it('ignores other channels', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const calls: unknown[] = [];
    bridge.on((data) => calls.push(data));
    ipc.emit('other-channel', electronEvent(ipc), 'nope');
    assert.deepEqual(calls, []);
  });

  it('unsubscribes, and unsubscribing twice is harmless', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = bridge.on((data) => a.push(data));
    bridge.on((data) => b.push(data));
    ipc.emit(IPC_CHANNEL, electronEvent(ipc), 1);
    offA();
    offA();
    ipc.emit(IPC_CHANNEL, electronEvent(ipc), 2);
    assert.deepEqual(a, [1]);
    assert.deepEqual(b, [1, 2]);
    assert.equal(ipc.listenerCount(IPC_CHANNEL), 1);
  });

  it('refuses a listener that is not a function', () => {
    const bridge = createBridge(new FakeIpcRenderer());
    assert.throws(() => bridge.on('x' as unknown as (data: unknown) => void), TypeError);
  });

  it('the preload exposes the bridge under BRIDGE_GLOBAL and nothing else', () => {
    const source = readFileSync(new URL('../../src-main/electron/preload.ts', import.meta.url), 'utf8');
    const exposures = source.match(/exposeInMainWorld\(/g) ?? [];
    assert.equal(exposures.length, 1);
    assert.match(source, /exposeInMainWorld\(BRIDGE_GLOBAL, createBridge\(ipcRenderer\)\)/);
  });
});

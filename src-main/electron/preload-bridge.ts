// The bridge the preload exposes, built from any ipcRenderer-like object so it can be tested without Electron.

import type { HeronBridge } from '../../shared/bridge';
import { IPC_CHANNEL } from '../../shared/contract';

/** The part of Electron's ipcRenderer the bridge uses, always with IPC_CHANNEL. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * `post` sends one message on IPC_CHANNEL; `on` subscribes and returns the unsubscribe function. The page
 * never sees ipcRenderer, the channel name or Electron's event object: the listener gets the payload only.
 */
export function createBridge(ipc: IpcRendererLike): HeronBridge {
  return Object.freeze({
    post(data: unknown): void {
      ipc.send(IPC_CHANNEL, data);
    },
    on(listener: (data: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('heron.on needs a function');
      const forward = (_event: unknown, data: unknown) => listener(data);
      ipc.on(IPC_CHANNEL, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(IPC_CHANNEL, forward);
      };
    },
  });
}

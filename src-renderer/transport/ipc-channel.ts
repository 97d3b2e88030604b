// The contract's channel over Electron IPC, through the one bridge the preload exposes.

import { BRIDGE_GLOBAL, type HeronBridge } from '../../shared/bridge';
import type { RpcChannel } from '../../shared/rpc';

export function desktopBridge(): HeronBridge | null {
  const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL];
  return bridge && typeof bridge === 'object' ? (bridge as HeronBridge) : null;
}

/** IPC uses structured clone, so messages cross as objects without serializing. */
export function ipcChannel(bridge: HeronBridge): RpcChannel {
  return {
    post: (data) => bridge.post(data),
    on: (listener) => {
      bridge.on(listener);
    },
  };
}

// The one object the Electron preload puts on the page: a message pipe for the RPC channel, nothing more.

/**
 * What `window.heron` offers in the desktop app. The renderer's IPC transport wraps it as an RpcChannel.
 * `on` hands the listener only the message payload (never an Electron event object) and returns the
 * function that removes the listener.
 */
export interface HeronBridge {
  post(data: unknown): void;
  on(listener: (data: unknown) => void): () => void;
}

/** The global name the preload exposes the bridge under (`window.heron`). */
export const BRIDGE_GLOBAL = 'heron';

/** The shape of a page global object that may carry the bridge (absent in browser mode). */
export type BridgeHost = { readonly [BRIDGE_GLOBAL]?: HeronBridge };

/** True when `value` looks like the bridge, so the renderer can pick IPC over WebSocket. */
export function isHeronBridge(value: unknown): value is HeronBridge {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.post === 'function' && typeof v.on === 'function';
}

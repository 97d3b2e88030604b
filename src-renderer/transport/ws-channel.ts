// The contract's channel over a WebSocket to the browser-mode engine (same origin, token by cookie).

import type { RpcChannel } from '../../shared/rpc';

export interface OpenChannel {
  channel: RpcChannel;
  /** Settles when the connection ends, with the close code the server gave. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens `/rpc` on the page's own origin; the browser sends the token cookie the page was served with. */
export function openWebSocketChannel(location: Location): Promise<OpenChannel> {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/rpc`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason }));
  });
  const channel: RpcChannel = {
    post: (data) => socket.send(data as string),
    on: (listener) => socket.addEventListener('message', (event: MessageEvent<string>) => listener(event.data)),
    serialize: (data) => JSON.stringify(data),
    deserialize: (data) => JSON.parse(data as string),
    onClose: (listener) => socket.addEventListener('close', () => listener()),
  };
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve({ channel, closed }), { once: true });
    // A refused upgrade (wrong token) surfaces as close without open.
    void closed.then((result) => reject(result));
  });
}

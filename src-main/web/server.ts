// Browser mode: the built renderer and the engine's WebSocket on 127.0.0.1, behind a per-run token.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RENDERER_EVENT_METHODS, WS_CLOSE, type RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { createPeer, type RpcChannel } from '../../shared/rpc';
import type { Engine } from '../engine/engine';
import { hasToken, isAllowedHost, isAllowedOrigin, newToken, tokenCookie } from './access';
import { OPEN_LINK_PATH, sendOpenLinkPage } from './open-link';
import { securityHeaders } from './security-headers';
import { readStaticFile } from './static-files';

/** Fixed, because IndexedDB belongs to an origin and the origin includes the port: another port means an empty store. */
export const DEFAULT_PORT = 4517;
export const HOST = '127.0.0.1';
export const RPC_PATH = '/rpc';
/** Largest message a tab may send; the renderer sends requests, not mail. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface WebServerOptions {
  engine: Engine;
  staticDir: string;
  port?: number;
  token?: string;
  /** The link-confirmation page's own token (AppInfo.linkToken); a new one when not given. */
  linkToken?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  linkToken: string;
  close(): Promise<void>;
}

function wsChannel(socket: WebSocket): RpcChannel {
  return {
    post: (data) => socket.send(data as string),
    on: (listener) => socket.on('message', (data) => listener(data.toString())),
    serialize: (data) => JSON.stringify(data),
    deserialize: (data) => JSON.parse(data as string),
    onClose: (listener) => void socket.on('close', listener),
  };
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  // Port 0 (tests) means "any free port"; the checks below use the port actually bound.
  let port = options.port ?? DEFAULT_PORT;
  const token = options.token ?? newToken();
  const linkToken = options.linkToken ?? newToken();
  const originOf = () => `http://${HOST}:${port}`;
  let activeTab: WebSocket | null = null;

  const server = http.createServer(async (request, response) => {
    const headers = securityHeaders(originOf());
    // Links clicked in the sandboxed (opaque-origin) message frame arrive without the SameSite=Strict cookie: own token.
    const requestUrl = URL.parse(request.url ?? '/', originOf());
    if (requestUrl?.pathname === OPEN_LINK_PATH && isAllowedHost(request, port)) {
      sendOpenLinkPage(request, response, requestUrl, linkToken);
      return;
    }
    if (!isAllowedHost(request, port) || !hasToken(request, token)) {
      response.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Forbidden: open Heron with the address it printed when it started (it includes the access token).\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, headers).end();
      return;
    }
    const url = new URL(request.url ?? '/', originOf());
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const isPage = file.contentType.startsWith('text/html');
    response.writeHead(200, {
      ...headers,
      'Content-Type': file.contentType,
      'Cache-Control': isPage ? 'no-store' : 'private, max-age=3600',
      // The page is opened with ?token=…; its scripts and the WebSocket then prove the token by cookie.
      ...(isPage ? { 'Set-Cookie': tokenCookie(token) } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', originOf()).pathname;
    if (pathname !== RPC_PATH || !isAllowedHost(request, port) || !hasToken(request, token) || !isAllowedOrigin(request, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachTab(ws));
  });

  function attachTab(ws: WebSocket): void {
    // The engine syncs into exactly one store at a time; a second tab is told why it is idle.
    if (activeTab) {
      ws.close(WS_CLOSE.otherTabActive, 'Heron is open in another tab');
      return;
    }
    activeTab = ws;
    const renderer = createPeer<typeof options.engine.api, RendererApi>(options.engine.api, wsChannel(ws), {
      eventNames: [...RENDERER_EVENT_METHODS],
    });
    const detach = options.engine.attachRenderer(renderer);
    ws.on('close', () => {
      detach();
      if (activeTab === ws) activeTab = null;
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new HeronError(
            'invalid-input',
            `Port ${port} on ${HOST} is already in use (is Heron already running?). Heron keeps a fixed port because your ` +
              `mail cache belongs to it; stop the other program, or choose another port with HERON_PORT (that port starts with an empty cache).`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${originOf()}/?token=${token}`,
    port,
    token,
    linkToken,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

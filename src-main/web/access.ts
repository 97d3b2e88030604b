// Who may talk to browser mode: loopback Host only, the run's token (query or cookie), and for WebSockets our own Origin.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'heron_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token the request carries, from `?token=` or the cookie the page got on its first load. */
export function tokenOf(request: IncomingMessage): string | null {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

export function hasToken(request: IncomingMessage, token: string): boolean {
  const given = tokenOf(request);
  return given !== null && sameSecret(given, token);
}

/** The Host header must name this loopback server: a page on another site resolving to 127.0.0.1 (DNS rebinding) is refused. */
export function isAllowedHost(request: IncomingMessage, port: number): boolean {
  const host = (request.headers.host ?? '').toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** WebSockets are not bound by the same-origin policy, so the Origin header is checked explicitly. */
export function isAllowedOrigin(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

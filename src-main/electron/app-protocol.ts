// Serves the renderer bundle on app://heron/ (never file://): only files inside the bundle, with the CSP header.

import fs from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { APP_CSP } from './csp';

/** The privileges the scheme is registered with before `ready` (protocol.registerSchemesAsPrivileged). */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  /** A real origin (app://heron): relative URLs, IndexedDB and localStorage work. */
  standard: true,
  /** Treated like https: (secure context; no mixed-content blocking of its own resources). */
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
  // corsEnabled stays unset: it would let other origins (the opaque-origin message frame included) read
  // app:// responses cross-origin. The app's own module scripts are same-origin and do not need it.
});

/** Content types by extension; anything else is served as application/octet-stream. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** True when `child` is `parent` itself or lies beneath it (both absolute, already normalized). */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Maps an app:// request URL to a regular file inside `bundleRoot`, or null when the request must get a 404:
 * another scheme or host, user info or a port, any `..`/`.` segment (plain or percent-encoded, with / or \),
 * an encoded separator, NUL or ':' in a segment, a path that leaves the root, a symlink whose target
 * leaves the root (checked with realpath), or anything that is not a regular file. `/` means index.html.
 */
export function resolveBundlePath(bundleRoot: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname.toLowerCase() !== APP_HOST) return null;
  if (url.port !== '' || url.username !== '' || url.password !== '') return null;

  // The raw path, before any decoding: a literal backslash is never part of a bundle path.
  const rawPath = url.pathname;
  if (rawPath.includes('\\')) return null;
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..') return null;
    if (/[/\\:\0]/.test(segment)) return null;
    if (segment.trim() !== segment) return null;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');

  const root = path.resolve(bundleRoot);
  const candidate = path.resolve(root, ...segments);
  if (!isInside(root, candidate)) return null;

  try {
    const realRoot = fs.realpathSync(root);
    const realCandidate = fs.realpathSync(candidate);
    if (!isInside(realRoot, realCandidate)) return null;
    if (!fs.statSync(realCandidate).isFile()) return null;
    return realCandidate;
  } catch {
    return null;
  }
}

/** Headers every app:// response carries, whatever its status. */
export function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

export interface AppProtocolOptions {
  /** The built renderer folder (out/renderer), inside app.asar when packaged. */
  bundleRoot: string;
  log?: (message: string) => void;
}

/**
 * The protocol.handle handler: GET/HEAD of a bundle file -> 200 with its content type and the CSP header;
 * anything else -> 404 (405 for other methods). Plain Fetch Request/Response, so it runs in Node tests too.
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const notFound = () =>
    new Response('Not found', { status: 404, headers: { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', {
        status: 405,
        headers: { ...baseHeaders(), Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
    const filePath = resolveBundlePath(options.bundleRoot, request.url);
    if (filePath === null) {
      options.log?.(`app protocol: 404 for ${request.url}`);
      return notFound();
    }
    let body: Buffer;
    try {
      // fs.promises is looked up at call time: Electron patches it to read from inside app.asar.
      body = await fs.promises.readFile(filePath);
    } catch {
      return notFound();
    }
    const headers = { ...baseHeaders(), 'Content-Type': contentTypeFor(filePath), 'Content-Length': String(body.byteLength) };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

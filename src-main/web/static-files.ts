// Serving the built renderer from one directory, never a byte from outside it.

import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** The file a URL path names inside `root`, or null: traversal, encoded traversal and links out of root are refused. */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  try {
    const realRoot = await realpath(root);
    const candidate = path.resolve(realRoot, relative);
    if (!candidate.startsWith(realRoot + path.sep)) return null;
    const real = await realpath(candidate);
    if (!real.startsWith(realRoot + path.sep) || !(await stat(real)).isFile()) return null;
    return { body: await readFile(real), contentType: CONTENT_TYPES[path.extname(real)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

// Owns how bench pages reach Chromium: a page module bundled by Vite into one classic script, and a loopback origin
// serving it (IndexedDB needs a real origin; about:blank and file: are opaque).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from './chromium';

/** `bench/<file>` bundled as one script that defines `window[globalName]` (no dev server; nothing fetched but it). */
export async function bundlePageScript(file: string, globalName: string): Promise<string> {
  const result = await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    build: { write: false, minify: true, lib: { entry: path.join(REPO_ROOT, 'bench', file), formats: ['iife'], name: globalName } },
  });
  const output = Array.isArray(result) ? result[0] : result;
  if (!output || !('output' in output)) throw new Error(`bundling bench/${file} produced no script`);
  // Playwright runs an init script inside a function, where the bundle's top-level `var` would stay local.
  return `${output.output[0].code}\nwindow.${globalName} = ${globalName};\n`;
}

export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

/** An empty page running `script`, on 127.0.0.1 and a free port. */
export async function servePage(script: string, title: string): Promise<ServedPage> {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script src="page.js"></script>\n`;
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const body = pathname === '/' ? html : pathname === '/page.js' ? script : null;
    response.writeHead(body === null ? 404 : 200, { 'content-type': pathname === '/page.js' ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8' });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// A real page in Debian's Chromium for component tests: one entry module bundled by Vite, served over http (so the page has IndexedDB), and a Playwright page on it.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build, type Rolldown } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';

/** For `describe(..., { skip })`: false when Chromium is there, else why the tests cannot run. */
export const chromiumSkip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;

/** The repository root, for imports in entry sources. */
export const REPOSITORY = path.resolve(import.meta.dirname, '../..');

export interface ComponentPage {
  page: Page;
  close: () => Promise<void>;
}

const ENTRY = 'virtual:component-test-entry';

/** Bundles `entrySource` (a module that usually puts mount functions on window), serves it, and opens it in Chromium. */
export async function openComponentPage(entrySource: string): Promise<ComponentPage> {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [react(), { name: 'test-entry', resolveId: (id) => (id.endsWith('test-entry') ? ENTRY : null), load: (id) => (id === ENTRY ? entrySource : null) }],
    build: { write: false, minify: false, lib: { entry: 'test-entry', formats: ['iife'], name: 'HeronComponentTest' } },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const chunk = (Array.isArray(output) ? output : [output])[0]?.output.find((file) => file.type === 'chunk');
  assert.ok(chunk && chunk.type === 'chunk');
  const code = chunk.code;
  const server = http.createServer((request, response) => {
    if (request.url === '/bundle.js') response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(code);
    else response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><div id="root"></div><script src="/bundle.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return {
    page,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

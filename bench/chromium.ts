// Owns the browser side of Heron's runs: finding Debian's Chromium, launching it on a fresh on-disk profile, and
// building the renderer once into a private directory.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import { chromium } from '@playwright/test';
import { findExecutable } from './mbsync';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Quiet and offline: nothing but the page may use the CPU or the network while a run is timed. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** HERON_BENCH_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH; null when none is executable. */
export async function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | null> {
  const given = env.HERON_BENCH_CHROMIUM?.trim();
  if (given) return (await findExecutable(path.basename(given), path.dirname(given))) ?? null;
  return (await findExecutable('chromium', path.dirname(DEFAULT_CHROMIUM))) ?? (await findExecutable('chromium'));
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium on a fresh user-data directory (a persistent context), not `browser.newContext()`: an incognito context
 * keeps IndexedDB in memory, while Heron's store lives on disk, so only a real profile measures the real commits.
 * Playwright's own signal handlers are off: the bench's worker stops the browser in its cleanup, after which it
 * still has to stop the lab (Playwright's handler would exit the process first).
 */
export async function launchChromium(executablePath: string): Promise<LaunchedBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    context,
    close: () =>
      (closing ??= (async () => {
        await context.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true });
      })()),
  };
}

/** `vite build` of the renderer into a new private directory (not out/web, which e2e runs may be using); returns it. */
export async function buildRenderer(signal: AbortSignal): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-web-'));
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
        killSignal: 'SIGKILL',
      });
      let output = '';
      const keep = (chunk: Buffer): void => {
        if (output.length < 16_384) output += chunk.toString();
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build of the renderer failed (exit ${code}): ${output.trim()}`))));
    });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  return outDir;
}

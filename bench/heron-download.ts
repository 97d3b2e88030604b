// Owns one Heron full-download run: with "keep bodies offline" covering the whole folder, from the page's attach until
// the account's round has stored every header and every body in Chromium's IndexedDB (the peer is mbsync).

import { rm } from 'node:fs/promises';
import { createEngine } from '../src-main/engine/engine';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import { startWebServer } from '../src-main/web/server';
import { createBenchProfile, shutdownEngine } from './bench-profile';
import { launchChromium } from './chromium';
import { EngineProbe, now } from './engine-probe';
import type { Contender, RunOutcome } from './measure';
import { BODIES_TABLE, countStoredMessages } from './page-checks';
import type { BenchTarget } from './target';

/** The largest "keep bodies of the last N days" an account accepts: every message of the folder is recent enough. */
export const WHOLE_FOLDER_DAYS = 36_500;

export interface HeronDownloadOptions {
  target: BenchTarget;
  /** The built renderer (chromium.ts buildRenderer). */
  staticDir: string;
  chromium: string;
  /** Every UID of target.folder on the server. */
  serverUids: readonly number[];
  version: string;
  trace?: (line: string) => void;
}

export function heronDownloadContender(options: HeronDownloadOptions): Contender {
  let runs = 0;
  return { run: (signal) => runHeronDownload(options, runs++, signal) };
}

async function runHeronDownload(options: HeronDownloadOptions, index: number, signal: AbortSignal): Promise<RunOutcome> {
  const { target } = options;
  const undo: Array<() => Promise<unknown>> = [];
  try {
    const { profileDir, accountId } = await createBenchProfile(target, WHOLE_FOLDER_DAYS);
    undo.push(() => rm(profileDir, { recursive: true, force: true }));
    const engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version: options.version });
    undo.push(() => shutdownEngine(engine));
    const probe = new EngineProbe({ folder: target.folder, serverUids: options.serverUids }, options.trace);
    probe.install(engine);
    const server = await startWebServer({ engine, staticDir: options.staticDir, port: 0 });
    undo.push(() => server.close());
    const browser = await launchChromium(options.chromium);
    // Closed first (undo runs in reverse): the engine detaches and drops its connections.
    undo.push(() => browser.close());
    const closeOnAbort = (): void => void browser.close();
    signal.addEventListener('abort', closeOnAbort, { once: true });
    undo.push(async () => signal.removeEventListener('abort', closeOnAbort));
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    signal.throwIfAborted();

    // The clock starts at attach (EngineProbe) and stops when the account's round, offline bodies included, is over.
    await page.goto(server.url);
    await probe.until(() => (probe.throwIfAccountFailed(), probe.accountIdle(accountId)), signal);
    const seconds = (now() - (probe.attachedAt as number)) / 1000;

    const [headers, bodies] = await Promise.all([
      countStoredMessages(page, accountId, target.folder),
      countStoredMessages(page, accountId, target.folder, BODIES_TABLE),
    ]);
    if (headers !== options.serverUids.length || bodies !== options.serverUids.length) {
      throw new Error(`Heron download run ${index + 1}: the store holds ${headers} headers and ${bodies} bodies of ${target.folder}; the server has ${options.serverUids.length} messages`);
    }
    return { seconds };
  } finally {
    for (const step of undo.reverse()) await step().catch((error: Error) => options.trace?.(`cleanup: ${error.message}`));
  }
}

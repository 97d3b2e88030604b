// Owns one Heron full-download run: a fresh account synced through browser mode until every header and every body of
// the folder is in Chromium's IndexedDB. IMAP with "keep bodies offline" covering the whole folder (the peer is
// mbsync), or POP3, which downloads every message whole (the peer is mpop).

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createEngine } from '../src-main/engine/engine';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import { startWebServer } from '../src-main/web/server';
import type { BenchAccountOptions } from './bench-profile';
import { createBenchProfile, shutdownEngine } from './bench-profile';
import type { BenchmarkContext } from './benchmarks/types';
import { CHROMIUM_MISSING, prepareBrowserRuns } from './browser-runs';
import { launchChromium, REPO_ROOT } from './chromium';
import { EngineProbe, now } from './engine-probe';
import type { Contender, RunOutcome, Runnable } from './measure';
import type { StoreTable } from './page-checks';
import { BODIES_TABLE, countStoredMessages, MESSAGES_TABLE } from './page-checks';
import { batchWaitMs, lastAck } from './sync-timeline';
import type { BenchTarget } from './target';

/** RunOutcome.metrics key: seconds of the run spent waiting for applyBatch acks (sync-timeline.ts batchWaitMs). */
export const BATCH_WAIT_METRIC = 'applyBatchWait';

/** The largest "keep bodies of the last N days" an account accepts: every message of the folder is recent enough. */
export const WHOLE_FOLDER_DAYS = 36_500;

export interface HeronDownloadOptions {
  target: BenchTarget;
  /** The fresh profile's account: IMAP keeping every body offline (`{ keepBodiesDays: WHOLE_FOLDER_DAYS }`) or POP3. */
  account: BenchAccountOptions;
  /**
   * Where the clock stops. `round-end`: the account's round is over (IMAP: headers, then offline bodies through
   * putBodies). `last-batch`: the store's ack of the round's last applyBatch (POP3: each batch carries its messages'
   * headers, bodies and sources, so that ack is the moment the last message was stored).
   */
  stopAt: 'round-end' | 'last-batch';
  /** Store tables other than messages and bodies that must hold a row per message of the folder (POP3's sources). */
  extraTables?: readonly StoreTable[];
  /** The built renderer (chromium.ts buildRenderer). */
  staticDir: string;
  chromium: string;
  /** Every UID of target.folder on the server (over IMAP; a POP3 maildrop lists the same messages). */
  serverUids: readonly number[];
  version: string;
  trace?: (line: string) => void;
}

function heronDownloadContender(options: HeronDownloadOptions): Contender {
  let runs = 0;
  return { run: (signal) => runHeronDownload(options, runs++, signal) };
}

/** What a download row's runs share, prepared once (Chromium, the folder's UIDs, the renderer build), the rest per row. */
export type HeronDownloadRow = Pick<HeronDownloadOptions, 'account' | 'stopAt' | 'extraTables'>;

/** Heron's side of a download row, or why it is skipped (no Chromium); `dispose` removes the renderer build. */
export async function heronDownloadSide(
  benchmark: string,
  target: BenchTarget,
  context: BenchmarkContext,
  row: HeronDownloadRow,
): Promise<{ heron?: Runnable; heronNote?: string; dispose?: () => Promise<void> }> {
  const runs = await prepareBrowserRuns(benchmark, target, context);
  if (!runs) return { heronNote: CHROMIUM_MISSING };
  const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const { chromium, serverUids, staticDir, trace } = runs;
  return {
    heron: heronDownloadContender({ target, ...row, staticDir, chromium, serverUids, version, ...(trace ? { trace } : {}) }),
    dispose: () => runs.dispose(),
  };
}

async function runHeronDownload(options: HeronDownloadOptions, index: number, signal: AbortSignal): Promise<RunOutcome> {
  const { target } = options;
  const undo: Array<() => Promise<unknown>> = [];
  try {
    const { profileDir, accountId } = await createBenchProfile(target, options.account);
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

    // The clock starts at attach (EngineProbe), when the engine starts connecting, and stops at the end of the round
    // (offline bodies included) or at the ack of its last batch.
    await page.goto(server.url);
    await probe.until(() => (probe.throwIfAccountFailed(), probe.accountIdle(accountId)), signal);
    const roundEnd = now();
    const stop = options.stopAt === 'round-end' ? roundEnd : lastAck(probe.records, roundEnd);
    if (stop === null) throw new Error(`Heron download run ${index + 1}: the account's round ended without the store acknowledging any batch`);
    const seconds = (stop - (probe.attachedAt as number)) / 1000;

    const tables: StoreTable[] = [MESSAGES_TABLE, BODIES_TABLE, ...(options.extraTables ?? [])];
    const counts = await Promise.all(tables.map((table) => countStoredMessages(page, accountId, target.folder, table)));
    if (counts.some((count) => count !== options.serverUids.length)) {
      const held = tables.map((table, at) => `${counts[at]} ${table}`).join(', ');
      throw new Error(`Heron download run ${index + 1}: the store holds ${held} rows of ${target.folder}; the server has ${options.serverUids.length} messages`);
    }
    return { seconds, metrics: { [BATCH_WAIT_METRIC]: batchWaitMs(probe.records, stop) / 1000 } };
  } finally {
    for (const step of undo.reverse()) await step().catch((error: Error) => options.trace?.(`cleanup: ${error.message}`));
  }
}

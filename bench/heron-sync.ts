// Owns one Heron sync run on the real path: the engine in this process, browser mode's server, the store in Chromium's
// IndexedDB. Times the sync from attach to the acknowledgements that matter, resyncs after flags changed elsewhere,
// samples memory, and proves the store holds the folder before everything is stopped again.

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EngineApi } from '../shared/contract';
import { createEngine } from '../src-main/engine/engine';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import { startWebServer } from '../src-main/web/server';
import type { WebServer } from '../src-main/web/server';
import { createBenchProfile, shutdownEngine } from './bench-profile';
import { launchChromium, REPO_ROOT } from './chromium';
import type { LaunchedBrowser } from './chromium';
import { EngineProbe, now } from './engine-probe';
import { pickUids, RESYNC_FRACTION, toggleSeenThen, undoToggle } from './flag-changes';
import type { SeenToggle } from './flag-changes';
import type { Contender, RunOutcome } from './measure';
import { countStoredMessages, folderButtonName, jsHeapUsed, storedFlags } from './page-checks';
import { peakOf, startSampler } from './resource-sampler';
import type { Sampler } from './resource-sampler';
import { resyncWindow } from './sync-timeline';
import type { BenchTarget } from './target';

/** The metric names a Heron sync run reports (RunOutcome.metrics); the run's own `seconds` is all headers in the store. */
export const SYNC_METRICS = {
  newestPage: 'newestPage',
  resync: 'resync1pctFlags',
  engineRssPeak: 'engineRssPeakBytes',
  engineRssGrowth: 'engineRssGrowthBytes',
  engineHeapGrowth: 'engineHeapGrowthBytes',
  rendererHeapPeak: 'rendererHeapPeakBytes',
  rendererHeapFolderOpenPeak: 'rendererHeapFolderOpenPeakBytes',
  rendererHeapSettled: 'rendererHeapSettledBytes',
  duplicateRows: 'duplicateRowsCount',
  batches: 'batchesCount',
  backfillDone: 'backfillDone',
  resyncCall: 'resyncCallUnchecked',
  resyncDeliveredInWindow: 'resyncInWindowCount',
  resyncDeliveredBefore: 'resyncBeforeCount',
} as const;

export interface HeronSyncOptions {
  target: BenchTarget;
  /** The built renderer (chromium.ts buildRenderer). */
  staticDir: string;
  chromium: string;
  /** Every UID of target.folder on the server, ascending. */
  serverUids: readonly number[];
  /** Whether the run may change flags on the server for the resync step (always in the lab). */
  resync: boolean;
  /** Seeds the choice of messages whose flags change; run n uses seed + n, so runs change different messages. */
  seed: number;
  log?: (line: string) => void;
  /** A correctness check failed in a way that spoils one measurement but not the others (`what`: 'resync'). */
  onCheckFailed?: (what: 'resync', message: string) => void;
  /** HERON_BENCH_TRACE=1: every store call, engine event and step of each run, for finding out where time goes. */
  trace?: (line: string) => void;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Heron's contender for the sync benchmark; `dispose` stops a run still in progress (time limit, Ctrl-C). */
export function heronSyncContender(options: HeronSyncOptions): Contender & { dispose(): Promise<void> } {
  let runs = 0;
  let active: Promise<unknown> | null = null;
  let version = '0.0.0';
  return {
    prepare: async () => {
      ({ version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string });
    },
    run: (signal) => {
      const run = runHeronSync(options, runs++, version, signal);
      active = run.catch(() => undefined);
      return run;
    },
    dispose: async () => {
      await active;
    },
  };
}

/** One run. Everything it starts is stopped in its `finally`, also when the time limit or an interrupt aborts it. */
async function runHeronSync(options: HeronSyncOptions, index: number, version: string, signal: AbortSignal): Promise<RunOutcome> {
  const { target } = options;
  const folder = target.folder;
  const undo: Array<() => Promise<void>> = [];
  let rssSampler: Sampler | null = null;
  let heapSampler: Sampler | null = null;
  let toggled: SeenToggle | null = null;
  let outcome: RunOutcome | undefined;
  let cleanupFailure: string | null = null;
  try {
    // A fresh profile with the account already there and its password remembered: the sync starts when the page connects.
    const { profileDir, accountId } = await createBenchProfile(target);
    undo.push(() => rm(profileDir, { recursive: true, force: true }));

    const engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version });
    undo.push(() => shutdownEngine(engine));
    // The bench's own openFolder calls bypass the probe's wrapper, which counts the UI's.
    const openFolder: EngineApi['openFolder'] = engine.api.openFolder.bind(engine.api);
    const probe = new EngineProbe({ folder, serverUids: options.serverUids }, options.trace);
    probe.install(engine);
    const server: WebServer = await startWebServer({ engine, staticDir: options.staticDir, port: 0 });
    undo.push(() => server.close());
    signal.throwIfAborted();

    const browser: LaunchedBrowser = await launchChromium(options.chromium);
    // Closed first (undo runs in reverse): the tab's socket closes, the engine detaches and drops its connections.
    undo.push(() => browser.close());
    // An abort (time limit, Ctrl-C) closes the browser at once, so whatever the run is waiting on fails now.
    const closeOnAbort = (): void => void browser.close();
    signal.addEventListener('abort', closeOnAbort, { once: true });
    undo.push(async () => signal.removeEventListener('abort', closeOnAbort));
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    signal.throwIfAborted();

    collectGarbage();
    const { rss: rssBaseline, heapUsed: heapBaseline } = process.memoryUsage();
    // RSS rarely shrinks, so after the first run its growth is mostly reuse; the engine's JS heap shows what a run holds.
    let engineHeapPeak = heapBaseline;
    rssSampler = startSampler(() => {
      const usage = process.memoryUsage();
      engineHeapPeak = Math.max(engineHeapPeak, usage.heapUsed);
      return usage.rss;
    });
    heapSampler = startSampler(() => jsHeapUsed(cdp));

    // The clock starts at attach (EngineProbe), when the page's socket connects and the engine starts logging in.
    await page.goto(server.url);
    const milestones = await probe.until(() => {
      probe.throwIfAccountFailed();
      const result = probe.tracker?.result;
      if (result && result.allHeadersMs !== null) return result;
      // The account's round covers every folder's backfill; idle without every header means headers went missing.
      if (probe.accountIdle(accountId)) throw new Error(`Heron sync run ${index + 1}: the account's sync finished, but the store never acknowledged every header of ${folder}`);
      return null;
    }, signal);

    // The full sync: the account's round ends (headers of every folder, offline bodies), then the folder is opened in
    // the UI (its list, once there is one, is what "memory with the folder open" is about), then nothing moves.
    probe.note(`all headers of ${folder} in the store`);
    await probe.until(() => (probe.throwIfAccountFailed(), probe.accountIdle(accountId)), signal);
    probe.note('account idle; opening the folder in the UI');
    const folderOpenMark = heapSampler.count();
    const callsBefore = probe.uiOpenFolderCalls;
    await page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('button', { name: folderButtonName(folder) }).click({ timeout: 30_000 });
    // The click's own openFolder call (the UI may have opened the folder by itself at load, too).
    await probe.until(() => probe.uiOpenFolderCalls > callsBefore && probe.uiOpenFolderPending === 0, signal);
    const settle = async (): Promise<void> => {
      probe.note('settle: openFolder');
      // Joins a sync of the folder already under way (the IDLE watcher's), or runs a cheap incremental one.
      await openFolder(accountId, folder);
      await probe.until(() => (probe.throwIfAccountFailed(), probe.quiet()), signal);
      probe.note('settled');
    };
    await settle();

    const metrics: Record<string, number> = {};
    if (options.resync) {
      // Another client flips \Seen on 1% of the folder; right after its STORE completes, the bench opens the folder.
      // The watcher's own sync of the same change starts only after its 250 ms debounce, so this call starts first;
      // if the watcher's sync comes while it runs, it joins this one (one sync per folder at a time).
      const changedUids = pickUids(options.serverUids, RESYNC_FRACTION, options.seed + index);
      let changedAt = 0;
      const { plan, result } = await toggleSeenThen(
        target,
        changedUids,
        (planned) => {
          // Recorded before the STORE, so the flags are put back even if what follows fails.
          toggled = planned;
          changedAt = now();
          probe.note(`other client: STORE \\Seen on ${planned.markSeen.length}, -\\Seen on ${planned.markUnseen.length}`);
        },
        async () => {
          const calledAt = now();
          probe.note('resync: openFolder called');
          await openFolder(accountId, folder);
          const resolvedAt = now();
          probe.note('resync: openFolder resolved');
          return { calledAt, resolvedAt };
        },
      );
      const window = resyncWindow(probe.records, { folder, changedAt, ...result, changedUids });
      metrics[SYNC_METRICS.resyncCall] = window.ms / 1000;
      metrics[SYNC_METRICS.resyncDeliveredInWindow] = window.deliveredInWindow;
      metrics[SYNC_METRICS.resyncDeliveredBefore] = window.deliveredBefore;
      await settle();
      // The resync counts only if the store really has the new flags (checked after the dust settled, so a late
      // IDLE-triggered sync would have had its chance too).
      const flags = await storedFlags(page, accountId, folder, changedUids);
      const wrong = changedUids.filter((uid, i) => {
        const seen = flags[i]?.includes('\\Seen');
        return flags[i] === null || (plan.markSeen.includes(uid) ? !seen : seen);
      });
      if (wrong.length === 0) metrics[SYNC_METRICS.resync] = window.ms / 1000;
      else {
        const problem =
          `run ${index + 1}: openFolder resolved in ${window.ms.toFixed(0)} ms, but after the engine settled the store still had the old \\Seen flag of ` +
          `${wrong.length}/${changedUids.length} changed messages (UIDs ${wrong.slice(0, 5).join(', ')}${wrong.length > 5 ? ', …' : ''}); not counted`;
        options.onCheckFailed?.('resync', problem);
        probe.note(`CHECK FAILED ${problem}`);
      }
    }

    // Correctness: every message of the folder is in Chromium's IndexedDB, no more, no less.
    const stored = await countStoredMessages(page, accountId, folder);
    if (stored !== options.serverUids.length) {
      throw new Error(`Heron sync run ${index + 1}: the store holds ${stored} rows of ${folder}, but the server's EXISTS is ${options.serverUids.length}`);
    }

    await cdp.send('HeapProfiler.collectGarbage');
    metrics[SYNC_METRICS.rendererHeapSettled] = await jsHeapUsed(cdp);
    const rss = peakOf(await rssSampler.stop(), rssBaseline);
    const heapReadings = await heapSampler.stop();
    const heap = peakOf(heapReadings, 0);
    const heapFolderOpen = peakOf(heapReadings.slice(folderOpenMark), 0);
    rssSampler = heapSampler = null;
    if (rss.peak !== null && rss.growth !== null) {
      metrics[SYNC_METRICS.engineRssPeak] = rss.peak;
      metrics[SYNC_METRICS.engineRssGrowth] = rss.growth;
    }
    metrics[SYNC_METRICS.engineHeapGrowth] = engineHeapPeak - heapBaseline;
    if (heap.peak !== null) metrics[SYNC_METRICS.rendererHeapPeak] = heap.peak;
    if (heapFolderOpen.peak !== null) metrics[SYNC_METRICS.rendererHeapFolderOpenPeak] = heapFolderOpen.peak;

    if (milestones.newestPageMs !== null) metrics[SYNC_METRICS.newestPage] = milestones.newestPageMs / 1000;
    if (milestones.backfillDoneMs !== null) metrics[SYNC_METRICS.backfillDone] = milestones.backfillDoneMs / 1000;
    metrics[SYNC_METRICS.batches] = milestones.batches;
    // Counted to the end of the run: a second sync of the folder that finishes after the first one still did its work twice.
    metrics[SYNC_METRICS.duplicateRows] = probe.tracker?.result.duplicateRows ?? milestones.duplicateRows;
    outcome = { seconds: (milestones.allHeadersMs as number) / 1000, metrics };
  } finally {
    await rssSampler?.stop();
    await heapSampler?.stop();
    const failures: string[] = [];
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    // With the engine gone (its IDLE watcher too), put the flags back so the next run and row see the same folder.
    if (toggled) {
      const plan: SeenToggle = toggled;
      await undoToggle(target, plan).catch((error: Error) => failures.push(`restoring the flags the resync changed: ${error.message}`));
    }
    if (failures.length > 0) {
      cleanupFailure = `Heron sync run ${index + 1}: cleanup failed: ${failures.join('; ')}`;
      options.log?.(cleanupFailure);
    }
  }
  // Something left running would load every later run, so a measured run must not hide a failed cleanup. (Reached only
  // when the run itself succeeded: its own error, if any, has already left through the finally above.)
  if (cleanupFailure !== null) throw new Error(cleanupFailure);
  return outcome as RunOutcome;
}

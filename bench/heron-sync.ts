// Owns one Heron sync run on the real path: the engine in this process, browser mode's server, the store in Chromium's
// IndexedDB. Times the sync from attach to the acknowledgements that matter, resyncs after flags changed elsewhere,
// samples memory, and proves the store holds the folder before everything is stopped again.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import type { EngineApi, EngineEvent, RendererApi } from '../shared/contract';
import { DEFAULT_KEEP_BODIES_DAYS } from '../shared/model';
import type { SyncBatch } from '../shared/model';
import { createAccountRegistry } from '../src-main/engine/accounts';
import { normalizeFingerprint } from '../src-main/engine/certificate';
import { createEngine } from '../src-main/engine/engine';
import type { Engine } from '../src-main/engine/engine';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import { NEWEST_PAGE } from '../src-main/imap/sync-folder';
import { startWebServer } from '../src-main/web/server';
import type { WebServer } from '../src-main/web/server';
import { launchChromium, REPO_ROOT } from './chromium';
import type { LaunchedBrowser } from './chromium';
import { pickUids, RESYNC_FRACTION, toggleSeenThen, undoToggle } from './flag-changes';
import type { SeenToggle } from './flag-changes';
import type { Contender, RunOutcome } from './measure';
import { peakOf, startSampler } from './resource-sampler';
import type { Sampler } from './resource-sampler';
import type { BatchRecord } from './sync-timeline';
import { MilestoneTracker, resyncWindow } from './sync-timeline';
import type { BenchTarget } from './target';

/** The IndexedDB database and table the renderer's store uses (src-renderer/app/use-engine.ts, store/schema.ts). */
export const STORE_DATABASE = 'heron';
export const MESSAGES_TABLE = 'messages';
/**
 * "Settled" means no store call in flight and none for this long: longer than the IDLE watcher's debounce (250 ms,
 * scheduler.ts) plus a header FETCH between two store calls, so a sync the watcher starts is seen before we move on.
 */
export const QUIET_MS = 750;
/** engine.shutdown() waits for syncs under way; after the page is gone they fail fast. Longer means something hangs. */
const SHUTDOWN_LIMIT_MS = 30_000;

/** The metric names a Heron sync run reports (RunOutcome.metrics); the run's own `seconds` is all headers in the store. */
export const SYNC_METRICS = {
  newestPage: 'newestPage',
  resync: 'resync1pctFlags',
  engineRssPeak: 'engineRssPeakBytes',
  engineRssGrowth: 'engineRssGrowthBytes',
  rendererHeapPeak: 'rendererHeapPeakBytes',
  rendererHeapSettled: 'rendererHeapSettledBytes',
  duplicateRows: 'duplicateRowsCount',
  batches: 'batchesCount',
  backfillDone: 'backfillDone',
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
}

const now = (): number => performance.now();

type Waiter = () => void;

/** What the bench sees of the engine: every store call (timed), every event, and the UI's openFolder calls. */
export class EngineProbe {
  readonly records: BatchRecord[] = [];
  readonly events: EngineEvent[] = [];
  attachedAt: number | null = null;
  tracker: MilestoneTracker | null = null;
  /** Store calls in flight and when the last one started or ended. */
  inflight = 0;
  lastActivity = 0;
  uiOpenFolderCalls = 0;
  uiOpenFolderPending = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly trackerInput: { folder: string; serverUids: readonly number[] }) {}

  /** Wraps engine.attachRenderer (to timestamp the attach and see the store calls) and engine.api.openFolder (the UI's). */
  install(engine: Engine): void {
    const attach = engine.attachRenderer.bind(engine);
    engine.attachRenderer = (renderer) => {
      if (this.attachedAt === null) {
        this.attachedAt = now();
        this.tracker = new MilestoneTracker({ ...this.trackerInput, attachedAt: this.attachedAt, newestPage: NEWEST_PAGE });
      }
      return attach(this.wrapRenderer(renderer));
    };
    // The web server exposes the api object's methods as they are when the page connects, so this must come first.
    const openFolder = engine.api.openFolder.bind(engine.api);
    engine.api.openFolder = async (accountId, folderPath) => {
      this.uiOpenFolderCalls++;
      this.uiOpenFolderPending++;
      this.touch();
      try {
        return await openFolder(accountId, folderPath);
      } finally {
        this.uiOpenFolderPending--;
        this.touch();
      }
    };
  }

  private touch(): void {
    this.lastActivity = now();
    for (const waiter of [...this.waiters]) waiter();
  }

  private tracked<T>(call: () => Promise<T>): Promise<T> {
    this.inflight++;
    this.touch();
    return call().finally(() => {
      this.inflight--;
      this.touch();
    });
  }

  private wrapRenderer(renderer: RendererApi): RendererApi {
    // Every method listed explicitly: if the contract grows, this stops compiling instead of silently passing through.
    const wrapped: RendererApi = {
      getSyncCursor: (accountId, folderPath) => this.tracked(() => renderer.getSyncCursor(accountId, folderPath)),
      applyBatch: (batch) => this.tracked(() => this.applyBatch(renderer, batch)),
      getFolderUids: (accountId, folderPath) => this.tracked(() => renderer.getFolderUids(accountId, folderPath)),
      putBodies: (bodies) => this.tracked(() => renderer.putBodies(bodies)),
      bodiesMissing: (accountId, folderPath, uids) => this.tracked(() => renderer.bodiesMissing(accountId, folderPath, uids)),
      pendingChanges: (accountId) => this.tracked(() => renderer.pendingChanges(accountId)),
      completeChange: (changeId, outcome) => this.tracked(() => renderer.completeChange(changeId, outcome)),
      engineEvent: (event) => {
        this.events.push(event);
        this.touch();
        renderer.engineEvent(event);
      },
    };
    return wrapped;
  }

  private async applyBatch(renderer: RendererApi, batch: SyncBatch): ReturnType<RendererApi['applyBatch']> {
    const record: BatchRecord = {
      sentAt: now(),
      ackedAt: null,
      folderPath: batch.folderPath ?? null,
      resetFolder: batch.resetFolder === true,
      upsertUids: (batch.upsertMessages ?? []).map((message) => message.uid),
      flagChangeUids: (batch.flagChanges ?? []).map((change) => change.uid),
      removedUids: batch.removedUids ?? [],
      ...(batch.cursor ? { backfillBelowUid: batch.cursor.backfillBelowUid } : {}),
    };
    this.records.push(record);
    const ack = await renderer.applyBatch(batch);
    record.ackedAt = now();
    this.tracker?.apply(record);
    return ack;
  }

  /** Resolves with check()'s value once it is truthy, re-checking on every engine activity (and every 100 ms). */
  until<T>(check: () => T | null | undefined | false, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setInterval(() => test(), 100);
      const done = (): void => {
        clearInterval(timer);
        this.waiters.delete(test);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      const test = (): void => {
        try {
          const value = check();
          if (value) {
            done();
            resolve(value);
          }
        } catch (error) {
          done();
          reject(error);
        }
      };
      if (signal.aborted) return onAbort();
      this.waiters.add(test);
      signal.addEventListener('abort', onAbort, { once: true });
      test();
    });
  }

  /** Throws the engine's own words if it reported the account in error. */
  throwIfAccountFailed(): void {
    const failed = this.events.find((event) => event.type === 'account-state' && event.state === 'error');
    if (failed && failed.type === 'account-state') throw new Error(`the engine reported the account in error: ${failed.error?.code ?? ''} ${failed.error?.message ?? ''}`.trim());
  }

  accountIdle(accountId: string): boolean {
    return this.events.some((event) => event.type === 'account-state' && event.accountId === accountId && event.state === 'idle');
  }

  quiet(): boolean {
    return this.inflight === 0 && this.uiOpenFolderPending === 0 && now() - this.lastActivity >= QUIET_MS;
  }
}

/** Counts the folder's rows in the page's IndexedDB with the raw API (Dexie is not reachable from page scope). */
export async function countStoredMessages(page: Page, accountId: string, folder: string): Promise<number> {
  return page.evaluate(
    async ({ database, table, accountId, folder }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        return await new Promise<number>((resolve, reject) => {
          const request = db.transaction(table, 'readonly').objectStore(table).count(IDBKeyRange.bound([accountId, folder, 0], [accountId, folder, Infinity]));
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      } finally {
        db.close();
      }
    },
    { database: STORE_DATABASE, table: MESSAGES_TABLE, accountId, folder },
  );
}

/** The stored flags of some messages (null for a message the store lacks). */
export async function storedFlags(page: Page, accountId: string, folder: string, uids: readonly number[]): Promise<Array<string[] | null>> {
  return page.evaluate(
    async ({ database, table, accountId, folder, uids }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        const store = db.transaction(table, 'readonly').objectStore(table);
        return await Promise.all(
          uids.map(
            (uid) =>
              new Promise<string[] | null>((resolve, reject) => {
                const request = store.get([accountId, folder, uid]);
                request.onsuccess = () => resolve(request.result ? ((request.result as { flags: string[] }).flags ?? []) : null);
                request.onerror = () => reject(request.error);
              }),
          ),
        );
      } finally {
        db.close();
      }
    },
    { database: STORE_DATABASE, table: MESSAGES_TABLE, accountId, folder, uids: [...uids] },
  );
}

async function jsHeapUsed(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
  if (!used) throw new Error('CDP Performance.getMetrics returned no JSHeapUsedSize');
  return used.value;
}

/** How the folder's button is named in the folder pane (FolderPane.tsx: INBOX shows as "Inbox", others by name). */
export function folderButtonName(folder: string): RegExp {
  const label = folder.toUpperCase() === 'INBOX' ? 'Inbox' : (folder.split('/').pop() ?? folder);
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function withLimit<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
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
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-profile-'));
    undo.push(() => rm(profileDir, { recursive: true, force: true }));
    const account = await createAccountRegistry(profileDir).add({
      name: 'Bench',
      email: target.user.includes('@') ? target.user : `${target.user}@${target.servername}`,
      incoming: { protocol: 'imap', host: target.host, port: target.port, security: 'tls', username: target.user },
      outgoing: null,
      pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(target.caPem).fingerprint256), pem: target.caPem },
      keepBodiesDays: DEFAULT_KEEP_BODIES_DAYS,
    });
    await createBrowserSecretStore(profileDir).set(account.id, target.password, true);

    const engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version });
    undo.push(() => withLimit(engine.shutdown(), SHUTDOWN_LIMIT_MS, 'engine.shutdown()'));
    // The bench's own openFolder calls bypass the probe's wrapper, which counts the UI's.
    const openFolder: EngineApi['openFolder'] = engine.api.openFolder.bind(engine.api);
    const probe = new EngineProbe({ folder, serverUids: options.serverUids });
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
    const rssBaseline = process.memoryUsage().rss;
    rssSampler = startSampler(() => process.memoryUsage().rss);
    heapSampler = startSampler(() => jsHeapUsed(cdp));

    // The clock starts at attach (EngineProbe), when the page's socket connects and the engine starts logging in.
    await page.goto(server.url);
    const milestones = await probe.until(() => {
      probe.throwIfAccountFailed();
      const result = probe.tracker?.result;
      if (result && result.allHeadersMs !== null) return result;
      // The account's round covers every folder's backfill; idle without every header means headers went missing.
      if (probe.accountIdle(account.id)) throw new Error(`Heron sync run ${index + 1}: the account's sync finished, but the store never acknowledged every header of ${folder}`);
      return null;
    }, signal);

    // The full sync: the account's round ends (headers of every folder, offline bodies), then the folder is opened in
    // the UI (its list, once there is one, is what "memory with the folder open" is about), then nothing moves.
    await probe.until(() => (probe.throwIfAccountFailed(), probe.accountIdle(account.id)), signal);
    await page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('button', { name: folderButtonName(folder) }).click({ timeout: 30_000 });
    await probe.until(() => probe.uiOpenFolderCalls > 0 && probe.uiOpenFolderPending === 0, signal);
    const settle = async (): Promise<void> => {
      // Joins a sync of the folder already under way (the IDLE watcher's), or runs a cheap incremental one.
      await openFolder(account.id, folder);
      await probe.until(() => (probe.throwIfAccountFailed(), probe.quiet()), signal);
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
        },
        async () => {
          const calledAt = now();
          await openFolder(account.id, folder);
          return { calledAt, resolvedAt: now() };
        },
      );
      const window = resyncWindow(probe.records, { folder, changedAt, ...result, changedUids });
      metrics[SYNC_METRICS.resync] = window.ms / 1000;
      metrics[SYNC_METRICS.resyncDeliveredInWindow] = window.deliveredInWindow;
      metrics[SYNC_METRICS.resyncDeliveredBefore] = window.deliveredBefore;
      await settle();
      const flags = await storedFlags(page, account.id, folder, changedUids);
      const wrong = changedUids.filter((uid, i) => {
        const seen = flags[i]?.includes('\\Seen');
        return flags[i] === null || (plan.markSeen.includes(uid) ? !seen : seen);
      });
      if (wrong.length > 0) {
        throw new Error(`imap-resync-1pct-flags: after the resync the store has the old \\Seen flag (or no row) for ${wrong.length} of ${changedUids.length} changed messages (UIDs ${wrong.slice(0, 10).join(', ')}${wrong.length > 10 ? ', …' : ''})`);
      }
    }

    // Correctness: every message of the folder is in Chromium's IndexedDB, no more, no less.
    const stored = await countStoredMessages(page, account.id, folder);
    if (stored !== options.serverUids.length) {
      throw new Error(`Heron sync run ${index + 1}: the store holds ${stored} rows of ${folder}, but the server's EXISTS is ${options.serverUids.length}`);
    }

    await cdp.send('HeapProfiler.collectGarbage');
    metrics[SYNC_METRICS.rendererHeapSettled] = await jsHeapUsed(cdp);
    const rss = peakOf(await rssSampler.stop(), rssBaseline);
    const heap = peakOf(await heapSampler.stop(), 0);
    rssSampler = heapSampler = null;
    if (rss.peak !== null && rss.growth !== null) {
      metrics[SYNC_METRICS.engineRssPeak] = rss.peak;
      metrics[SYNC_METRICS.engineRssGrowth] = rss.growth;
    }
    if (heap.peak !== null) metrics[SYNC_METRICS.rendererHeapPeak] = heap.peak;

    if (milestones.newestPageMs !== null) metrics[SYNC_METRICS.newestPage] = milestones.newestPageMs / 1000;
    if (milestones.backfillDoneMs !== null) metrics[SYNC_METRICS.backfillDone] = milestones.backfillDoneMs / 1000;
    metrics[SYNC_METRICS.batches] = milestones.batches;
    metrics[SYNC_METRICS.duplicateRows] = milestones.duplicateRows;
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

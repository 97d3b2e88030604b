// Owns `imap-envelope-fetch` and the Heron sync rows made from the same runs: Heron's header sync on the real path
// (engine here, store in Chromium's IndexedDB) against the protocol floor, a bare imapflow FETCH of every envelope.

import { NEWEST_PAGE } from '../../src-main/imap/sync-folder';
import { CHROMIUM_MISSING, prepareBrowserRuns } from '../browser-runs';
import { heronSyncContender, SYNC_METRICS } from '../heron-sync';
import { indexedDbFloorContender } from '../indexeddb-floor';
import { withPeerClient } from '../imapflow-peer';
import type { BenchTarget } from '../target';
import { DEFAULT_SEED } from '../target';
import type { BenchmarkContext, BenchmarkDefinition, HeronMetricRow, HeronMetricSpec } from './types';

/** DESIGN.md, Budgets. */
export const NEWEST_PAGE_BUDGET_S = 1;
export const ALL_HEADERS_BUDGET_RATIO = 1.5;
export const RESYNC_BUDGET_S = 0.5;
export const RENDERER_MEMORY_BUDGET_BYTES = 200e6;

/** Connect, open the folder read-only, FETCH 1:* (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE), count, log out. */
export async function fetchAllEnvelopes(target: BenchTarget, signal?: AbortSignal): Promise<number> {
  return withPeerClient(target, signal, async (client) => {
    // Read-only (EXAMINE): a SELECT would clear \Recent on the first run and make later runs see a different folder.
    const mailbox = await client.mailboxOpen(target.folder, { readOnly: true });
    let count = 0;
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true, internalDate: true, size: true })) {
      if (message.envelope) count++;
    }
    if (count !== mailbox.exists || count !== target.messages) {
      throw new Error(`imap-envelope-fetch: fetched ${count} envelopes, but ${target.folder} holds ${mailbox.exists} (expected ${target.messages})`);
    }
    return count;
  });
}

/** The rows Heron's sync runs add around this one. */
export function syncRows(target: BenchTarget): HeronMetricRow[] {
  return [
    {
      name: 'imap-sync-newest-50',
      description: `Heron: from attach (login starts) to the store's ack of the batch that put ${target.folder}'s newest ${NEWEST_PAGE} headers in Chromium's IndexedDB`,
      metric: SYNC_METRICS.newestPage,
      budget: { kind: 'seconds', max: NEWEST_PAGE_BUDGET_S },
      before: true,
    },
    {
      name: 'imap-resync-1pct-flags',
      description: `Heron: after a full sync another client flips \\Seen on 1% of ${target.folder} (seeded); engine.api.openFolder from the call until it resolves (its batch acknowledged)`,
      metric: SYNC_METRICS.resync,
      budget: { kind: 'seconds', max: RESYNC_BUDGET_S },
      missingNote: target.allowWrites ? 'not measured: no run got the changed flags into the store (see the failed checks)' : 'skipped: it changes flags on the server (and puts them back); set HERON_BENCH_ALLOW_WRITES=1 to allow it',
    },
  ];
}

export const SYNC_METRIC_SPECS: HeronMetricSpec[] = [
  {
    metric: SYNC_METRICS.rendererHeapFolderOpenPeak,
    label: 'renderer JS heap peak with the folder open (from the click to the end, resync included)',
    unit: 'bytes',
    budget: { kind: 'bytes', max: RENDERER_MEMORY_BUDGET_BYTES },
  },
  { metric: SYNC_METRICS.rendererHeapPeak, label: 'renderer JS heap peak over the whole run (initial sync included)', unit: 'bytes', budget: { kind: 'bytes', max: RENDERER_MEMORY_BUDGET_BYTES } },
  { metric: SYNC_METRICS.rendererHeapSettled, label: 'renderer JS heap after GC at the end (folder open)', unit: 'bytes' },
  { metric: SYNC_METRICS.engineRssPeak, label: 'engine process RSS peak', unit: 'bytes' },
  { metric: SYNC_METRICS.engineRssGrowth, label: 'engine process RSS peak minus the baseline before the run', unit: 'bytes' },
  { metric: SYNC_METRICS.engineHeapGrowth, label: 'engine process JS heap peak minus the baseline after GC before the run', unit: 'bytes' },
  { metric: SYNC_METRICS.backfillDone, label: "first ack of a cursor marking the folder's backfill complete", unit: 'seconds' },
  { metric: SYNC_METRICS.batches, label: 'store batches for the folder until all headers were in', unit: 'count' },
  { metric: SYNC_METRICS.duplicateRows, label: 'header rows fetched and stored again during the run (overlapping syncs of the folder)', unit: 'count' },
  { metric: SYNC_METRICS.resyncCall, label: 'resync: openFolder call duration in every run, whether or not it brought the new flags', unit: 'seconds' },
  { metric: SYNC_METRICS.resyncDeliveredInWindow, label: 'resync: changed messages whose new flags were committed inside the timed call', unit: 'count' },
  { metric: SYNC_METRICS.resyncDeliveredBefore, label: 'resync: changed messages an earlier sync (IDLE) committed before the call', unit: 'count' },
];

export async function imapEnvelopeFetch(target: BenchTarget, context: BenchmarkContext): Promise<BenchmarkDefinition> {
  const base = {
    name: 'imap-envelope-fetch',
    description:
      `All ${target.messages} headers of one folder. Heron: from attach (login starts) until the store acknowledged the batch that completed ` +
      `${target.folder} in Chromium's IndexedDB (newest ${NEWEST_PAGE} first, then backfill batches). imapflow, the floor: connect, EXAMINE, ` +
      'FETCH 1:* (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE), logout. indexeddb-floor, what the store alone costs: as many header-sized ' +
      "records as the folder has, one put per message, no index, in transactions of 2,000, into Chromium's on-disk IndexedDB (timed in the page)",
    peers: [{ name: 'imapflow' as const, runnable: async (signal: AbortSignal) => void (await fetchAllEnvelopes(target, signal)) }],
    ratioAgainst: 'imapflow' as const,
    budget: { kind: 'ratio' as const, max: ALL_HEADERS_BUDGET_RATIO },
    heronRows: syncRows(target),
    heronMetrics: SYNC_METRIC_SPECS,
  };

  const runs = await prepareBrowserRuns('imap-envelope-fetch', target, context);
  if (!runs) return { ...base, heronNote: CHROMIUM_MISSING };
  const { trace } = runs;
  const floor = indexedDbFloorContender(target.messages);
  const resyncProblems: string[] = [];
  const heron = heronSyncContender({
    target,
    staticDir: runs.staticDir,
    chromium: runs.chromium,
    serverUids: runs.serverUids,
    resync: target.allowWrites,
    seed: DEFAULT_SEED,
    log: context.log,
    onCheckFailed: (_what, message) => {
      resyncProblems.push(message);
      context.log(`imap-resync-1pct-flags: CHECK FAILED ${message}`);
    },
    ...(trace ? { trace } : {}),
  });
  return {
    ...base,
    heron,
    peers: [...base.peers, { name: 'indexeddb-floor' as const, runnable: floor }],
    failedChecks: () => ({ 'imap-resync-1pct-flags': resyncProblems }),
    dispose: async () => {
      await heron.dispose();
      await floor.dispose();
      await runs.dispose();
    },
  };
}

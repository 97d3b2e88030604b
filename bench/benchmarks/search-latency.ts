// Owns `search-latency`: local search over a 100,000-message store in Chromium's IndexedDB, p95 of 200 realistic queries per run.

import { findChromium } from '../chromium';
import { latencyStats, openSearchBench, SEARCH_BODIES, SEARCH_BUDGET_P95_MS, SEARCH_MESSAGES } from '../search-latency';
import type { BenchTarget } from '../target';
import type { BenchmarkContext, BenchmarkDefinition } from './types';

export const SEARCH_METRICS = { p50: 'search-p50', max: 'search-max', allFoldersP95: 'search-all-folders-p95' } as const;

/** Not the IMAP target: the store is filled in the page, so the row measures the index and the query alone. */
export async function searchLatency(_target: BenchTarget, context: BenchmarkContext): Promise<BenchmarkDefinition> {
  const messages = Number(process.env.HERON_BENCH_SEARCH_MESSAGES ?? SEARCH_MESSAGES);
  const base = {
    name: 'search-latency',
    description:
      `Heron: local search in Chromium's on-disk IndexedDB over a ${messages}-message folder (${SEARCH_BODIES} newest bodies cached), ` +
      'real store code in a page; each run is 200 seeded queries (whole words, words as typed letter by letter, two words, body words, ' +
      'addresses, misses) one after another, timed in the page; the row is the p95 of a run',
    peers: [],
    ratioAgainst: 'imapflow' as const,
    budget: { kind: 'seconds' as const, max: SEARCH_BUDGET_P95_MS / 1000 },
    heronMetrics: [
      { metric: SEARCH_METRICS.p50, label: 'search p50', unit: 'seconds' as const },
      { metric: SEARCH_METRICS.max, label: 'search slowest query', unit: 'seconds' as const },
      { metric: SEARCH_METRICS.allFoldersP95, label: 'search p95, scope "All folders"', unit: 'seconds' as const },
    ],
  };
  const chromium = await findChromium();
  if (!chromium) return { ...base, heronNote: 'skipped: Chromium not found (install Debian chromium, or set HERON_BENCH_CHROMIUM)' };
  const bench = await openSearchBench({ chromium, messages, log: context.log });
  return {
    ...base,
    heron: async () => {
      const timings = await bench.run(false);
      // A broken index answers nothing, fast: the seeded queries come from the stored mail, so most must find something.
      const answered = timings.filter((t) => t.total > 0).length;
      if (answered < timings.length * 0.75) throw new Error(`search-latency: only ${answered} of ${timings.length} queries found anything`);
      const folder = latencyStats(timings);
      const everywhere = latencyStats(await bench.run(true));
      return {
        seconds: folder.p95 / 1000,
        metrics: { [SEARCH_METRICS.p50]: folder.p50 / 1000, [SEARCH_METRICS.max]: folder.max / 1000, [SEARCH_METRICS.allFoldersP95]: everywhere.p95 / 1000 },
      };
    },
    dispose: () => bench.close(),
  };
}

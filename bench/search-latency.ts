// Owns the search-latency measurement: a 100,000-message store in Chromium's on-disk IndexedDB, filled and searched by the real store code in a page.
//
// Run alone with `npx tsx bench/search-latency.ts` (HERON_BENCH_SEARCH_MESSAGES, HERON_BENCH_SEARCH_BODIES to change the size);
// `npm run bench` runs it as the `search-latency` row (bench/benchmarks/search-latency.ts).

import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { findChromium, launchChromium, type LaunchedBrowser } from './chromium';
import { bundlePageScript, servePage, type ServedPage } from './page-bundle';
import type { BuildOptions, BuildResult, QueryTiming } from './search-page';

/** The design's figure (DESIGN.md, Budgets: local search over 100,000 messages). */
export const SEARCH_MESSAGES = 100_000;
/** About 30 days of mail at this folder's rate: what the default "keep bodies of the last 30 days offline" caches. */
export const SEARCH_BODIES = 3_000;
export const SEARCH_BUDGET_P95_MS = 50;

/** The page's module, as the bundle exposes it on `window`. */
interface PageApi {
  build(options: BuildOptions): Promise<BuildResult>;
  run(queries: string[], allFolders?: boolean): Promise<QueryTiming[]>;
}

declare global {
  interface Window {
    HeronSearchBench: PageApi;
  }
}

export interface LatencyStats {
  queries: number;
  p50: number;
  p95: number;
  max: number;
  /** The slowest queries, for a look at what costs. */
  slowest: QueryTiming[];
}

export function latencyStats(timings: readonly QueryTiming[]): LatencyStats {
  const sorted = [...timings].sort((a, b) => a.ms - b.ms);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]?.ms ?? NaN;
  return { queries: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1), slowest: sorted.slice(-5).reverse() };
}

export interface SearchBench {
  built: BuildResult;
  /** Runs every query once, in order; the timings are the page's own (performance.now around searchMessages). */
  run(allFolders?: boolean): Promise<QueryTiming[]>;
  close(): Promise<void>;
}

export interface SearchBenchOptions {
  chromium: string;
  messages?: number;
  bodies?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Bundles the page, starts Chromium on a fresh on-disk profile and fills the store (untimed set-up). */
export async function openSearchBench(options: SearchBenchOptions): Promise<SearchBench> {
  let served: ServedPage | null = null;
  let browser: LaunchedBrowser | null = null;
  const close = async (): Promise<void> => {
    await browser?.close();
    await served?.close();
  };
  try {
    served = await servePage(await bundlePageScript('search-page.ts', 'HeronSearchBench'), 'Heron search bench');
    browser = await launchChromium(options.chromium);
    const page: Page = await browser.context.newPage();
    await page.goto(served.url);
    const buildOptions: BuildOptions = { messages: options.messages ?? SEARCH_MESSAGES, bodies: options.bodies ?? SEARCH_BODIES, seed: options.seed ?? 1 };
    options.log?.(`search-latency: filling a ${buildOptions.messages}-message store (${buildOptions.bodies} bodies) in Chromium ...`);
    const built = await page.evaluate((o) => window.HeronSearchBench.build(o), buildOptions);
    options.log?.(`search-latency: stored headers in ${built.applySeconds.toFixed(1)} s, bodies in ${built.bodySeconds.toFixed(1)} s`);
    return {
      built,
      run: (allFolders = false) => page.evaluate(([queries, all]) => window.HeronSearchBench.run(queries, all), [built.queries, allFolders] as const),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function main(): Promise<void> {
  const chromium = await findChromium();
  if (!chromium) throw new Error('Chromium not found (install Debian chromium, or set HERON_BENCH_CHROMIUM)');
  const messages = Number(process.env.HERON_BENCH_SEARCH_MESSAGES ?? SEARCH_MESSAGES);
  const bodies = Number(process.env.HERON_BENCH_SEARCH_BODIES ?? SEARCH_BODIES);
  const bench = await openSearchBench({ chromium, messages, bodies, log: (line) => console.log(line) });
  try {
    for (const [label, all] of [['this folder', false], ['all folders', true]] as const) {
      await bench.run(all); // warm-up: the first pass pays for compiling and for IndexedDB's caches
      const timings = await bench.run(all);
      const stats = latencyStats(timings);
      console.log(`search-latency (${label}): ${stats.queries} queries (${timings.filter((t) => t.total > 0).length} found something), p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms; budget p95 < ${SEARCH_BUDGET_P95_MS} ms`);
      for (const q of stats.slowest) console.log(`  ${q.ms.toFixed(1).padStart(7)} ms  ${String(q.total).padStart(6)} hits  ${JSON.stringify(q.text)}`);
    }
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

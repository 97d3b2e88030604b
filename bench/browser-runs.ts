// Owns what every benchmark whose Heron runs go through browser mode in Chromium prepares once: Chromium itself, the
// folder's UIDs on the server (checked against the target), the built renderer and the trace switch.

import { rm } from 'node:fs/promises';
import type { BenchmarkContext } from './benchmarks/types';
import { buildRenderer, findChromium } from './chromium';
import { folderUids } from './flag-changes';
import type { BenchTarget } from './target';

export interface BrowserRuns {
  chromium: string;
  /** Every UID of target.folder on the server, ascending. */
  serverUids: number[];
  /** The built renderer; removed by `dispose`. */
  staticDir: string;
  /** HERON_BENCH_TRACE=1: every store call, event and step of each run. */
  trace?: (line: string) => void;
  dispose(): Promise<void>;
}

/** Null when Chromium is missing (the caller's rows then say skipped, with CHROMIUM_MISSING). */
export async function prepareBrowserRuns(benchmark: string, target: BenchTarget, context: BenchmarkContext): Promise<BrowserRuns | null> {
  const chromium = await findChromium();
  if (!chromium) return null;
  const serverUids = await folderUids(target);
  if (serverUids.length !== target.messages) throw new Error(`${benchmark}: ${target.folder} lists ${serverUids.length} UIDs, expected ${target.messages}`);
  context.log(`building the renderer (vite build) for the ${benchmark} runs ...`);
  const staticDir = await buildRenderer(context.signal);
  const trace = process.env.HERON_BENCH_TRACE === '1' ? (line: string): void => context.log(`  trace ${line}`) : undefined;
  return { chromium, serverUids, staticDir, ...(trace ? { trace } : {}), dispose: () => rm(staticDir, { recursive: true, force: true }) };
}

export const CHROMIUM_MISSING = 'skipped: Chromium not found (install Debian chromium, or set HERON_BENCH_CHROMIUM)';

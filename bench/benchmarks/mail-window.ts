// Owns `list-first-paint` and the rows made from the same runs (scroll frames, renderer heap): the real mail window in
// browser mode, its list over the folder the engine synced into Chromium's IndexedDB.

import { CHROMIUM_MISSING, prepareBrowserRuns } from '../browser-runs';
import { LONG_FRAME_MS } from '../frame-stats';
import { MAIL_WINDOW_METRICS, openMailWindowBench, SCROLL } from '../mail-window';
import type { BenchTarget } from '../target';
import { RENDERER_MEMORY_BUDGET_BYTES } from './imap-envelope-fetch';
import type { BenchmarkContext, BenchmarkDefinition, HeronMetricRow, HeronMetricSpec } from './types';

/** DESIGN.md, Budgets: opening a 100,000-message folder, list painted within 150 ms. */
export const FIRST_PAINT_BUDGET_S = 0.15;

const scrollWhat = `a steady scroll of ${SCROLL.screens} screens at ${SCROLL.screensPerSecond} screens/s from the top of the list`;

export function mailWindowRows(target: BenchTarget): HeronMetricRow[] {
  return [
    {
      name: 'list-scroll-long-frames',
      description: `Heron: frames longer than ${LONG_FRAME_MS} ms (requestAnimationFrame to requestAnimationFrame) during ${scrollWhat} of ${target.folder}; no budget (see bench/README.md)`,
      metric: MAIL_WINDOW_METRICS.scrollLongFrames,
      unit: 'count',
    },
    {
      name: 'list-scroll-frame-p95',
      description: `Heron: p95 frame duration during the same scroll`,
      metric: MAIL_WINDOW_METRICS.scrollFrameP95,
    },
    {
      name: 'renderer-heap-folder-open',
      description: `Heron: the page's peak JS heap (JSHeapUsedSize) from the click that opens ${target.folder} to the end of the scroll`,
      metric: MAIL_WINDOW_METRICS.heapPeak,
      unit: 'bytes',
      budget: { kind: 'bytes', max: RENDERER_MEMORY_BUDGET_BYTES },
    },
  ];
}

export const MAIL_WINDOW_METRIC_SPECS: HeronMetricSpec[] = [
  { metric: MAIL_WINDOW_METRICS.rowsInDom, label: 'first rows in the DOM (click to the React commit, before their frame)', unit: 'seconds' },
  { metric: MAIL_WINDOW_METRICS.scrollFrameP50, label: 'scroll: median frame', unit: 'seconds' },
  { metric: MAIL_WINDOW_METRICS.scrollFrameMax, label: 'scroll: longest frame', unit: 'seconds' },
  { metric: MAIL_WINDOW_METRICS.scrollFrames, label: 'scroll: frames measured', unit: 'count' },
  { metric: MAIL_WINDOW_METRICS.scrollLongTasks, label: 'scroll: long tasks (> 50 ms, Long Tasks API)', unit: 'count' },
  { metric: MAIL_WINDOW_METRICS.scrollPlaceholderFrames, label: 'scroll: frames showing a loading placeholder in view', unit: 'count' },
  { metric: MAIL_WINDOW_METRICS.scrolledRows, label: 'scroll: rows scrolled past', unit: 'count' },
  { metric: MAIL_WINDOW_METRICS.heapBeforeOpen, label: 'renderer JS heap before the click (another folder open, after GC)', unit: 'bytes' },
  { metric: MAIL_WINDOW_METRICS.heapOpen, label: 'renderer JS heap with the folder open, before the scroll', unit: 'bytes', budget: { kind: 'bytes', max: RENDERER_MEMORY_BUDGET_BYTES } },
  { metric: MAIL_WINDOW_METRICS.heapAfterScroll, label: 'renderer JS heap right after the scroll', unit: 'bytes', budget: { kind: 'bytes', max: RENDERER_MEMORY_BUDGET_BYTES } },
  { metric: MAIL_WINDOW_METRICS.heapSettled, label: 'renderer JS heap after the scroll and a GC (what the open folder keeps)', unit: 'bytes' },
];

export async function mailWindow(target: BenchTarget, context: BenchmarkContext): Promise<BenchmarkDefinition> {
  const base = {
    name: 'list-first-paint',
    description:
      `Heron in browser mode (Chromium), ${target.folder} with ${target.messages} messages synced into IndexedDB by the engine beforehand: ` +
      'the page freshly loaded with another folder open; from the click on the folder in the folder pane to the end of the first frame ' +
      'that shows its rows (default view: conversations, newest first)',
    peers: [],
    ratioAgainst: 'imapflow' as const,
    budget: { kind: 'seconds' as const, max: FIRST_PAINT_BUDGET_S },
    heronRows: mailWindowRows(target),
    heronMetrics: MAIL_WINDOW_METRIC_SPECS,
  };
  const runs = await prepareBrowserRuns('list-first-paint', target, context);
  if (!runs) return { ...base, heronNote: CHROMIUM_MISSING };
  const { chromium, serverUids, staticDir, trace } = runs;
  try {
    const bench = await openMailWindowBench({ target, staticDir, chromium, serverUids, signal: context.signal, log: context.log, ...(trace ? { trace } : {}) });
    return {
      ...base,
      heron: (signal) => bench.run(signal),
      dispose: async () => {
        await bench.close();
        await runs.dispose();
      },
    };
  } catch (error) {
    await runs.dispose();
    throw error;
  }
}

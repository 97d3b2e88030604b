// Owns the mail-window measurement on the real path: browser mode (engine in this process, the built renderer in
// Chromium) with the folder synced into the page's on-disk IndexedDB by the engine once (untimed set-up); then each run
// reloads the app with another folder open, clicks the folder (first paint of its list), scrolls the list (frames) and
// reads the page's JS heap.

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { createEngine } from '../src-main/engine/engine';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import { startWebServer } from '../src-main/web/server';
import { createBenchProfile, shutdownEngine } from './bench-profile';
import { launchChromium, REPO_ROOT } from './chromium';
import { EngineProbe } from './engine-probe';
import { frameStats } from './frame-stats';
import { bundlePageScript } from './page-bundle';
import type * as PageApi from './mail-window-page';
import type { RunOutcome } from './measure';
import { countStoredMessages, folderButtonName, jsHeapUsed, STORE_DATABASE } from './page-checks';
import { peakOf, startSampler } from './resource-sampler';
import type { BenchTarget } from './target';

declare global {
  interface Window {
    HeronMailWindowBench: typeof PageApi;
  }
}

/** The renderer's setting that reopens the last folder at load (src-renderer/app/settings.ts, SETTING_KEYS.lastFolder). */
export const LAST_FOLDER_SETTING = 'mail-window.last-folder';

/**
 * 200 screens at 20 screens a second: a fast, steady fling of 10 s (about 12,000 px/s: the list is about 600 px high in
 * Playwright's 1280×720 page), the same distance in every run whatever the folder's size. Top to bottom of a 100,000-row list would be 6.8 million
 * pixels, minutes at any speed a person scrolls, and in the conversation view the list's end is not known until the
 * whole folder has been read.
 */
export const SCROLL = { screens: 200, screensPerSecond: 20 } as const;
/** Far beyond any budget: a list that shows nothing for this long is broken, and the run says so. */
const FIRST_PAINT_LIMIT_MS = 60_000;
/** Page loads and UI waits; generous, because the engine shares this machine's two cores with Chromium. */
const UI_LIMIT_MS = 120_000;

/** The metric names a run reports (RunOutcome.metrics); the run's own `seconds` is the list's first paint. */
export const MAIL_WINDOW_METRICS = {
  rowsInDom: 'listRowsInDom',
  scrollLongFrames: 'scrollLongFramesCount',
  scrollFrameP50: 'scrollFrameP50',
  scrollFrameP95: 'scrollFrameP95',
  scrollFrameMax: 'scrollFrameMax',
  scrollFrames: 'scrollFramesCount',
  scrollLongTasks: 'scrollLongTasksCount',
  scrollPlaceholderFrames: 'scrollPlaceholderFramesCount',
  scrolledRows: 'scrolledRowsCount',
  heapBeforeOpen: 'rendererHeapBeforeOpenBytes',
  heapOpen: 'rendererHeapListOpenBytes',
  heapAfterScroll: 'rendererHeapAfterScrollBytes',
  heapPeak: 'rendererHeapListPeakBytes',
  heapSettled: 'rendererHeapListSettledBytes',
} as const;

export interface MailWindowOptions {
  target: BenchTarget;
  /** The built renderer (chromium.ts buildRenderer). */
  staticDir: string;
  chromium: string;
  /** Every UID of target.folder on the server, ascending: the set-up sync must store them all. */
  serverUids: readonly number[];
  /** Aborts the set-up (the bench was interrupted). */
  signal: AbortSignal;
  log?: (line: string) => void;
  /** HERON_BENCH_TRACE=1: every store call and engine event, as in the sync runs. */
  trace?: (line: string) => void;
}

export interface MailWindowBench {
  run(signal: AbortSignal): Promise<RunOutcome>;
  close(): Promise<void>;
}

/** The folder pane's button for a folder, by the name it shows (`.folder-name`, FolderPane.tsx). */
function folderButton(page: Page, name: string): Locator {
  const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.getByRole('navigation', { name: 'Accounts and folders' }).locator('button.folder', { has: page.locator('.folder-name', { hasText: exact }) });
}

/** MailWindow labels the list "Messages in <the folder's shown name>". */
const listLabel = (name: string): string => `Messages in ${name}`;

/**
 * Untimed set-up, once per bench: a fresh profile, the engine, browser mode's server, Chromium with the page module as
 * an init script; the app syncs the whole folder into IndexedDB. Each run then opens another folder (untimed), so the
 * reloaded page comes up with that one open and the measured folder is opened by the click.
 */
export async function openMailWindowBench(options: MailWindowOptions): Promise<MailWindowBench> {
  const { target, signal } = options;
  const folder = target.folder;
  const undo: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    const failures: string[] = [];
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    if (failures.length > 0) throw new Error(`mail-window: cleanup failed: ${failures.join('; ')}`);
  };
  try {
    const script = await bundlePageScript('mail-window-page.ts', 'HeronMailWindowBench');
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const { profileDir, accountId } = await createBenchProfile(target);
    undo.push(() => rm(profileDir, { recursive: true, force: true }));
    const engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version });
    undo.push(() => shutdownEngine(engine));
    const probe = new EngineProbe({ folder, serverUids: options.serverUids }, options.trace);
    probe.install(engine);
    const server = await startWebServer({ engine, staticDir: options.staticDir, port: 0 });
    undo.push(() => server.close());
    const browser = await launchChromium(options.chromium);
    // Closed first (undo runs in reverse): the tab's socket closes, the engine detaches and drops its connections.
    undo.push(() => browser.close());
    await browser.context.addInitScript({ content: script });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(UI_LIMIT_MS);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');

    options.log?.(`mail-window: syncing ${options.serverUids.length} headers of ${folder} into Chromium's IndexedDB (set-up, untimed) ...`);
    const started = performance.now();
    await page.goto(server.url);
    await probe.until(() => {
      probe.throwIfAccountFailed();
      return probe.tracker !== null && probe.tracker.result.allHeadersMs !== null && probe.accountIdle(accountId) && probe.quiet();
    }, signal);
    const stored = await countStoredMessages(page, accountId, folder);
    if (stored !== options.serverUids.length) throw new Error(`mail-window: the store holds ${stored} rows of ${folder}, but the server's EXISTS is ${options.serverUids.length}`);
    options.log?.(`mail-window: ${stored} headers stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const measuredButton = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('button', { name: folderButtonName(folder) });
    const measuredName = ((await measuredButton.locator('.folder-name').textContent()) ?? '').trim();
    const names = await page.getByRole('navigation', { name: 'Accounts and folders' }).locator('button.folder:not([disabled]) .folder-name').allTextContents();
    const awayName = names.map((name) => name.trim()).find((name) => name !== measuredName);
    if (!awayName) throw new Error(`mail-window: the account has no folder besides ${folder} to open first`);
    const measuredLabel = listLabel(measuredName);
    const awayList = page.getByRole('listbox', { name: listLabel(awayName), exact: true });
    // Opening a folder saves it as the last folder; the run's click saves the measured one, so every run first opens
    // the other folder again and waits until that is stored (a reload before it lands would reopen the measured one).
    const openAway = async (until: AbortSignal): Promise<void> => {
      if (!(await awayList.isVisible())) await folderButton(page, awayName).click();
      await awayList.waitFor();
      const deadline = Date.now() + UI_LIMIT_MS;
      for (;;) {
        const stored = await page.evaluate(([database, key]) => window.HeronMailWindowBench.lastFolderPath(database, key), [STORE_DATABASE, LAST_FOLDER_SETTING] as const);
        if (stored !== null && stored !== folder) break;
        if (Date.now() > deadline) throw new Error(`mail-window: opening ${awayName} never replaced ${folder} as the last folder`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await probe.until(() => probe.quiet(), until);
    };
    options.log?.(`mail-window: each run opens ${measuredName} with ${awayName} open before`);

    return {
      close,
      run: async (runSignal) => {
        await openAway(runSignal);
        // A fresh page: the app loads with the other folder open, the engine attaches again and runs its round.
        const mark = probe.events.length;
        await page.reload();
        await awayList.waitFor();
        await probe.until(() => {
          probe.throwIfAccountFailed();
          const idle = probe.events.slice(mark).some((event) => event.type === 'account-state' && event.accountId === accountId && event.state === 'idle');
          return idle && probe.quiet();
        }, runSignal);
        await cdp.send('HeapProfiler.collectGarbage');
        const heapBeforeOpen = await jsHeapUsed(cdp);

        await page.evaluate((label) => window.HeronMailWindowBench.armFirstPaint(label), measuredLabel);
        const heap = startSampler(() => jsHeapUsed(cdp));
        let readings: number[] | null = null;
        try {
          const callsBefore = probe.uiOpenFolderCalls;
          await measuredButton.click();
          const paint = await page.evaluate((ms) => window.HeronMailWindowBench.firstPaint(ms), FIRST_PAINT_LIMIT_MS);
          // The click also asked the engine to sync the folder; the scroll starts once that and its store calls are done.
          await probe.until(() => (probe.throwIfAccountFailed(), probe.uiOpenFolderCalls > callsBefore && probe.quiet()), runSignal);
          const heapOpen = await jsHeapUsed(cdp);
          const scroll = await page.evaluate(([label, plan]) => window.HeronMailWindowBench.scrollList(label, plan), [measuredLabel, SCROLL] as const);
          const heapAfterScroll = await jsHeapUsed(cdp);
          readings = await heap.stop();
          await cdp.send('HeapProfiler.collectGarbage');
          const heapSettled = await jsHeapUsed(cdp);

          const frames = frameStats(scroll.stamps);
          const peak = peakOf(readings, heapBeforeOpen).peak ?? heapAfterScroll;
          return {
            seconds: (paint.paintedAt - paint.clickAt) / 1000,
            metrics: {
              [MAIL_WINDOW_METRICS.rowsInDom]: (paint.rowsAt - paint.clickAt) / 1000,
              [MAIL_WINDOW_METRICS.scrollLongFrames]: frames.longFrames,
              [MAIL_WINDOW_METRICS.scrollFrameP50]: frames.p50Ms / 1000,
              [MAIL_WINDOW_METRICS.scrollFrameP95]: frames.p95Ms / 1000,
              [MAIL_WINDOW_METRICS.scrollFrameMax]: frames.maxMs / 1000,
              [MAIL_WINDOW_METRICS.scrollFrames]: frames.frames,
              [MAIL_WINDOW_METRICS.scrollLongTasks]: scroll.longTasks,
              [MAIL_WINDOW_METRICS.scrollPlaceholderFrames]: scroll.placeholderFrames,
              [MAIL_WINDOW_METRICS.scrolledRows]: Math.round(scroll.scrolledPx / scroll.rowPx),
              [MAIL_WINDOW_METRICS.heapBeforeOpen]: heapBeforeOpen,
              [MAIL_WINDOW_METRICS.heapOpen]: heapOpen,
              [MAIL_WINDOW_METRICS.heapAfterScroll]: heapAfterScroll,
              [MAIL_WINDOW_METRICS.heapPeak]: Math.max(peak, heapOpen, heapAfterScroll),
              [MAIL_WINDOW_METRICS.heapSettled]: heapSettled,
            },
          };
        } finally {
          if (readings === null) await heap.stop();
        }
      },
    };
  } catch (error) {
    await close().catch((cleanup: Error) => options.log?.(cleanup.message));
    throw error;
  }
}

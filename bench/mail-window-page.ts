// The page side of the mail-window bench, injected into Heron's own page (an init script): times the message list's
// first paint after the click that opens a folder, scrolls the list at a steady speed recording every frame, and reads
// the last-folder setting. Bundled on its own (bench/mail-window.ts), so it shares no module state with the app.

export interface FirstPaint {
  /** The click event's time: when the input reached the page (performance.now() clock, like the rest). */
  clickAt: number;
  /** When the opened folder's first rows were in the DOM. */
  rowsAt: number;
  /** When the frame that shows them had done its rendering work (a task posted from that frame's animation callback). */
  paintedAt: number;
  /** Rows in that first frame. */
  rows: number;
}

export interface ScrollOptions {
  screens: number;
  screensPerSecond: number;
}

export interface ScrollResult {
  /** requestAnimationFrame timestamps from the first frame of the scroll to the first after it. */
  stamps: number[];
  longTasks: number;
  /** Frames that began with a placeholder (a row still loading) inside the visible part of the list. */
  placeholderFrames: number;
  screenPx: number;
  /** A row's height, for turning pixels into rows. */
  rowPx: number;
  plannedPx: number;
  /** Where the scroll ended (less than planned when the list is shorter). */
  scrolledPx: number;
}

const listSelector = (label: string): string => `[role="listbox"][aria-label="${CSS.escape(label)}"]`;

function rowCount(label: string): number {
  return document.querySelector(listSelector(label))?.querySelectorAll('[role="option"]').length ?? 0;
}

let pendingPaint: Promise<FirstPaint> | null = null;

/**
 * Watches for the next click and then for the first rows in the list labelled `label` (MailWindow labels it
 * "Messages in <folder>"): the listbox of another folder never counts. Call before clicking.
 */
export function armFirstPaint(label: string): void {
  if (rowCount(label) > 0) throw new Error(`"${label}" already shows rows before the click: the folder was open already`);
  pendingPaint = new Promise((resolve) => {
    let clickAt: number | null = null;
    const observer = new MutationObserver(() => check());
    const check = (): void => {
      const rows = clickAt === null ? 0 : rowCount(label);
      if (clickAt === null || rows === 0) return;
      observer.disconnect();
      const clicked = clickAt;
      const rowsAt = performance.now();
      requestAnimationFrame(() => {
        // A task posted from the frame's animation callback runs once that frame's style, layout and paint are done.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ clickAt: clicked, rowsAt, paintedAt: performance.now(), rows });
        channel.port2.postMessage(null);
      });
    };
    // The label changes with the folder in the same render that swaps the rows, so both kinds of change are watched.
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
    addEventListener(
      'click',
      (event) => {
        clickAt = event.timeStamp;
        check();
      },
      { capture: true, once: true },
    );
  });
}

export function firstPaint(timeoutMs: number): Promise<FirstPaint> {
  const pending = pendingPaint;
  if (!pending) return Promise.reject(new Error('armFirstPaint() first'));
  pendingPaint = null;
  return Promise.race([pending, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`no rows painted within ${timeoutMs / 1000} s of the click`)), timeoutMs))]);
}

/** Where a row's inline style puts it (MessageRow and PlaceholderRow place rows by translateY and height), read without a layout. */
function rowSpan(row: HTMLElement): { top: number; bottom: number } {
  const top = Number(/translateY\((-?[\d.]+)px\)/.exec(row.style.transform)?.[1] ?? NaN);
  return { top, bottom: top + parseFloat(row.style.height) };
}

/**
 * Scrolls the list from the top at a steady speed, setting scrollTop once per frame (as a fast wheel or a flick
 * does), for `screens` screens. Records every frame and the Long Tasks that occur meanwhile.
 */
export function scrollList(label: string, options: ScrollOptions): Promise<ScrollResult> {
  const list = document.querySelector<HTMLElement>(listSelector(label));
  if (!list) return Promise.reject(new Error(`no list labelled "${label}"`));
  const screenPx = list.clientHeight;
  const rowPx = parseFloat(list.querySelector<HTMLElement>('[role="option"]')?.style.height ?? '');
  const plannedPx = screenPx * options.screens;
  const pxPerMs = (screenPx * options.screensPerSecond) / 1000;
  const stamps: number[] = [];
  let longTasks = 0;
  let placeholderFrames = 0;
  const observer = new PerformanceObserver((entries) => void (longTasks += entries.getEntries().length));
  observer.observe({ type: 'longtask' });
  list.scrollTop = 0;
  // The offset set last frame: reading scrollTop back would force a layout in the middle of the measurement.
  let shownFrom = 0;
  return new Promise((resolve) => {
    const frame = (now: number): void => {
      stamps.push(now);
      const placeholders = list.querySelectorAll<HTMLElement>('.row.placeholder');
      for (const placeholder of placeholders) {
        const { top, bottom } = rowSpan(placeholder);
        if (bottom > shownFrom && top < shownFrom + screenPx) {
          placeholderFrames++;
          break;
        }
      }
      // Ends on the frame after the step that reached the planned distance, so that step's frame is measured too.
      if (shownFrom >= plannedPx) {
        observer.disconnect();
        resolve({ stamps, longTasks, placeholderFrames, screenPx, rowPx, plannedPx, scrolledPx: list.scrollTop });
        return;
      }
      shownFrom = Math.min(plannedPx, (now - (stamps[0] as number)) * pxPerMs);
      list.scrollTop = shownFrom;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/** The folder path stored under the last-folder setting (raw IndexedDB: the app's Dexie is not reachable from here). */
export async function lastFolderPath(database: string, key: string): Promise<string | null> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(database);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const row = await new Promise<{ value?: { path?: unknown } } | undefined>((resolve, reject) => {
      const request = db.transaction('settings', 'readonly').objectStore('settings').get(key);
      request.onsuccess = () => resolve(request.result as { value?: { path?: unknown } } | undefined);
      request.onerror = () => reject(request.error);
    });
    return typeof row?.value?.path === 'string' ? row.value.path : null;
  } finally {
    db.close();
  }
}

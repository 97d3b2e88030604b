// Owns the `indexeddb-floor` peer of the header-sync row: what Chromium's IndexedDB alone costs for one record per
// message, so the row shows how much of Heron's time any store of that shape must spend.

import { findChromium, launchChromium, type LaunchedBrowser } from './chromium';
import type { Contender } from './measure';
import { bundlePageScript, servePage, type ServedPage } from './page-bundle';

declare global {
  interface Window {
    HeronIndexedDbFloor: { run(messages: number): Promise<number> };
  }
}

/** A page in its own Chromium profile; each run deletes the database first, so every run writes into an empty one. */
export function indexedDbFloorContender(messages: number): Contender & { dispose(): Promise<void> } {
  let served: ServedPage | null = null;
  let browser: LaunchedBrowser | null = null;
  return {
    prepare: async () => {
      if (browser) return;
      const chromium = await findChromium();
      if (!chromium) throw new Error('indexeddb-floor: Chromium not found');
      served = await servePage(await bundlePageScript('indexeddb-floor-page.ts', 'HeronIndexedDbFloor'), 'Heron IndexedDB floor');
      browser = await launchChromium(chromium);
    },
    run: async () => {
      if (!browser || !served) throw new Error('indexeddb-floor: not prepared');
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(served.url);
      return { seconds: await page.evaluate((n) => window.HeronIndexedDbFloor.run(n), messages) };
    },
    dispose: async () => {
      await browser?.close();
      await served?.close();
    },
  };
}

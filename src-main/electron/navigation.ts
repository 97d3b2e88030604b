// Navigation and new-window guards for every webContents (Electron security checklist items 13-15).

import type { HandlerDetails, WebContents, WindowOpenHandlerResponse } from 'electron';
import { isAppUrl } from './app-origin';
import { toSafeExternalUrl } from './external-url';

export { isAppUrl } from './app-origin';

/** The documents a subframe may hold: the message view is an `<iframe sandbox srcdoc>`. */
const SUBFRAME_DOCUMENTS = new Set(['about:srcdoc', 'about:blank']);

/**
 * Whether a frame may navigate to `url`. The main frame: only the app origin. A subframe: only the
 * srcdoc/blank documents of the message view (the app never frames its own pages; its CSP says
 * frame-src 'none' and frame-ancestors 'none' too). Everything else (http(s) links clicked inside a
 * message, meta refresh, `location = ...`) is stopped; links leave Heron only through openExternal.
 */
export function isAllowedNavigation(url: string, isMainFrame: boolean): boolean {
  return isMainFrame ? isAppUrl(url) : SUBFRAME_DOCUMENTS.has(url);
}

/** The part of Electron's will-navigate / will-frame-navigate / will-redirect event the guard reads. */
export interface NavigationEventLike {
  readonly url: string;
  readonly isMainFrame: boolean;
  preventDefault(): void;
}

export type Log = (message: string) => void;

/** The will-navigate / will-frame-navigate / will-redirect listener: preventDefault unless allowed. */
export function createNavigationGuard(log: Log = () => {}): (event: NavigationEventLike) => void {
  return (event) => {
    if (isAllowedNavigation(event.url, event.isMainFrame)) return;
    event.preventDefault();
    log(`blocked navigation of a ${event.isMainFrame ? 'window' : 'frame'} to ${JSON.stringify(event.url.slice(0, 200))}`);
  };
}

/**
 * The setWindowOpenHandler handler: never opens a window. If the URL is a safe http(s) link, it goes to
 * the system browser through `openExternal` (given the normalized URL); anything else is only logged.
 */
export function createWindowOpenHandler(
  openExternal: (url: string) => Promise<void>,
  log: Log = () => {},
): (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse {
  return ({ url }) => {
    const safe = toSafeExternalUrl(url);
    if (safe !== null) {
      openExternal(safe).catch((error: unknown) => log(`could not open ${safe}: ${String(error)}`));
    } else {
      log(`blocked a new window for ${JSON.stringify(String(url).slice(0, 200))}`);
    }
    return { action: 'deny' };
  };
}

export interface HardenOptions {
  openExternal: (url: string) => Promise<void>;
  log?: Log;
}

/**
 * Applies the guards to one webContents (main.ts calls it from app 'web-contents-created', so every
 * webContents gets them): navigation and redirects limited to the app origin, no new windows, no webviews.
 */
export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const log = options.log ?? (() => {});
  const guard = createNavigationGuard(log);
  contents.on('will-navigate', (event) => guard(event));
  contents.on('will-frame-navigate', (event) => guard(event));
  contents.on('will-redirect', (event) => guard(event));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  contents.setWindowOpenHandler(createWindowOpenHandler(options.openExternal, log));
}

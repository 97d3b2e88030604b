// Navigation and new-window guards for every webContents (Electron security checklist items 13-15).

import type { HandlerDetails, WebContents, WindowOpenHandlerResponse } from 'electron';
import { isAppUrl } from './app-origin';
import { decideLink, parseOpenRequest, type LinkQuestion } from './link-request';

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

/** Asks the person whether to open a link that needs care; resolves true only on an explicit yes. */
export type ConfirmLink = (question: LinkQuestion) => Promise<boolean>;

/**
 * The setWindowOpenHandler handler: never opens a window. A link from a message arrives as the reader's
 * `app://heron/open?url=…&text=…` request; any other URL is taken as a link with no text. The link is checked again
 * here: a safe http(s) one goes to the system browser through `openExternal`, one that needs care only after
 * `confirm` says yes, and anything else (every other app:// URL included) is only logged.
 */
export function createWindowOpenHandler(
  openExternal: (url: string) => Promise<void>,
  confirm: ConfirmLink,
  log: Log = () => {},
): (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse {
  const open = (url: string) => openExternal(url).catch((error: unknown) => log(`could not open ${url}: ${String(error)}`));
  return ({ url }) => {
    const decision = decideLink(parseOpenRequest(url) ?? { url: String(url), text: '' });
    if (decision.kind === 'open') {
      void open(decision.url);
    } else if (decision.kind === 'confirm') {
      void confirm(decision.question).then(
        (yes) => (yes ? open(decision.url) : log(`did not open ${decision.url}: not confirmed`)),
        (error: unknown) => log(`could not ask before opening ${decision.url}: ${String(error)}`),
      );
    } else {
      log(`blocked a new window for ${JSON.stringify(String(url).slice(0, 200))}: ${decision.reason}`);
    }
    return { action: 'deny' };
  };
}

export interface HardenOptions {
  openExternal: (url: string) => Promise<void>;
  /** Asks in the window of this webContents. */
  confirm: ConfirmLink;
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
  contents.setWindowOpenHandler(createWindowOpenHandler(options.openExternal, options.confirm, log));
}

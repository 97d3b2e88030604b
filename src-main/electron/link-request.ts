// What the shell does with a link from a message: reads the app://heron/open request the reader made, checks the link again, and decides.

import { checkLink, displayHost, registrableHost } from '../../shared/links';
import { isAppUrl } from './app-origin';

/** The path of the requests the reader turns message links into (`${APP_ORIGIN}/open?url=…&text=…`). */
export const OPEN_REQUEST_PATH = '/open';

/** Link text is only compared; the reader sends no more than this, and more would only make the question unwieldy. */
const MAX_TEXT_CHARS = 500;

export interface LinkRequest {
  url: string;
  text: string;
}

/** A native message box (Electron's MessageBoxOptions subset): "Cancel" is the default and what Escape answers. */
export interface LinkQuestion {
  type: 'warning';
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
}

/** The index in LinkQuestion.buttons of the one answer that opens the link. */
export const OPEN_BUTTON = 1;

export type LinkDecision =
  | { kind: 'open'; url: string }
  | { kind: 'confirm'; url: string; question: LinkQuestion }
  | { kind: 'block'; reason: string };

/**
 * The link and its text when `requestUrl` is exactly an open request: the app origin (no user info, no port, no other
 * host) and the path /open, with one `url` parameter and no fragment. Anything else is null: not a request.
 */
export function parseOpenRequest(requestUrl: string): LinkRequest | null {
  if (!isAppUrl(requestUrl)) return null;
  const parsed = new URL(requestUrl);
  if (parsed.pathname !== OPEN_REQUEST_PATH || parsed.hash !== '') return null;
  const urls = parsed.searchParams.getAll('url');
  const texts = parsed.searchParams.getAll('text');
  if (urls.length !== 1 || texts.length > 1) return null;
  return { url: urls[0] ?? '', text: (texts[0] ?? '').slice(0, MAX_TEXT_CHARS) };
}

/**
 * Checks the link again here (nothing the renderer decided is trusted) and says what to do: open it in the system
 * browser, ask first (text showing another site, look-alike letters, a numeric address), or refuse it. Only http(s)
 * leaves this way; mailto: and every other scheme are refused.
 */
export function decideLink({ url, text }: LinkRequest): LinkDecision {
  const check = checkLink(url, text);
  if (check.action === 'block' || !check.url) return { kind: 'block', reason: check.reason ?? 'Heron does not open this link.' };
  if (!/^https?:/i.test(check.url)) return { kind: 'block', reason: 'Only web links (http and https) open outside Heron.' };
  if (check.action === 'open') return { kind: 'open', url: check.url };
  const domain = displayHost(registrableHost(new URL(check.url).hostname));
  return {
    kind: 'confirm',
    url: check.url,
    question: {
      type: 'warning',
      message: 'This link may not go where it says',
      detail: `${check.reason ?? ''}\n\nFull address: ${check.url}`,
      buttons: ['Cancel', `Open ${domain}`],
      defaultId: 0,
      cancelId: 0,
    },
  };
}

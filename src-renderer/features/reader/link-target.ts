// Turns a link from a message into what the message frame gets: where a click goes, the tooltip, or nothing when it is refused.

import type { AppMode } from '../../../shared/contract';
import { checkLink, type LinkAction } from '../../../shared/links';

export interface LinkPolicy {
  mode: AppMode;
  /**
   * The absolute URL of the app's `/open` (`${origin}/open`): in browser mode the engine's confirmation page; in the
   * desktop app a request the shell's window-open handler reads (and denies as a window), so nothing ever loads it.
   */
  openLinkBase: string;
  /** Browser mode: AppInfo.linkToken, which the confirmation page requires. The desktop app needs none. */
  linkToken: string | null;
}

export interface LinkTarget {
  action: LinkAction;
  /** The href the frame gets; null makes the link inert. */
  href: string | null;
  /** Shown on hover: the real destination, and why it needs care. */
  title: string;
  /** An in-message anchor (#section): followed inside the frame, no new window. */
  sameDocument: boolean;
}

/** Link text travels to the confirmation page only to be compared; more than this adds nothing. */
const MAX_TEXT_CHARS = 500;

/**
 * Every http(s) link becomes a new-window link to `/open` with the URL and its text (the frame never navigates).
 * Browser mode: the engine's token-guarded confirmation page, which checks it again and shows the real destination.
 * Desktop app: the shell's window-open handler checks it again, asks first when it needs care, and hands it to the
 * system browser. mailto: links keep their own URL.
 */
export function linkTarget(href: string, text: string, policy: LinkPolicy): LinkTarget {
  const trimmed = href.trim();
  if (/^#[^\s"'<>]*$/.test(trimmed)) return { action: 'open', href: trimmed, title: '', sameDocument: true };
  const check = checkLink(href, text);
  if (check.action === 'block' || !check.url) return { action: 'block', href: null, title: check.reason ?? 'Heron does not open this link.', sameDocument: false };
  const title = check.action === 'confirm' ? `${check.url}\n${check.reason ?? ''}` : check.url;
  if (check.url.startsWith('mailto:')) return { action: check.action, href: check.url, title, sameDocument: false };
  const query = new URLSearchParams({ url: check.url, text: text.trim().slice(0, MAX_TEXT_CHARS) });
  if (policy.mode === 'browser') {
    // Without its token the page would refuse the link, so it stays the checked URL itself.
    if (!policy.linkToken) return { action: check.action, href: check.url, title, sameDocument: false };
    query.set('t', policy.linkToken);
  }
  return { action: check.action, href: `${policy.openLinkBase}?${query.toString()}`, title, sameDocument: false };
}

// Turns a link from a message into what the message frame gets: where a click goes, the tooltip, or nothing when it is refused.

import type { AppMode } from '../../../shared/contract';
import { checkLink, type LinkAction } from '../../../shared/links';

export interface LinkPolicy {
  mode: AppMode;
  /** Browser mode: the absolute URL of the engine's confirmation page (`${origin}/open`); null in the desktop app. */
  openLinkBase: string | null;
  /** Browser mode: AppInfo.linkToken, which that page requires. */
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
 * Every http(s) link becomes a new-window link (the frame never navigates): in browser mode to the engine's
 * token-guarded confirmation page, which checks it again and shows the real destination; in the desktop app
 * to the checked URL itself, which the shell's window-open handler validates and hands to the system browser.
 */
export function linkTarget(href: string, text: string, policy: LinkPolicy): LinkTarget {
  const trimmed = href.trim();
  if (/^#[^\s"'<>]*$/.test(trimmed)) return { action: 'open', href: trimmed, title: '', sameDocument: true };
  const check = checkLink(href, text);
  if (check.action === 'block' || !check.url) return { action: 'block', href: null, title: check.reason ?? 'Heron does not open this link.', sameDocument: false };
  const title = check.action === 'confirm' ? `${check.url}\n${check.reason ?? ''}` : check.url;
  if (check.url.startsWith('mailto:')) return { action: check.action, href: check.url, title, sameDocument: false };
  if (policy.mode === 'browser' && policy.openLinkBase && policy.linkToken) {
    const query = new URLSearchParams({ url: check.url, text: text.trim().slice(0, MAX_TEXT_CHARS), t: policy.linkToken });
    return { action: check.action, href: `${policy.openLinkBase}?${query.toString()}`, title, sameDocument: false };
  }
  return { action: check.action, href: check.url, title, sameDocument: false };
}

// Which links may leave Heron for the system browser: http(s) only (security.md A8; Tutanota CVE-2023-46116).

import { HeronError } from '../../shared/errors';

/** Longer URLs are refused: no real link needs more, and some OS launchers truncate or misparse them. */
export const MAX_EXTERNAL_URL_LENGTH = 8192;

/** Whitespace and control characters anywhere (URL parsing would silently strip or drop some of them). */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\]/;

/**
 * The normalized URL to hand to the OS, or null when the link must not leave Heron.
 * Accepted: an absolute `http://` or `https://` URL, parsed by the WHATWG URL parser (never a prefix test),
 * with a host and no user:password@. Refused: anything unparseable, every other scheme (file:, smb:, ftp:,
 * javascript:, data:, vbscript:, ms-msdt:, search-ms:, custom schemes), UNC paths, backslashes,
 * whitespace or control characters anywhere (the parser would strip them and change the meaning), and
 * over-long URLs.
 */
export function toSafeExternalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_EXTERNAL_URL_LENGTH) return null;
  if (FORBIDDEN_CHARACTERS.test(url)) return null;
  // The scheme must be spelled out with its slashes, exactly as written: `https:example.com` is refused.
  if (!/^https?:\/\//i.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.hostname === '') return null;
  return parsed.href;
}

/** True when the link may be opened in the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  return toSafeExternalUrl(url) !== null;
}

/**
 * Wraps the OS opener (Electron's shell.openExternal) so it only ever sees validated, normalized http(s)
 * URLs. A refused link rejects with HeronError('invalid-input'), which crosses RPC as plain data.
 */
export function createExternalOpener(
  open: (url: string) => Promise<void>,
  log?: (message: string) => void,
): (url: string) => Promise<void> {
  return async (url) => {
    const safe = toSafeExternalUrl(url);
    if (safe === null) {
      log?.(`refused to open a link outside Heron: ${JSON.stringify(String(url).slice(0, 200))}`);
      throw new HeronError('invalid-input', 'Heron opens only web links (http and https) outside the app.');
    }
    await open(safe);
  };
}

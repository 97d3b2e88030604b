// Decides what a click on a link in a message may do: open it, ask first (deceptive text, look-alike host), or refuse it.

import { hostToUnicode } from './punycode';

export type LinkAction = 'open' | 'confirm' | 'block';

export interface LinkCheck {
  action: LinkAction;
  /** The normalized URL to open (hosts in their ASCII/punycode form); absent when blocked. */
  url?: string;
  /** Why the link needs a confirmation or was refused, in words a person can act on. */
  reason?: string;
}

/** No real link needs more; some OS launchers truncate or misparse longer ones (the desktop shell uses the same limit). */
export const MAX_LINK_LENGTH = 8192;

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Invisible characters that can hide or reorder what link text seems to say. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** File names in link text ("report.pdf") look like host names; these endings are not top-level domains. */
const FILE_ENDINGS = new Set([
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'txt', 'csv', 'rtf', 'jpg', 'jpeg', 'png', 'gif',
  'webp', 'svg', 'bmp', 'tif', 'tiff', 'html', 'htm', 'php', 'asp', 'aspx', 'jsp', 'exe', 'msi', 'dmg', 'json', 'xml',
  'mp3', 'mp4', 'wav', 'avi', 'mkv', 'ics', 'vcf', 'eml', 'gz', 'tgz', 'rar', '7z',
]);

/** Second-level labels under which country domains register names (bank.co.uk): the registrable part has three labels. */
const REGISTRY_SECOND_LEVELS = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'mil', 'nic', 'ltd', 'plc', 'sch', 'nhs', 'police']);

/** Cyrillic and Greek letters that are drawn like Latin ones; a label made only of them imitates a Latin name. */
const LATIN_LOOKALIKES = new Set([...'аеорсухіјѕԁԛԝһӏүвкмнтгпьɑ', ...'αοιυνκτρχεβ']);

type Script = 'latin' | 'cyrillic' | 'greek' | 'other';

function scriptOf(char: string): Script | null {
  if (!/\p{L}/u.test(char)) return null;
  if (/\p{Script=Latin}/u.test(char)) return 'latin';
  if (/\p{Script=Cyrillic}/u.test(char)) return 'cyrillic';
  if (/\p{Script=Greek}/u.test(char)) return 'greek';
  return 'other';
}

/** Why a Unicode label could pass for another name: Latin mixed with Cyrillic or Greek, or a whole label of look-alikes. */
function confusableLabel(label: string, tldScript: Script | null): boolean {
  const scripts = new Set<Script>();
  for (const char of label) {
    const script = scriptOf(char);
    if (script) scripts.add(script);
  }
  const lookalikeScripts = [...scripts].filter((s) => s !== 'other');
  if (lookalikeScripts.length > 1) return true;
  const only = lookalikeScripts[0];
  if ((only === 'cyrillic' || only === 'greek') && scripts.size === 1 && tldScript !== only) {
    return [...label].every((char) => !/\p{L}/u.test(char) || LATIN_LOOKALIKES.has(char));
  }
  return false;
}

/** True when a host's international labels imitate Latin ones (UTS #39 in spirit: mixed scripts, whole-script look-alikes). */
export function isConfusableHost(asciiHost: string): boolean {
  if (!/(^|\.)xn--/i.test(asciiHost)) return false;
  const labels = hostToUnicode(asciiHost).split('.');
  const tld = labels[labels.length - 1] ?? '';
  const tldScript = [...tld].map(scriptOf).find((s) => s !== null) ?? null;
  return labels.some((label) => confusableLabel(label, tldScript));
}

function isIpHost(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** Lower-case ASCII form without a trailing dot, as `new URL()` gives it (IDNA ToASCII). */
function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** The registrable part of a host, roughly (no public suffix list): "login.bank.example" → "bank.example". */
export function registrableHost(host: string): string {
  if (isIpHost(host)) return host;
  const labels = normalizeHost(host).split('.');
  if (labels.length <= 2) return labels.join('.');
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const keep = tld.length === 2 && REGISTRY_SECOND_LEVELS.has(second) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

function hostOfUrlText(token: string): string | null {
  try {
    const url = new URL(token);
    return url.hostname ? normalizeHost(url.hostname) : null;
  } catch {
    return null;
  }
}

/** A bare "bank.example/login" token read as a host name, or null when it does not look like one. */
function hostOfBareToken(token: string): string | null {
  if (token.includes('@')) return null;
  const host = /^([^/?#:\s]+)(?::\d{1,5})?(?:[/?#].*)?$/u.exec(token)?.[1];
  if (!host) return null;
  const labels = host.replace(/\.$/, '').split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host;
  if (labels.length < 2 || labels.some((label) => !/^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u.test(label))) return null;
  if (!(/^\p{L}{2,63}$/u.test(tld) || /^xn--[a-z0-9-]+$/i.test(tld)) || FILE_ENDINGS.has(tld.toLowerCase())) return null;
  return hostOfUrlText(`http://${host}`);
}

/** The first host name the visible text of a link shows ("https://bank.example", "www.bank.example"), in ASCII form. */
export function hostShownIn(text: string): string | null {
  for (const raw of text.replace(INVISIBLE, '').split(/\s+/)) {
    const token = raw.replace(/^[<([{"'«“‘]+/u, '').replace(/[>)\]}"'».,;:!?“”’]+$/u, '');
    if (!token) continue;
    const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(token) ? hostOfUrlText(token) : hostOfBareToken(token);
    if (host) return host;
  }
  return null;
}

/** How a host is named to a person: in Unicode, unless that form would itself deceive. */
export function displayHost(asciiHost: string): string {
  return isConfusableHost(asciiHost) ? asciiHost : hostToUnicode(asciiHost);
}

function blocked(reason: string): LinkCheck {
  return { action: 'block', reason };
}

/**
 * What to do with a link whose href is `href` and whose visible text is `text`. Only http, https and mailto
 * are allowed. An http(s) link asks first when its text shows another site than the one it goes to (compared
 * by registrable host, after IDNA ToASCII), when its host imitates Latin letters with other scripts, or when
 * it goes to a bare IP address. user:password@ in a web link is refused: it exists to disguise the host.
 */
export function checkLink(href: string, text: string): LinkCheck {
  if (href.length > MAX_LINK_LENGTH) return blocked('This link is too long to be a real web address.');
  let url: URL;
  try {
    // The WHATWG parser strips tabs and newlines exactly as the browser would ("java\tscript:" is javascript:).
    url = new URL(href.trim());
  } catch {
    return blocked('This link is not a complete web address.');
  }
  const protocol = url.protocol.toLowerCase();
  if (!ALLOWED_PROTOCOLS.has(protocol)) return blocked(`Heron does not open ${protocol.replace(/:$/, '') || 'these'} links.`);
  if (protocol === 'mailto:') return { action: 'open', url: url.href };
  const host = normalizeHost(url.hostname);
  if (!host) return blocked('This link has no web address.');
  if (url.username !== '' || url.password !== '') {
    return blocked(`This link hides its real destination (${host}) behind "${decodeURIComponent(url.username)}@".`);
  }

  const reasons: string[] = [];
  const shown = hostShownIn(text);
  if (shown && registrableHost(shown) !== registrableHost(host)) {
    reasons.push(`The link text shows ${displayHost(shown)}, but the link goes to ${host}.`);
  }
  if (isConfusableHost(host)) {
    reasons.push(`The address ${host} is written with international letters that look like others (it reads as ${hostToUnicode(host)}).`);
  }
  if (isIpHost(host)) reasons.push(`The link goes to a numeric address (${host}), not to a named site.`);
  return reasons.length > 0 ? { action: 'confirm', url: url.href, reason: reasons.join(' ') } : { action: 'open', url: url.href };
}

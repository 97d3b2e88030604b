// What the reader says about who sent a message: authentication verdicts from trusted servers only, and display-name tricks.

import { parseAuthResults, type AuthSummary } from '../../../shared/auth-results';
import type { AccountSummary, Address } from '../../../shared/model';

/** An address written inside a display name; NFKC first, so a fullwidth "＠" counts as "@". */
const ADDRESS_IN_NAME = /[^\s<>"'()@,;:[\]]+@[^\s<>"'()@,;:[\]]+\.[^\s<>"'()@,;:[\]]+/u;

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Marks that change the drawing direction; they are not drawn themselves. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** A right-to-left override or isolate: what follows is drawn backwards, so "vog.esuohetihw@sutop" reads as potus@whitehouse.gov. */
const RIGHT_TO_LEFT = /[\u200f\u202b\u202e\u2067]/u;

/** The address a display name pretends to be ("security@bank.example" <attacker@evil.test>), or null. */
export function addressInDisplayName(sender: Address): string | null {
  const name = sender.name.normalize('NFKC');
  const drawn = name.replace(BIDI_CONTROLS, '');
  // Read as stored and, where the name turns right-to-left, roughly as drawn.
  const readings = RIGHT_TO_LEFT.test(name) ? [drawn, [...drawn].reverse().join('')] : [drawn];
  for (const reading of readings) {
    const shown = ADDRESS_IN_NAME.exec(reading)?.[0];
    if (shown && normalizeAddress(shown) !== normalizeAddress(sender.address)) return shown;
  }
  return null;
}

/** Warnings about the From header itself (security.md B14). */
export function senderWarnings(from: readonly Address[]): string[] {
  const warnings: string[] = [];
  if (from.length > 1) warnings.push('This message names more than one sender. Be careful: only one of them really sent it, if any.');
  for (const sender of from) {
    const shown = addressInDisplayName(sender);
    if (shown) warnings.push(`The sender's name shows the address ${shown}, but the message was sent from ${sender.address}.`);
  }
  return warnings;
}

/** Authserv-ids whose Authentication-Results Heron believes: the account's own incoming server (settings may add more later). */
export function trustedAuthservIds(account: AccountSummary): string[] {
  return [account.incoming.host];
}

export function authSummary(authResults: readonly string[] | undefined, account: AccountSummary): AuthSummary {
  // Bodies cached before Heron read these headers have none: nothing to report, not a failure.
  return parseAuthResults(authResults ?? [], trustedAuthservIds(account));
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The settings key that remembers "always show remote content" for one real sender address. */
export function remoteContentKey(address: string): string {
  return `remote-content:${normalizeAddress(address)}`;
}

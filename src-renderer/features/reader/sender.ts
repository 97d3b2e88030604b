// What the reader says about who sent a message: authentication verdicts from trusted servers only, and display-name tricks.

import { parseAuthResults, type AuthSummary } from '../../../shared/auth-results';
import type { AccountSummary, Address } from '../../../shared/model';

/** An address written inside a display name; NFKC first, so a fullwidth "＠" counts as "@". */
const ADDRESS_IN_NAME = /[^\s<>"'()@,;:[\]]+@[^\s<>"'()@,;:[\]]+\.[^\s<>"'()@,;:[\]]+/u;

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The address a display name pretends to be ("security@bank.example" <attacker@evil.test>), or null. */
export function addressInDisplayName(sender: Address): string | null {
  const shown = ADDRESS_IN_NAME.exec(sender.name.normalize('NFKC'))?.[0];
  if (!shown) return null;
  return normalizeAddress(shown) === normalizeAddress(sender.address) ? null : shown;
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

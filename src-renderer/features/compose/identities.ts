// The addresses a person sends from with one account, each with its signature, as kept in the settings table.

import type { AccountSummary } from '../../../shared/model';
import type { SettingValue } from '../../store/rows';
import { isValidAddress } from './address-input';

/** One From a message can have. */
export interface Identity {
  name: string;
  address: string;
  /** Plain text; the composer adds the "-- " separator. */
  signature: string;
}

/** The settings-table key of one account's identities. */
export const identitiesKey = (accountId: string) => `compose.identities.${accountId}`;

function storedIdentity(value: SettingValue): Identity | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { name, address, signature } = value;
  if (typeof name !== 'string' || typeof address !== 'string' || typeof signature !== 'string') return null;
  return { name, address: address.trim(), signature };
}

/**
 * The account's identities: its own address first, always, named as the account is (so renaming the account renames
 * it) with the signature stored for it; then the other stored addresses, each once. What is malformed is skipped:
 * settings outlive the versions that wrote them.
 */
export function identitiesOf(account: AccountSummary, stored: SettingValue | undefined): Identity[] {
  const entries = Array.isArray(stored) ? stored.map(storedIdentity).filter((entry): entry is Identity => entry !== null) : [];
  const own = account.email.toLowerCase();
  const identities: Identity[] = [{ name: account.name, address: account.email, signature: entries.find((e) => e.address.toLowerCase() === own)?.signature ?? '' }];
  const seen = new Set([own]);
  for (const entry of entries) {
    const key = entry.address.toLowerCase();
    if (seen.has(key) || !isValidAddress(entry.address)) continue;
    seen.add(key);
    identities.push(entry);
  }
  return identities;
}

/** What is stored: the account's own identity (for its signature) and the others, as plain data and nothing else they carry. */
export function identitiesValue(identities: Identity[]): SettingValue {
  return identities.map(({ name, address, signature }) => ({ name, address, signature }));
}

// The way to the fix for each error code: what the button next to an error says and where it leads.

import type { ErrorCode } from '../../../shared/errors';

/** 'password': the account's settings, at the password; 'settings': the account's settings; 'retry': sync the account again. */
export type FixAction = 'password' | 'settings' | 'retry';

export interface ErrorFix {
  action: FixAction;
  label: string;
}

const FIXES: Partial<Record<ErrorCode, ErrorFix>> = {
  'auth-failed': { action: 'password', label: 'Change password' },
  // The server settings are where these go wrong; the settings show them, with the doctor, and change them.
  'certificate-untrusted': { action: 'settings', label: 'Account settings' },
  'tls-failed': { action: 'settings', label: 'Account settings' },
  'starttls-unavailable': { action: 'settings', label: 'Account settings' },
  'connection-refused': { action: 'settings', label: 'Account settings' },
  'host-not-found': { action: 'settings', label: 'Account settings' },
  timeout: { action: 'settings', label: 'Account settings' },
  // Nothing to change: the network was away for a moment.
  offline: { action: 'retry', label: 'Try again' },
  'connection-lost': { action: 'retry', label: 'Try again' },
};

/** The fix an error offers, or null when there is nothing the person can do about it from here. */
export function fixFor(code: ErrorCode): ErrorFix | null {
  return FIXES[code] ?? null;
}

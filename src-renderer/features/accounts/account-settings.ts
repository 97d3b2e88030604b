// The account settings dialog's model: what its fields turn into, how servers read, and why it was opened.

import type { HeronErrorData } from '../../../shared/errors';
import type { AccountChanges, AccountSummary, IncomingSettings, OutgoingSettings } from '../../../shared/model';
import { SECURITY_LABELS } from '../../../shared/security-classification';
import { fixFor } from './error-fix';

/** The engine's own upper bound for days kept offline (a hundred years). */
export const MAX_KEEP_DAYS = 36_500;

export interface SettingsForm {
  name: string;
  /** As typed in the number field: empty or 0 means no bodies are kept ahead. */
  keepDays: string;
}

export function settingsForm(account: AccountSummary): SettingsForm {
  return { name: account.name, keepDays: account.keepBodiesDays === null ? '' : String(account.keepBodiesDays) };
}

export function parseKeepDays(text: string): { days: number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { days: null };
  const days = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isInteger(days) || days > MAX_KEEP_DAYS) return { error: `Enter a whole number of days from 0 to ${MAX_KEEP_DAYS.toLocaleString('en')}.` };
  return { days: days === 0 ? null : days };
}

/** Only what differs from the account, so saving an untouched form asks nothing of the engine. */
export function accountChanges(account: AccountSummary, form: SettingsForm): { changes: AccountChanges } | { error: string } {
  const parsed = parseKeepDays(form.keepDays);
  if ('error' in parsed) return parsed;
  const changes: AccountChanges = {};
  // An empty name becomes the address in the engine; trimmed here so spaces alone are not a change.
  const name = form.name.trim();
  if (name !== account.name) changes.name = name;
  if (parsed.days !== account.keepBodiesDays) changes.keepBodiesDays = parsed.days;
  return { changes };
}

/** One line per server, e.g. "IMAP, imap.example.com port 993, SSL/TLS, user ann". */
export function describeServer(server: IncomingSettings | OutgoingSettings): string {
  const protocol = 'protocol' in server ? server.protocol.toUpperCase() : 'SMTP';
  return `${protocol}, ${server.host} port ${server.port}, ${SECURITY_LABELS[server.security]}, user ${server.username}`;
}

/** The short line at the top of the dialog when an error opened it. */
export function settingsReason(error: HeronErrorData): string {
  if (fixFor(error.code)?.action === 'password') return 'The server did not accept the saved password. If it was changed, enter the new one below.';
  return error.message;
}

/** The sidebar's settings button, where focus goes back when the control that opened the dialog has gone. */
export function settingsButtonId(accountId: string): string {
  return `account-settings-${accountId}`;
}

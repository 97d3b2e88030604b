// The verify step's model: each server's check, what a success says, and when the account may be saved.

import type { ConnectionReport } from '../../../shared/contract';
import type { HeronError } from '../../../shared/errors';
import type { OutgoingReport } from '../../../shared/setup';

export type ServerCheck =
  | { status: 'waiting' }
  | { status: 'checking' }
  | { status: 'ok'; summary: string }
  | { status: 'failed'; error: HeronError }
  /** Not tried, because the incoming server failed first. */
  | { status: 'skipped' }
  /** No outgoing server was given. */
  | { status: 'none' };

export interface Verification {
  incoming: ServerCheck;
  outgoing: ServerCheck;
}

export function startVerification(hasOutgoing: boolean): Verification {
  return { incoming: { status: 'checking' }, outgoing: { status: hasOutgoing ? 'waiting' : 'none' } };
}

const encryptedWords = (encrypted: boolean) => (encrypted ? 'over an encrypted connection' : 'over an UNENCRYPTED connection');

export function incomingSummary(report: ConnectionReport, host: string): string {
  const found =
    report.protocol === 'imap'
      ? `${report.folders.length} ${report.folders.length === 1 ? 'folder' : 'folders'} found.`
      : 'POP3 mail will be downloaded into Heron.';
  return `Signed in to ${host} ${encryptedWords(report.encrypted)}. ${found}`;
}

export function outgoingSummary(report: OutgoingReport, host: string): string {
  return `Signed in to ${host} ${encryptedWords(report.encrypted)}. Nothing was sent.`;
}

/** Both checks are over; the incoming one must have passed (the engine checks it again when saving). */
export function canAddAccount(verification: Verification): boolean {
  const settled = (c: ServerCheck) => c.status !== 'waiting' && c.status !== 'checking';
  return verification.incoming.status === 'ok' && settled(verification.outgoing);
}

/** A failed outgoing check does not stop receiving mail: the person may still add the account, knowingly. */
export function addAccountLabel(verification: Verification): string {
  return verification.outgoing.status === 'failed' ? 'Add account anyway' : 'Add account';
}

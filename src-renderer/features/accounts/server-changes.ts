// Changing an account's servers: the form it starts from, only what differs as changes, and what saving them means.

import type { AccountChanges, AccountSummary, IncomingSettings, OutgoingSettings } from '../../../shared/model';
import { PROTOCOL_LABELS } from '../../../shared/security-classification';
import { incomingFields, serverFields } from '../setup/server-fields';
import { EMPTY_SETUP, incomingOf, outgoingOf, type ServersFields } from '../setup/setup-form';
import { mailboxMoved } from '../../store/accounts';

/** A certificate the person trusted in the form, for the server (host and port) that presented it. */
export interface TrustedCertificate {
  server: string;
  fingerprint256: string;
}

export const serverKey = (incoming: IncomingSettings) => `${incoming.host.toLowerCase()}:${incoming.port}`;

export function serversFields(account: AccountSummary): ServersFields {
  return { incoming: incomingFields(account.incoming), outgoing: account.outgoing ? serverFields(account.outgoing) : EMPTY_SETUP.outgoing };
}

const sameHost = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function sameServer(a: OutgoingSettings | null, b: OutgoingSettings | null): boolean {
  if (a === null || b === null) return a === b;
  return sameHost(a.host, b.host) && a.port === b.port && a.security === b.security && a.username === b.username;
}

/** Only what differs from the account; a certificate trusted for another server than the one typed now is not sent. */
export function serverChanges(account: AccountSummary, fields: ServersFields, trusted: TrustedCertificate | null): AccountChanges {
  const incoming = incomingOf(fields);
  const outgoing = outgoingOf(fields);
  const changes: AccountChanges = {};
  if (incoming.protocol !== account.incoming.protocol || !sameServer(incoming, account.incoming)) changes.incoming = incoming;
  if (!sameServer(outgoing, account.outgoing)) changes.outgoing = outgoing;
  if (trusted && trusted.server === serverKey(incoming)) changes.pinnedFingerprint256 = trusted.fingerprint256;
  return changes;
}

/** The certificate the doctor should trust for the typed incoming server: as the engine would, the account's pin stays on its host. */
export function pinFor(account: AccountSummary, incoming: IncomingSettings, trusted: TrustedCertificate | null): string | null {
  if (trusted && trusted.server === serverKey(incoming)) return trusted.fingerprint256;
  return sameHost(account.incoming.host, incoming.host) ? account.pinnedFingerprint256 : null;
}

/** Why the protocol select cannot be changed here. */
export function protocolNote(account: AccountSummary): string {
  const other = account.incoming.protocol === 'imap' ? 'pop3' : 'imap';
  return `This account uses ${PROTOCOL_LABELS[account.incoming.protocol]}. To use ${PROTOCOL_LABELS[other]} instead, add the account again.`;
}

/** What saving these servers does beyond the settings themselves, said before the person saves. */
export function changeNotes(account: AccountSummary, fields: ServersFields): string[] {
  const incoming = incomingOf(fields);
  const notes: string[] = [];
  if (incoming.host !== '' && mailboxMoved(account.incoming, incoming))
    notes.push("A new host or username is another mailbox: Heron's copy of this account's mail is deleted when you save, and the mail is downloaded again from the new server. Drafts and unsent messages stay.");
  if (account.pinnedFingerprint256 && incoming.host !== '' && !sameHost(account.incoming.host, incoming.host))
    notes.push(`The certificate you trusted for ${account.incoming.host} is not carried over to ${incoming.host}: if that server's certificate is not trusted, Heron shows it to you first.`);
  return notes;
}

/** What the optional password field is for, depending on whether Heron has a password for the account. */
export function passwordHint(account: AccountSummary): string {
  return account.passwordStorage === 'none'
    ? 'Heron does not have the password of this account at the moment: type it in to sign in to the new server.'
    : 'Leave it empty to sign in with the saved password. A password typed here replaces the saved one once the server accepts it.';
}

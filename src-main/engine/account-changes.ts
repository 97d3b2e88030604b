// What a change to an account's settings makes of its record: validated, with the certificate pin's rule applied.

import { HeronError } from '../../shared/errors';
import type { AccountChanges, IncomingSettings } from '../../shared/model';
import { PROTOCOL_LABELS } from '../../shared/security-classification';
import type { AccountRecord, PinnedCertificate } from './accounts';
import { validateIncoming, validateOutgoing, validatePop3Options } from './validate-settings';

/** The engine's side of AccountChanges: a pin is a certificate it fetched and checked, not a fingerprint. */
export type RecordChanges = Omit<AccountChanges, 'pinnedFingerprint256'> & { pinnedCertificate?: PinnedCertificate | null };

/** The engine's upper bound for days kept offline (a hundred years). */
const MAX_KEEP_DAYS = 36_500;

const sameHost = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Any difference in the incoming server's settings, which then must be proven by a login before it is saved. */
export function incomingChanged(before: IncomingSettings, after: IncomingSettings): boolean {
  return before.protocol !== after.protocol || !sameHost(before.host, after.host) || before.port !== after.port || before.security !== after.security || before.username !== after.username;
}

/** The record as it would be after `changes`; throws 'invalid-input' (before anything connects) for what cannot be saved. */
export function applyAccountChanges(current: AccountRecord, changes: RecordChanges): AccountRecord {
  const days = changes.keepBodiesDays;
  if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_KEEP_DAYS))
    throw new HeronError('invalid-input', `Days of mail to keep offline must be a whole number from 1 to ${MAX_KEEP_DAYS}.`);
  const incoming = changes.incoming ?? current.incoming;
  if (changes.incoming) {
    validateIncoming(changes.incoming);
    if (changes.incoming.protocol !== current.incoming.protocol)
      throw new HeronError(
        'invalid-input',
        `This account uses ${PROTOCOL_LABELS[current.incoming.protocol]}, and that cannot change: to use ${PROTOCOL_LABELS[changes.incoming.protocol]}, add the account again.`,
      );
  }
  if (changes.outgoing) validateOutgoing(changes.outgoing);
  const pop3 = changes.pop3 === undefined ? undefined : validatePop3Options(changes.pop3, current.incoming.protocol);
  return {
    ...current,
    ...(changes.name !== undefined ? { name: changes.name.trim() || current.email } : {}),
    ...(days !== undefined ? { keepBodiesDays: days } : {}),
    incoming,
    ...(changes.outgoing !== undefined ? { outgoing: changes.outgoing } : {}),
    ...(pop3 !== undefined ? { pop3 } : {}),
    pinnedCertificate: pinAfter(current, incoming, changes.pinnedCertificate),
  };
}

/**
 * The person trusted a certificate for a server. A pin replaces the public CAs, so carried to a new host it would
 * refuse that host's properly signed certificate: a new host starts without one (and shows its certificate if it
 * needs trusting). Another port or security on the same host keeps it: it is the same machine.
 */
function pinAfter(current: AccountRecord, incoming: IncomingSettings, given: PinnedCertificate | null | undefined): PinnedCertificate | null {
  if (given !== undefined) return given;
  return sameHost(current.incoming.host, incoming.host) ? current.pinnedCertificate : null;
}

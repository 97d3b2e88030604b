// What each account's submission server will take (EHLO SIZE, RFC 1870), asked once per outgoing settings and remembered.

import { HeronError } from '../../shared/errors';
import type { OutgoingLimits, OutgoingSettings } from '../../shared/model';
import { checkOutgoing } from '../doctor/outgoing';
import type { AccountRecord } from '../engine/accounts';

export interface OutgoingLimitsCache {
  /** The account's limits: from memory when its outgoing settings were asked before, else from a login to the server. */
  of(account: AccountRecord): Promise<OutgoingLimits>;
  /** The account's settings changed or it was removed: the next call asks the server again. */
  forget(accountId: string): void;
}

/**
 * `SIZE <n>` from the EHLO keywords; no SIZE, SIZE without a number, or SIZE 0 (RFC 1870: "no fixed maximum")
 * mean no limit.
 */
export function maxMessageBytesOf(capabilities: readonly string[]): number | null {
  for (const keyword of capabilities) {
    const size = /^SIZE(?:\s+(\d+))?\s*$/i.exec(keyword);
    if (size) return size[1] && Number(size[1]) > 0 ? Number(size[1]) : null;
  }
  return null;
}

const keyOf = (settings: OutgoingSettings) => JSON.stringify([settings.host.trim().toLowerCase(), settings.port, settings.security, settings.username]);

export function createOutgoingLimits(password: (accountId: string) => Promise<string | null>): OutgoingLimitsCache {
  // The promise is kept, not only the answer, so calls made while the first one is connecting share its connection.
  const known = new Map<string, { key: string; limits: Promise<OutgoingLimits> }>();

  async function ask(account: AccountRecord, settings: OutgoingSettings): Promise<OutgoingLimits> {
    const secret = await password(account.id);
    if (secret === null) throw new HeronError('auth-failed', "Heron needs this account's password again: it was not kept after the last restart.");
    // The doctor's check: the same fail-closed STARTTLS and pinned certificate as sending, and the EHLO after login.
    const report = await checkOutgoing(settings, secret, account.pinnedCertificate);
    return { maxMessageBytes: maxMessageBytesOf(report.capabilities) };
  }

  return {
    of(account) {
      const settings = account.outgoing;
      if (!settings) return Promise.reject(new HeronError('invalid-input', 'This account has no outgoing (SMTP) server. Add one in the account settings.'));
      const key = keyOf(settings);
      const entry = known.get(account.id);
      if (entry?.key === key) return entry.limits;
      const limits = ask(account, settings);
      known.set(account.id, { key, limits });
      // A failure is not remembered: the next call tries again.
      limits.catch(() => {
        if (known.get(account.id)?.limits === limits) known.delete(account.id);
      });
      return limits;
    },
    forget(accountId) {
      known.delete(accountId);
    },
  };
}

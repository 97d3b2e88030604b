// One account's IMAP command connection: work runs on it one job at a time; it reconnects with backoff and jitter.

import type { ImapFlow } from 'imapflow';
import { HeronError, toHeronError } from '../../shared/errors';
import { closeImapSession, openImapSession } from '../imap/session';
import type { AccountRecord } from './accounts';

/** First retry after a connection failure; doubled per failure up to the cap, with ±50% jitter so accounts don't retry in step. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_CAP_MS = 5 * 60_000;

/** Failures that retrying cannot fix: the person must change something first. */
const PERMANENT = new Set(['auth-failed', 'certificate-untrusted', 'starttls-unavailable', 'invalid-input']);

export function isPermanent(error: HeronError): boolean {
  return PERMANENT.has(error.code);
}

/** The wait before retry number `failures` (1-based), jittered by `random()` in [0, 1). */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exponential = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + random()));
}

export interface AccountSession {
  readonly account: AccountRecord;
  /** Runs `work` on the command connection, after any job before it, connecting first when needed. */
  withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T>;
  /** Consecutive connection failures (0 once connected); the scheduler uses it for backoff. */
  readonly failures: number;
  close(): Promise<void>;
}

export function createAccountSession(account: AccountRecord, password: () => Promise<string | null>): AccountSession {
  let client: ImapFlow | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let failures = 0;
  let closed = false;

  async function connected(): Promise<ImapFlow> {
    if (client?.usable) return client;
    client?.close();
    client = null;
    const secret = await password();
    if (secret === null) throw new HeronError('auth-failed', "Heron needs this account's password again: it was not kept after the last restart.");
    try {
      client = await openImapSession(account.incoming, secret, { pinned: account.pinnedCertificate });
      // A dropped connection is noticed at the next job, which reconnects.
      client.on('close', () => (client = null));
      failures = 0;
      return client;
    } catch (error) {
      failures += 1;
      throw toHeronError(error);
    }
  }

  return {
    account,
    get failures() {
      return failures;
    },
    withClient<T>(work: (c: ImapFlow) => Promise<T>): Promise<T> {
      const job = queue.then(async () => {
        if (closed) throw new HeronError('connection-lost', 'The account was closed.');
        return work(await connected());
      });
      queue = job.catch(() => undefined);
      return job;
    },
    async close() {
      closed = true;
      await queue;
      if (client) await closeImapSession(client);
      client = null;
    },
  };
}

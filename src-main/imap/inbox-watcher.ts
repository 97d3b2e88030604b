// A second connection that IDLEs on INBOX, so new mail, expunges and flag changes reach the store within seconds.

import type { ImapFlow } from 'imapflow';
import { toHeronError, type HeronError } from '../../shared/errors';
import type { AccountRecord } from '../engine/accounts';
import { backoffDelay, isPermanent } from '../engine/account-session';
import { closeImapSession, openImapSession } from './session';

/** IDLE is restarted this often: servers and NAT boxes drop connections idle for ~30 minutes (RFC 2177 §3). */
export const IDLE_RESTART_MS = 9 * 60_000;

export interface InboxWatcher {
  stop(): Promise<void>;
}

export interface InboxWatcherOptions {
  password: () => Promise<string | null>;
  /** INBOX changed on the server. */
  onChange: () => void;
  /** A failure that retrying will not fix (wrong password, certificate): the watcher stops and says why. */
  onFatal: (error: HeronError) => void;
  random?: () => number;
}

export function watchInbox(account: AccountRecord, options: InboxWatcherOptions): InboxWatcher {
  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: (() => void) | null = null;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });

  async function session(): Promise<void> {
    const password = await options.password();
    if (password === null) throw toHeronError({ code: 'auth-failed', message: 'No password is known for this account.' });
    const connection = await openImapSession(account.incoming, password, { pinned: account.pinnedCertificate, idleRestartMs: IDLE_RESTART_MS });
    client = connection;
    try {
      for (const event of ['exists', 'expunge', 'flags'] as const) connection.on(event, () => options.onChange());
      await connection.mailboxOpen('INBOX', { readOnly: true });
      // Anything that happened while we were away: one sync right after (re)connecting.
      options.onChange();
      const ended = new Promise<void>((resolve) => connection.once('close', () => resolve()));
      // imapflow re-issues IDLE every idleRestartMs by itself; idle() returns only if IDLE ends otherwise.
      while (!stopped && connection.usable) await Promise.race([connection.idle(), ended]);
    } finally {
      client = null;
      await closeImapSession(connection);
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        await session();
        failures = 0;
      } catch (error) {
        const heronError = toHeronError(error);
        if (isPermanent(heronError)) {
          options.onFatal(heronError);
          return;
        }
        failures += 1;
      }
      if (!stopped) await pause(backoffDelay(Math.max(1, failures), options.random));
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      client?.close();
      await loop;
    },
  };
}

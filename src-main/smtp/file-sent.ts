// Files an accepted message in the account's Sent folder with IMAP APPEND, once: a copy already there is not added again.

import type { AccountSession } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';
import { CommandErrors } from '../imap/change-commands';
import { toFolder } from '../imap/folders';

/** The Sent folder's path by its special use (RFC 6154, or imapflow's name matching when the server has none); null when there is none. */
export function sentFolderOf(session: AccountSession): Promise<string | null> {
  return session.withClient(async (client) => {
    try {
      const entries = await client.list();
      return entries.map((entry) => toFolder(session.account.id, entry)).find((f) => f.specialUse === 'sent' && f.selectable)?.path ?? null;
    } catch (error) {
      throw mapProtocolError(error, { host: client.host, port: client.port });
    }
  });
}

/**
 * APPENDs `raw` to `path`, flagged \Seen and dated when it was sent. An earlier round may have appended it and
 * stopped before reporting, so a message with this Message-ID already there is taken as filed.
 */
export function appendOnce(session: AccountSession, path: string, raw: Buffer, messageId: string, date: Date): Promise<void> {
  return session.withClient(async (client) => {
    const server = { host: client.host, port: client.port };
    // Mapped, because the outbox retries only what reads as retryable: imapflow's own error for a connection lost
    // mid-SELECT or mid-APPEND would count as an internal one, and the copy would never be filed.
    const lock = await client.getMailboxLock(path).catch((error: unknown) => {
      throw mapProtocolError(error, server);
    });
    const errors = new CommandErrors(client);
    try {
      const found = errors.check(await client.search({ header: { 'message-id': messageId } }, { uid: true }), 'UID SEARCH HEADER Message-ID');
      if (found.length === 0) errors.check(await client.append(path, raw, ['\\Seen'], date), 'APPEND');
    } catch (error) {
      throw mapProtocolError(error, server);
    } finally {
      errors.release();
      lock.release();
    }
  });
}

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
    const lock = await client.getMailboxLock(path);
    const errors = new CommandErrors(client);
    try {
      const found = errors.check(await client.search({ header: { 'message-id': messageId } }, { uid: true }), 'UID SEARCH HEADER Message-ID');
      if (found.length === 0) errors.check(await client.append(path, raw, ['\\Seen'], date), 'APPEND');
    } finally {
      errors.release();
      lock.release();
    }
  });
}

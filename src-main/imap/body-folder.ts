// Shared plumbing for body fetches: one job on the account's connection with one folder examined read-only, errors in Heron's vocabulary.

import type { ImapFlow } from 'imapflow';
import { HeronError } from '../../shared/errors';
import type { AccountSession } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';

export interface FolderContext {
  client: ImapFlow;
  /** UIDVALIDITY of the folder as examined for this job; a change means every UID now names another message. */
  uidValidity: bigint;
}

/**
 * Runs `work` as one job on the account's connection with `folderPath` EXAMINEd (read-only: nothing done
 * here can change a flag, whatever the server does with FETCH). The lock is released even when `work` fails.
 */
export function withFolder<T>(session: AccountSession, folderPath: string, work: (folder: FolderContext) => Promise<T>): Promise<T> {
  const server = session.account.incoming;
  return session.withClient(async (client) => {
    let lock;
    try {
      lock = await client.getMailboxLock(folderPath, { readOnly: true });
    } catch (error) {
      // imapflow confirms with LIST that a folder it could not open is really gone.
      if ((error as { mailboxMissing?: boolean } | null)?.mailboxMissing) {
        throw new HeronError('not-found', 'That folder no longer exists on the server.', { folderPath }, { cause: error });
      }
      throw mapProtocolError(error, server);
    }
    try {
      const uidValidity = client.mailbox ? client.mailbox.uidValidity : 0n;
      return await work({ client, uidValidity });
    } catch (error) {
      throw mapProtocolError(error, server);
    } finally {
      lock.release();
    }
  });
}


export function messageNotFound(folderPath: string, uid: number): HeronError {
  return new HeronError('not-found', 'That message is no longer on the server.', { folderPath, uid });
}

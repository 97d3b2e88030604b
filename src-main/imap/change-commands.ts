// The IMAP commands one replayed change needs on the selected folder: which UIDs still exist, STORE flags, MOVE (or COPY + expunge), expunge.

import type { ImapFlow } from 'imapflow';
import { HeronError } from '../../shared/errors';
import type { Flag } from '../../shared/model';
import { mapProtocolError } from '../engine/error-map';
import { uidSet } from './uid-set';

const BY_UID = { uid: true } as const;

/**
 * imapflow's STORE, COPY, MOVE, EXPUNGE and SEARCH do not throw when the server answers NO or BAD or the
 * connection drops mid-command: they resolve false and hand the error only to `client.log.warn`. To tell a
 * refusal (server wins) from a lost connection (retry) and to keep the server's words, the error is caught
 * there while one change runs; the session runs one job at a time, so nothing else logs through it meanwhile.
 */
export class CommandErrors {
  private last: unknown = null;
  private readonly original: ImapFlow['log']['warn'];

  constructor(private readonly client: ImapFlow) {
    this.original = client.log.warn;
    client.log.warn = (entry: unknown) => {
      const err = (entry as { err?: unknown } | null)?.err;
      if (err) this.last = err;
      this.original.call(client.log, entry);
    };
  }

  release(): void {
    this.client.log.warn = this.original;
  }

  /** Throws the Heron error for a command that resolved false. */
  check<T>(result: T | false | undefined, command: string): T {
    if (result !== false && result !== undefined) return result;
    const server = { host: this.client.host, port: this.client.port };
    const error = this.last;
    this.last = null;
    if (!this.client.usable) {
      // The connection is gone whatever the library called the failure (often a bare "Command failed").
      const mapped = error ? mapProtocolError(error, server) : null;
      throw mapped?.code === 'timeout' ? mapped : new HeronError('connection-lost', undefined, undefined, { cause: error });
    }
    if (error) throw mapProtocolError(error, server);
    // No error logged: imapflow refused before sending (e.g. none of the flags is allowed in this folder).
    throw new HeronError('server-rejected', undefined, { serverResponse: `${command} was not carried out`, command });
  }
}

/** The UIDs of `uids` the selected folder still holds: another client may have moved or expunged some since. */
export async function existingUids(client: ImapFlow, errors: CommandErrors, uids: readonly number[]): Promise<number[]> {
  const found = errors.check(await client.search({ uid: uidSet(uids) }, BY_UID), 'UID SEARCH');
  const wanted = new Set(uids);
  return found.filter((uid) => wanted.has(uid)).sort((a, b) => a - b);
}

export async function storeFlags(client: ImapFlow, errors: CommandErrors, uids: readonly number[], add: readonly Flag[], remove: readonly Flag[]): Promise<void> {
  const set = uidSet(uids);
  if (add.length) errors.check(await client.messageFlagsAdd(set, [...add], BY_UID), 'UID STORE +FLAGS');
  if (remove.length) errors.check(await client.messageFlagsRemove(set, [...remove], BY_UID), 'UID STORE -FLAGS');
}

/**
 * Removes these UIDs for good. With UIDPLUS, imapflow's messageDelete sends STORE +FLAGS \Deleted then
 * UID EXPUNGE <uids>, which touches nothing else. Without it only a plain EXPUNGE exists, and that also
 * removes every other message of the folder marked \Deleted (say, by another client that hides deleted
 * mail instead of expunging it). Heron never expunges what it was not asked to: when other \Deleted
 * messages exist, ours are only marked \Deleted, and leave at the folder's next expunge by whoever does it.
 * (A message another client marks \Deleted between our SEARCH and EXPUNGE would still go: a window of one
 * round trip, on servers that lack UIDPLUS only.)
 */
export async function expungeUids(client: ImapFlow, errors: CommandErrors, uids: readonly number[]): Promise<void> {
  const set = uidSet(uids);
  if (!client.capabilities.has('UIDPLUS')) {
    const ours = new Set(uids);
    const deleted = errors.check(await client.search({ deleted: true }, BY_UID), 'UID SEARCH DELETED');
    if (deleted.some((uid) => !ours.has(uid))) {
      errors.check(await client.messageFlagsAdd(set, ['\\Deleted'], BY_UID), 'UID STORE +FLAGS \\Deleted');
      return;
    }
  }
  errors.check(await client.messageDelete(set, BY_UID), client.capabilities.has('UIDPLUS') ? 'UID EXPUNGE' : 'EXPUNGE');
}

/**
 * With MOVE (RFC 6851), one UID MOVE. Without it imapflow would fall back to COPY + messageDelete, whose
 * plain EXPUNGE (no UIDPLUS) has the hazard expungeUids describes, so the fallback is done here instead:
 * UID COPY, then expungeUids. A failed COPY leaves the source untouched, so nothing can be lost.
 */
export async function moveUids(client: ImapFlow, errors: CommandErrors, uids: readonly number[], destination: string): Promise<void> {
  const set = uidSet(uids);
  if (client.capabilities.has('MOVE')) {
    errors.check(await client.messageMove(set, destination, BY_UID), 'UID MOVE');
    return;
  }
  errors.check(await client.messageCopy(set, destination, BY_UID), 'UID COPY');
  await expungeUids(client, errors, uids);
}

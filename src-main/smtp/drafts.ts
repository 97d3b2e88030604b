// Keeps a draft's copy in the account's Drafts folder: a save replaces earlier copies only once the new one is in; a discard removes them all.
//
// Copies go by expungeUids: with UIDPLUS, UID EXPUNGE of exactly those. Without it a plain EXPUNGE would also remove
// every other message someone marked \Deleted (which they may still want), so when any exists ours are only flagged
// \Deleted, which clients that hide deleted mail do not show, and the next save or discard finds them and tries again.

import { createHash } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { DraftMessage, DraftSaved } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';
import { CommandErrors, expungeUids } from '../imap/change-commands';
import { toFolder } from '../imap/folders';
import { buildMessage } from './build-message';

const BY_UID = { uid: true } as const;

/** The Drafts folder's path by its special use (RFC 6154, or imapflow's name matching when the server has none); null when there is none. */
async function draftsFolderIn(client: ImapFlow, accountId: string): Promise<string | null> {
  try {
    const entries = await client.list();
    return entries.map((entry) => toFolder(accountId, entry)).find((f) => f.specialUse === 'drafts' && f.selectable)?.path ?? null;
  } catch (error) {
    throw mapProtocolError(error, { host: client.host, port: client.port });
  }
}

/** Runs `work` with `path` selected, turning whatever imapflow throws (SELECT refused, APPEND cut off) into a Heron error. */
async function inFolder<T>(client: ImapFlow, path: string, work: (errors: CommandErrors) => Promise<T>): Promise<T> {
  const server = { host: client.host, port: client.port };
  const lock = await client.getMailboxLock(path).catch((error: unknown) => {
    throw mapProtocolError(error, server);
  });
  const errors = new CommandErrors(client);
  try {
    return await work(errors);
  } catch (error) {
    throw mapProtocolError(error, server);
  } finally {
    errors.release();
    lock.release();
  }
}

/** Every copy of the draft in the selected folder, \Deleted ones left by an earlier removal included. */
async function copiesOf(client: ImapFlow, errors: CommandErrors, messageId: string): Promise<number[]> {
  return errors.check(await client.search({ header: { 'message-id': messageId } }, BY_UID), 'UID SEARCH HEADER Message-ID');
}

/**
 * Files `draft` in the Drafts folder flagged \Draft and \Seen, dated when it was last edited, then removes the copies
 * earlier saves left. The order is what keeps the draft: the old copies are found before the APPEND (so the new one
 * is never among them) and removed only after the server took the new one, so a save that fails part-way leaves the
 * previous copy, or both. Bcc is kept, as in a Sent copy, since the person is still writing to those recipients.
 */
export async function saveDraft(session: AccountSession, draft: DraftMessage): Promise<DraftSaved> {
  // The multipart boundaries come from the id: the same Message-ID gives every save the same ones.
  const id = `draft-${createHash('sha256').update(draft.messageId).digest('hex').slice(0, 24)}`;
  const raw = await buildMessage({ ...draft, id, attempts: 0 }, 'sent');
  return session.withClient(async (client) => {
    const folder = await draftsFolderIn(client, session.account.id);
    if (!folder) return { folder: null };
    await inFolder(client, folder, async (errors) => {
      const earlier = await copiesOf(client, errors, draft.messageId);
      const appended = errors.check(await client.append(folder, raw, ['\\Draft', '\\Seen'], new Date(draft.date)), 'APPEND');
      // Belt and braces on the one message that must survive: the new copy is never removed, whatever SEARCH said.
      const stale = earlier.filter((uid) => uid !== appended.uid);
      if (stale.length === 0) return;
      try {
        await expungeUids(client, errors, stale);
      } catch {
        // The draft is saved: a copy left over from before is removed by the next save or the discard, so the person
        // is not told that saving failed.
      }
    });
    return { folder };
  });
}

/**
 * Removes every copy of the draft with this Message-ID (it was sent or thrown away). No Drafts folder, or no copy, is
 * nothing to do. Resolves with the Drafts folder's path when something was removed from it, else null.
 */
export function discardDraft(session: AccountSession, messageId: string): Promise<string | null> {
  return session.withClient(async (client) => {
    const folder = await draftsFolderIn(client, session.account.id);
    if (!folder) return null;
    return inFolder(client, folder, async (errors) => {
      const copies = await copiesOf(client, errors, messageId);
      if (copies.length === 0) return null;
      await expungeUids(client, errors, copies);
      return folder;
    });
  });
}

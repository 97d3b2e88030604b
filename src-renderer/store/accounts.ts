// The accounts table: a copy of the engine's account list with display fields only, never a password or token.

import type { AccountSummary, IncomingSettings, OutgoingSettings, Pop3Options } from '../../shared/model';
import type { HeronDb } from './db';
import { toStoreError } from './store-error';

function outgoingOf(s: OutgoingSettings): OutgoingSettings {
  return { host: s.host, port: s.port, security: s.security, username: s.username };
}

function incomingOf(s: IncomingSettings): IncomingSettings {
  return { ...outgoingOf(s), protocol: s.protocol };
}

function pop3Of(o: Pop3Options): Pop3Options {
  return { leaveOnServer: o.leaveOnServer, deleteAfterDays: o.deleteAfterDays, deleteWhenDeletedLocally: o.deleteWhenDeletedLocally, maxMessageBytes: o.maxMessageBytes };
}

/**
 * Copies exactly the AccountSummary fields. Whatever else an object carries (a password a future engine
 * bug lets through, a token) is left behind instead of being persisted in the renderer's store.
 */
export function toAccountSummary(a: AccountSummary): AccountSummary {
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    incoming: incomingOf(a.incoming),
    outgoing: a.outgoing ? outgoingOf(a.outgoing) : null,
    pinnedFingerprint256: a.pinnedFingerprint256,
    passwordStorage: a.passwordStorage,
    keepBodiesDays: a.keepBodiesDays,
    // Only a POP3 account has options about the server's copy; an IMAP account mirrors the server.
    pop3: a.incoming.protocol === 'pop3' && a.pop3 ? pop3Of(a.pop3) : null,
    createdAt: a.createdAt,
  };
}

/**
 * Whether new incoming settings name another mailbox, whose copy the cache is not: an IMAP account's host or
 * username changed (a new port or security reaches the same mailbox). A POP3 account's cache is never another
 * mailbox's copy: its mail may exist only here, and UIDLs keep what was downloaded from being fetched twice. That
 * holds even if its protocol were ever reported changed (the engine refuses that change), so nothing local is dropped.
 */
export function mailboxMoved(before: IncomingSettings, after: IncomingSettings): boolean {
  if (before.protocol === 'pop3') return false;
  if (before.protocol !== after.protocol) return true;
  return after.protocol === 'imap' && (before.host.trim().toLowerCase() !== after.host.trim().toLowerCase() || before.username !== after.username);
}

/**
 * Replaces the accounts table with the engine's list in one transaction, so readers never see half of it.
 * An account that left the list (removed, perhaps while no tab was open) takes all its mail with it, POP3 records,
 * sources and UID counter included. An IMAP account whose mailbox moved (mailboxMoved, perhaps while no tab was
 * open) loses its copy of the server (folders, messages, cursors, queued changes for UIDs that now name other
 * messages) and keeps what was only ever local: drafts, the outbox, and the contacts (addresses the person knows,
 * not a copy of the server).
 */
export async function putAccounts(db: HeronDb, summaries: readonly AccountSummary[]): Promise<void> {
  const rows = summaries.map(toAccountSummary);
  const kept = new Set(rows.map((r) => r.id));
  const serverCopy = [db.folders, db.messages, db.bodies, db.attachments, db.sources, db.threads, db.threadLinks, db.syncCursors, db.searchTerms, db.pendingChanges, db.droppedChanges];
  const perAccount = [...serverCopy, db.outbox, db.drafts, db.contacts, db.popMessages, db.uidCounters];
  try {
    await db.transaction('rw', [db.accounts, ...perAccount], async () => {
      const before = new Map((await db.accounts.toArray()).map((a) => [a.id, a]));
      const gone = [...before.keys()].filter((id) => !kept.has(id));
      const moved = rows.filter((r) => {
        const old = before.get(r.id);
        return old !== undefined && mailboxMoved(old.incoming, r.incoming);
      }).map((r) => r.id);
      for (const table of perAccount) {
        if (gone.length > 0) await table.filter((row: { accountId: string }) => gone.includes(row.accountId)).delete();
      }
      for (const table of serverCopy) {
        if (moved.length > 0) await table.filter((row: { accountId: string }) => moved.includes(row.accountId)).delete();
      }
      await db.accounts.clear();
      await db.accounts.bulkPut(rows);
    });
  } catch (error) {
    throw toStoreError(error, 'put-accounts');
  }
}

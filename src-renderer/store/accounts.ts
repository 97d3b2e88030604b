// The accounts table: a copy of the engine's account list with display fields only, never a password or token.

import type { AccountSummary, IncomingSettings, OutgoingSettings } from '../../shared/model';
import type { HeronDb } from './db';
import { toStoreError } from './store-error';

function outgoingOf(s: OutgoingSettings): OutgoingSettings {
  return { host: s.host, port: s.port, security: s.security, username: s.username };
}

function incomingOf(s: IncomingSettings): IncomingSettings {
  return { ...outgoingOf(s), protocol: s.protocol };
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
    createdAt: a.createdAt,
  };
}

/**
 * Replaces the accounts table with the engine's list in one transaction, so readers never see half of it.
 * An account that left the list (removed, perhaps while no tab was open) takes all its cached mail with it.
 */
export async function putAccounts(db: HeronDb, summaries: readonly AccountSummary[]): Promise<void> {
  const rows = summaries.map(toAccountSummary);
  const kept = new Set(rows.map((r) => r.id));
  const perAccount = [db.folders, db.messages, db.bodies, db.attachments, db.threads, db.threadLinks, db.syncCursors, db.outbox, db.drafts, db.searchTerms, db.pendingChanges, db.droppedChanges];
  try {
    await db.transaction('rw', [db.accounts, ...perAccount], async () => {
      const gone = (await db.accounts.toCollection().primaryKeys()).filter((id) => !kept.has(id));
      for (const table of perAccount) {
        if (gone.length > 0) await table.filter((row: { accountId: string }) => gone.includes(row.accountId)).delete();
      }
      await db.accounts.clear();
      await db.accounts.bulkPut(rows);
    });
  } catch (error) {
    throw toStoreError(error, 'put-accounts');
  }
}

// What the store keeps for POP3 accounts beyond their mail: the records of server messages, local UIDs, and raw sources.

import { Dexie } from 'dexie';
import { HeronError } from '../../shared/errors';
import type { PopMessage } from '../../shared/model';
import type { HeronDb } from './db';
import { toStoreError } from './store-error';

/** Search terms keep UIDs in a Uint32Array (search-index.ts), as IMAP UIDs are 32-bit: no local UID may pass this. */
export const MAX_LOCAL_UID = 0xffff_ffff;

/** Every record of the account's server messages, by UIDL. */
export async function popMessagesOf(db: HeronDb, accountId: string): Promise<PopMessage[]> {
  try {
    return await db.popMessages.where('[accountId+uidl]').between([accountId, Dexie.minKey], [accountId, Dexie.maxKey], true, true).toArray();
  } catch (error) {
    throw toStoreError(error, 'pop-messages');
  }
}

/** The record of the server message a local copy was downloaded from (the Sent copies have none). */
export async function popMessageOfUid(db: HeronDb, accountId: string, uid: number): Promise<PopMessage | undefined> {
  try {
    return await db.popMessages.where('[accountId+uid]').equals([accountId, uid]).first();
  } catch (error) {
    throw toStoreError(error, 'pop-message');
  }
}

/**
 * Reserves `count` consecutive local UIDs and returns the first (1 for a new account). The counter only grows, and
 * the reservation commits through the strict connection before this resolves: IndexedDB runs read-write transactions
 * on one table one after another, so two callers (sync, filing a Sent copy) never get the same UID, and a UID handed
 * out is never handed out again, even after a crash, which could otherwise file two messages under one key.
 */
export async function allocateUids(db: HeronDb, accountId: string, count: number): Promise<number> {
  if (typeof accountId !== 'string' || accountId === '' || !Number.isSafeInteger(count) || count < 1) {
    throw new HeronError('internal', undefined, { operation: 'allocate-uids', reason: `Cannot reserve ${String(count)} UIDs for account "${String(accountId)}".` });
  }
  const conn = db.strictConnection();
  try {
    return await conn.transaction('rw', conn.uidCounters, async () => {
      const first = (await conn.uidCounters.get(accountId))?.nextUid ?? 1;
      if (first + count - 1 > MAX_LOCAL_UID) {
        throw new HeronError('store-failed', 'This account has used up its local message numbers.', { operation: 'allocate-uids', reason: `UID ${first + count - 1} is past ${MAX_LOCAL_UID}` });
      }
      await conn.uidCounters.put({ accountId, nextUid: first + count });
      return first;
    });
  } catch (error) {
    throw toStoreError(error, 'allocate-uids');
  }
}

/** The raw message (base64) kept for a POP3 copy where it is now; null when the store has none. */
export async function messageSourceOf(db: HeronDb, accountId: string, folderPath: string, uid: number): Promise<string | null> {
  try {
    return (await db.sources.get([accountId, folderPath, uid]))?.base64 ?? null;
  } catch (error) {
    throw toStoreError(error, 'message-source');
  }
}

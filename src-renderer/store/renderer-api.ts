// The store's side of the contract: what the engine may ask of the renderer (cursors, batches, POP3 records and UIDs) and tell it (events).

import type { EngineEvent, RendererApi } from '../../shared/contract';
import type { BatchAck, SyncBatch, SyncCursor } from '../../shared/model';
import type { HeronError } from '../../shared/errors';
import { putAccounts } from './accounts';
import { applyBatch } from './apply-batch';
import type { HeronDb } from './db';
import { bodiesMissing, putBodies } from './bodies';
import { claimOutgoing, outboxWork, recordSend } from './outbox';
import { completeChange, pendingChangesOf } from './pending-changes';
import { allocateUids, messageSourceOf, popMessagesOf } from './pop3';
import { folderUids, getSyncCursor } from './queries';
import { toStoreError } from './store-error';

export interface StoreRendererApiOptions {
  /** Where a failure without a caller to reject goes (saving the account list from an event). Defaults to console.error. */
  onStoreError?: (error: HeronError) => void;
}

/**
 * Events reach onEvent at once and in order. An account list is also saved to the store (in the
 * background, because an event has no reply to wait for); live queries on the accounts table pick it up.
 */
export function createStoreRendererApi(db: HeronDb, onEvent: (event: EngineEvent) => void, options: StoreRendererApiOptions = {}): RendererApi {
  const onStoreError = options.onStoreError ?? ((error: HeronError) => console.error('Heron store:', error.message, error.detail));
  return {
    async getSyncCursor(accountId: string, folderPath: string): Promise<SyncCursor | null> {
      try {
        return await getSyncCursor(db, accountId, folderPath);
      } catch (error) {
        throw toStoreError(error, 'get-sync-cursor');
      }
    },
    applyBatch(batch: SyncBatch): Promise<BatchAck> {
      return applyBatch(db, batch);
    },
    putBodies: (bodies) => putBodies(db, bodies),
    bodiesMissing: (accountId, folderPath, uids) => bodiesMissing(db, accountId, folderPath, uids),
    pendingChanges: (accountId) => pendingChangesOf(db, accountId),
    completeChange: (changeId, outcome) => completeChange(db, changeId, outcome),
    outboxWork: (accountId, now) => outboxWork(db, accountId, now),
    claimOutgoing: (outboxId, now) => claimOutgoing(db, outboxId, now),
    recordSend: (outboxId, report) => recordSend(db, outboxId, report),
    popMessages: (accountId) => popMessagesOf(db, accountId),
    allocateUids: (accountId, count) => allocateUids(db, accountId, count),
    messageSource: (accountId, folderPath, uid) => messageSourceOf(db, accountId, folderPath, uid),
    async getFolderUids(accountId: string, folderPath: string): Promise<number[]> {
      try {
        return await folderUids(db, accountId, folderPath);
      } catch (error) {
        throw toStoreError(error, 'get-folder-uids');
      }
    },
    engineEvent(event: EngineEvent): void {
      if (event.type === 'accounts-changed') putAccounts(db, event.accounts).catch((error: unknown) => onStoreError(toStoreError(error, 'put-accounts')));
      onEvent(event);
    },
  };
}

// Drafts in the store: the composer saves them as the person types, reopens the open ones at start, and records where the engine filed them.

import type { Address } from '../../shared/model';
import type { HeronDb } from './db';
import { newMessageId } from './outbox';
import type { DraftRow } from './rows';
import { toStoreError } from './store-error';

/** The Message-ID a new draft keeps for its whole life, and the message sent from it too. */
export function newDraftMessageId(from: Address): string {
  return newMessageId(from);
}

/**
 * Saves a draft. serverSavedAt and serverFolder are left as stored when the row exists: the composer's copy of them
 * may predate a filing that finished while the person typed (markDraftFiled owns them), and writing it back would
 * lose where the server copy is.
 */
export async function putDraft(db: HeronDb, row: DraftRow): Promise<void> {
  try {
    await db.transaction('rw', db.drafts, async () => {
      const stored = await db.drafts.get(row.id);
      await db.drafts.put(stored ? { ...row, serverSavedAt: stored.serverSavedAt, serverFolder: stored.serverFolder } : row);
    });
  } catch (error) {
    throw toStoreError(error, 'put-draft');
  }
}

export async function getDraft(db: HeronDb, id: string): Promise<DraftRow | undefined> {
  try {
    return await db.drafts.get(id);
  } catch (error) {
    throw toStoreError(error, 'get-draft');
  }
}

/** Every draft, the most recently edited first. */
export async function listDrafts(db: HeronDb): Promise<DraftRow[]> {
  try {
    return await db.drafts.orderBy('updatedAt').reverse().toArray();
  } catch (error) {
    throw toStoreError(error, 'list-drafts');
  }
}

/** The drafts a composer showed when Heron last ran, to open again in the order they were started. */
export async function openDrafts(db: HeronDb): Promise<DraftRow[]> {
  try {
    // `open` is a boolean, which IndexedDB cannot index; a person has a handful of drafts, so a scan is cheap.
    const rows = await db.drafts.filter((row) => row.open).toArray();
    return rows.sort((a, b) => a.createdAt - b.createdAt);
  } catch (error) {
    throw toStoreError(error, 'open-drafts');
  }
}

/** The composer closed without sending or discarding: the draft stays, listed but not reopened at start. */
export async function closeDraft(db: HeronDb, id: string): Promise<void> {
  try {
    await db.drafts.update(id, { open: false });
  } catch (error) {
    throw toStoreError(error, 'close-draft');
  }
}

export async function deleteDraft(db: HeronDb, id: string): Promise<void> {
  try {
    await db.drafts.delete(id);
  } catch (error) {
    throw toStoreError(error, 'delete-draft');
  }
}

/**
 * Records that the version edited at `savedVersion` (its updatedAt) is filed in `folder`. False when the draft was
 * deleted meanwhile: it stays deleted, and the caller should discard the copy just filed. An edit made since keeps
 * updatedAt above serverSavedAt, so that version is filed again.
 */
export async function markDraftFiled(db: HeronDb, id: string, savedVersion: number, folder: string | null): Promise<boolean> {
  try {
    // update() changes an existing row only, never creates one.
    return (await db.drafts.update(id, { serverSavedAt: savedVersion, serverFolder: folder })) === 1;
  } catch (error) {
    throw toStoreError(error, 'mark-draft-filed');
  }
}

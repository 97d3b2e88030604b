// Refuses a sync batch whose parts disagree before any of it is written, so an engine bug cannot file mail under the wrong account or folder.

import { HeronError } from '../../shared/errors';
import type { SyncBatch } from '../../shared/model';
import { validateBodies } from './bodies';

function refuse(reason: string): never {
  // 'internal': a malformed batch is a bug between engine and store, not something the person can fix.
  throw new HeronError('internal', undefined, { operation: 'apply-batch', reason });
}

function isUid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Whether the batch reads or writes message rows of batch.folderPath. */
export function touchesMessages(batch: SyncBatch): boolean {
  return (
    batch.resetFolder === true ||
    (batch.upsertMessages?.length ?? 0) > 0 ||
    (batch.flagChanges?.length ?? 0) > 0 ||
    (batch.removedUids?.length ?? 0) > 0
  );
}

/**
 * Bodies and sources belong to messages the batch itself writes (and does not remove), in its own folder: a POP3
 * message is stored whole in one transaction, and one kept apart from its header would be an orphan nobody lists.
 */
function validatePop3Parts(batch: SyncBatch): void {
  const { accountId, folderPath } = batch;
  const removed = new Set(batch.removedUids ?? []);
  const written = new Set((batch.upsertMessages ?? []).map((m) => m.uid).filter((uid) => !removed.has(uid)));
  if (batch.bodies) {
    validateBodies(batch.bodies, 'apply-batch');
    for (const body of batch.bodies) {
      if (body.accountId !== accountId || body.folderPath !== folderPath || !written.has(body.uid)) {
        refuse(`The body of ${body.accountId}/${body.folderPath}/${body.uid} is not for a message the batch writes.`);
      }
    }
  }
  for (const source of batch.sources ?? []) {
    if (!written.has(source.uid)) refuse(`The source of message ${String(source.uid)} is not for a message the batch writes.`);
    if (typeof source.base64 !== 'string') refuse(`The source of message ${source.uid} is not base64 text.`);
  }
  const removedUidls = new Set(batch.removedPopUidls ?? []);
  for (const uidl of removedUidls) if (typeof uidl !== 'string' || uidl === '') refuse('A removed UIDL is empty.');
  for (const record of batch.popMessages ?? []) {
    if (record.accountId !== accountId) refuse(`The record of UIDL ${record.uidl} belongs to another account.`);
    if (typeof record.uidl !== 'string' || record.uidl === '') refuse('A POP3 record has no UIDL.');
    if (!isUid(record.uid)) refuse(`The record of UIDL ${record.uidl} has an invalid UID (${String(record.uid)}).`);
    if (removedUidls.has(record.uidl)) refuse(`The batch both records and removes UIDL ${record.uidl}.`);
  }
}

export function validateBatch(batch: SyncBatch): void {
  const { accountId, folderPath } = batch;
  if (typeof accountId !== 'string' || accountId === '') refuse('The batch has no accountId.');
  if (touchesMessages(batch) && (typeof folderPath !== 'string' || folderPath === '')) {
    refuse('The batch changes messages but names no folderPath.');
  }
  for (const folder of batch.folders ?? []) {
    if (folder.accountId !== accountId) refuse(`Folder ${folder.path} belongs to another account.`);
  }
  if (folderPath !== undefined && batch.removedFolders?.includes(folderPath)) {
    refuse(`The batch removes ${folderPath}, the folder it writes to.`);
  }
  for (const message of batch.upsertMessages ?? []) {
    if (message.accountId !== accountId || message.folderPath !== folderPath) {
      refuse(`Message ${message.uid} belongs to ${message.accountId}/${message.folderPath}, not to the batch's folder.`);
    }
    if (!isUid(message.uid)) refuse(`A message has an invalid UID (${String(message.uid)}).`);
    // The date is part of the listing index; NaN would abort the whole transaction with a DataError.
    if (!Number.isFinite(message.date)) refuse(`Message ${message.uid} has no valid date.`);
  }
  for (const change of batch.flagChanges ?? []) {
    if (!isUid(change.uid)) refuse(`A flag change has an invalid UID (${String(change.uid)}).`);
  }
  for (const uid of batch.removedUids ?? []) {
    if (!isUid(uid)) refuse(`A removed UID is invalid (${String(uid)}).`);
  }
  validatePop3Parts(batch);
  const cursor = batch.cursor;
  if (cursor) {
    if (cursor.accountId !== accountId) refuse('The cursor belongs to another account.');
    if (folderPath !== undefined && cursor.folderPath !== folderPath) {
      refuse(`The cursor is for ${cursor.folderPath}, but the batch writes ${folderPath}.`);
    }
  }
}

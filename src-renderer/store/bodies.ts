// Owns cached message bodies in the store: writing what the engine fetched, reading one back for the reader, and telling prefetch what is missing.

import { Dexie } from 'dexie';
import { HeronError } from '../../shared/errors';
import type { AttachmentMeta, MessageBody } from '../../shared/model';
import type { HeronDb } from './db';
import type { AttachmentRow, BodyRow, MessageRow } from './rows';
import { TermChanges } from './search-index';
import { withBodyWords } from './search-words';
import { toStoreError } from './store-error';

/** A message's attachment rows: a range of the [accountId+folderPath+uid+partId] primary key. */
export function attachmentsOf(db: HeronDb, accountId: string, folderPath: string, uid: number) {
  return db.attachments
    .where('[accountId+folderPath+uid+partId]')
    .between([accountId, folderPath, uid, Dexie.minKey], [accountId, folderPath, uid, Dexie.maxKey], true, true);
}

/** Field by field, so whatever else an RPC message carried never lands in the store. */
function toBodyRow(body: MessageBody): BodyRow {
  const { accountId, folderPath, uid, text, html, inlineParts, parseError, authResults, size, fetchedAt } = body;
  return { accountId, folderPath, uid, text, html, inlineParts, parseError, ...(Array.isArray(authResults) ? { authResults } : {}), size, fetchedAt };
}

function toAttachmentRow(body: MessageBody, meta: AttachmentMeta): AttachmentRow {
  const { partId, filename, contentType, size, contentId, inline } = meta;
  return { accountId: body.accountId, folderPath: body.folderPath, uid: body.uid, partId, filename, contentType, size, contentId, inline };
}

function toMeta(row: AttachmentRow): AttachmentMeta {
  const { partId, filename, contentType, size, contentId, inline } = row;
  return { partId, filename, contentType, size, contentId, inline };
}

/**
 * A body that cannot be keyed is an engine bug ('internal'), not a full disk: refuse it before the transaction.
 * `operation` names the caller (putBodies, or a sync batch carrying bodies) in the error.
 */
export function validateBodies(bodies: readonly MessageBody[], operation: string): void {
  for (const body of bodies) {
    const { accountId, folderPath, uid } = body;
    if (typeof accountId !== 'string' || accountId === '' || typeof folderPath !== 'string' || folderPath === '' || !Number.isSafeInteger(uid) || uid < 0) {
      throw new HeronError('internal', undefined, { operation, reason: `A body has an invalid key (${String(accountId)}/${String(folderPath)}/${String(uid)}).` });
    }
    if (!Array.isArray(body.attachments)) throw new HeronError('internal', undefined, { operation, reason: `Message ${uid} has no attachment list.` });
    for (const meta of body.attachments) {
      if (typeof meta.partId !== 'string' || meta.partId === '') throw new HeronError('internal', undefined, { operation, reason: `Message ${uid} has an attachment without a partId.` });
    }
  }
}

/** Characters of body text the message list shows under the subject. */
export const PREVIEW_CHARS = 160;

export function previewOf(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

/**
 * A message row as its body makes it: the body's words added to its search words (a cached body is a searchable
 * one), and its preview from the body's text. The body is the preview's only source (headers carry none), so the
 * newest body sets it.
 */
export function withBody(row: MessageRow, body: Pick<MessageBody, 'text' | 'html'>, indexedAt: number): MessageRow {
  const preview = previewOf(body.text);
  return withBodyWords(preview ? { ...row, preview } : row, body, indexedAt);
}

/**
 * Writes bodies and their attachment lists inside the caller's transaction (bodies, attachments). A body stored again
 * (fetched anew) replaces the old one completely, attachments included, so a re-parse never leaves parts that no
 * longer exist. The message rows are the caller's to update (withBody).
 */
export async function writeBodyRows(db: HeronDb, bodies: readonly MessageBody[]): Promise<void> {
  await Promise.all(bodies.map((body) => attachmentsOf(db, body.accountId, body.folderPath, body.uid).delete()));
  await Promise.all([
    db.bodies.bulkPut(bodies.map(toBodyRow)),
    db.attachments.bulkPut(bodies.flatMap((body) => body.attachments.map((meta) => toAttachmentRow(body, meta)))),
  ]);
}

/**
 * Stores bodies and their attachment lists in one transaction, with each message's body words and preview
 * (withBody): headers arrive without body bytes, so both are filled once the body is here.
 */
export async function putBodies(db: HeronDb, bodies: readonly MessageBody[]): Promise<void> {
  if (bodies.length === 0) return;
  validateBodies(bodies, 'put-bodies');
  try {
    await db.transaction('rw', [db.bodies, db.attachments, db.messages, db.searchTerms], async () => {
      const headers = await db.messages.bulkGet(bodies.map((b): [string, string, number] => [b.accountId, b.folderPath, b.uid]));
      const indexedAt = Date.now();
      const terms = new TermChanges();
      const indexed = headers.flatMap((header, i) => {
        if (!header) return [];
        const row = withBody(header, bodies[i] as MessageBody, indexedAt);
        terms.change(header, row);
        return [row];
      });
      await Promise.all([writeBodyRows(db, bodies), db.messages.bulkPut(indexed), terms.write(db.searchTerms)]);
    });
  } catch (error) {
    throw toStoreError(error, 'put-bodies');
  }
}

/** The cached body of one message with its attachments in partId order, or undefined when it is not cached. */
export async function getBody(db: HeronDb, accountId: string, folderPath: string, uid: number): Promise<MessageBody | undefined> {
  try {
    return await db.transaction('r', [db.bodies, db.attachments], async () => {
      const [row, attachments] = await Promise.all([db.bodies.get([accountId, folderPath, uid]), attachmentsOf(db, accountId, folderPath, uid).toArray()]);
      if (!row) return undefined;
      // Keys sort as strings ("10" before "2"); partIds are numbers to people.
      attachments.sort((a, b) => a.partId.localeCompare(b.partId, 'en', { numeric: true }));
      return { ...row, attachments: attachments.map(toMeta) };
    });
  } catch (error) {
    throw toStoreError(error, 'get-body');
  }
}

/**
 * The UIDs among `uids` (deduplicated, in the order given) with no cached body. Reads primary keys only, one
 * getAllKeys over the asked UID range, never a body: bodies can be megabytes each, and bulkGet would load
 * every cached one just to learn that it exists (and a key cursor jumping from key to key with anyOf is
 * hundreds of times slower than one range read for the few-thousand-UID questions prefetch asks).
 */
export async function bodiesMissing(db: HeronDb, accountId: string, folderPath: string, uids: readonly number[]): Promise<number[]> {
  const wanted = [...new Set(uids)];
  if (wanted.length === 0) return [];
  let low = Infinity;
  let high = -Infinity;
  for (const uid of wanted) {
    if (uid < low) low = uid;
    if (uid > high) high = uid;
  }
  try {
    const cached = await db.bodies
      .where('[accountId+folderPath+uid]')
      .between([accountId, folderPath, low], [accountId, folderPath, high], true, true)
      .primaryKeys();
    const have = new Set(cached.map((key) => key[2]));
    return wanted.filter((uid) => !have.has(uid));
  } catch (error) {
    throw toStoreError(error, 'bodies-missing');
  }
}

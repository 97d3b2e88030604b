// Search on the server (IMAP UID SEARCH) for what the local index cannot see, and the headers of its hits the store does not hold yet.

import type { RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { MessageHeader } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { withFolder } from './body-folder';
import { HEADER_QUERY, toHeader } from './headers';
import { uidSet } from './uid-set';

/** Words of a query longer than this are cut: a server's SEARCH is a substring match, so a cut word still finds its message. */
const MAX_TERM_CHARS = 200;
/** At most this many words are sent: each is its own SEARCH. */
const MAX_TERMS = 8;
/** Headers fetched per call: what a result list shows, not a second sync. */
export const MAX_FETCH_HEADERS = 2_000;
/** Headers per FETCH and per store batch, as backfill does. */
const FETCH_CHUNK = 500;

/** The query's words as the server gets them: whitespace-separated, each needed, each matched as a substring. */
export function serverTerms(text: string): string[] {
  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}@]+|[^\p{L}\p{N}]+$/gu, '').slice(0, MAX_TERM_CHARS))
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/**
 * UIDs of the messages in `folderPath` that contain every word of `text` in From, To, Cc, Subject or the body,
 * ascending. One UID SEARCH per word (OR of the fields), intersected here: IMAP has no grouping of ORs under an
 * AND that imapflow can express, and a query rarely has more than two words. The folder is EXAMINEd (read-only).
 */
export async function searchServer(session: AccountSession, folderPath: string, text: string): Promise<{ uids: number[] }> {
  const terms = serverTerms(text);
  if (terms.length === 0) return { uids: [] };
  return withFolder(session, folderPath, async ({ client }) => {
    let found: Set<number> | null = null;
    for (const term of terms) {
      const uids = await client.search({ or: [{ from: term }, { to: term }, { cc: term }, { subject: term }, { body: term }] }, { uid: true });
      const next: Set<number> = new Set();
      for (const uid of uids || []) if (found === null || found.has(uid)) next.add(uid);
      found = next;
      if (found.size === 0) break;
    }
    return { uids: [...(found ?? [])].sort((a, b) => a - b) };
  });
}

function validUids(uids: readonly number[]): number[] {
  if (!Array.isArray(uids) || !uids.every((uid) => Number.isSafeInteger(uid) && uid > 0 && uid <= 0xffff_ffff)) {
    throw new HeronError('invalid-input', undefined, { operation: 'fetch-headers', reason: 'UIDs must be whole numbers from 1 to 4294967295.' });
  }
  const unique = [...new Set(uids)];
  if (unique.length > MAX_FETCH_HEADERS) {
    throw new HeronError('invalid-input', undefined, { operation: 'fetch-headers', reason: `At most ${MAX_FETCH_HEADERS} headers are fetched at once.` });
  }
  return unique;
}

/**
 * Fetches the headers of `uids` (server-search hits not stored yet, e.g. below the backfill mark) and has the
 * store apply them, without a cursor: the folder's sync state does not move, so backfill and incremental sync
 * carry on as before (and store these again harmlessly if they reach them). Refused when the folder's UIDVALIDITY
 * is not the one the store synced, since the UIDs would then name other messages than the store's.
 */
export async function fetchHeadersInto(session: AccountSession, renderer: RendererApi, accountId: string, folderPath: string, uids: readonly number[]): Promise<void> {
  const wanted = validUids(uids);
  if (wanted.length === 0) return;
  const cursor = await renderer.getSyncCursor(accountId, folderPath);
  const headers = await withFolder(session, folderPath, async ({ client, uidValidity }) => {
    if (cursor?.uidValidity != null && BigInt(cursor.uidValidity) !== uidValidity) {
      throw new HeronError('not-found', 'This folder changed on the server since it was last synced; open it again, then search again.', { folderPath });
    }
    const fetched: Omit<MessageHeader, 'threadId'>[] = [];
    for (let i = 0; i < wanted.length; i += FETCH_CHUNK) {
      for await (const message of client.fetch(uidSet(wanted.slice(i, i + FETCH_CHUNK)), HEADER_QUERY, { uid: true })) fetched.push(toHeader(accountId, folderPath, message));
    }
    return fetched;
  });
  // Store batches outside the folder job, so the connection is free for others while the store writes.
  for (let i = 0; i < headers.length; i += FETCH_CHUNK) {
    await renderer.applyBatch({ accountId, folderPath, upsertMessages: headers.slice(i, i + FETCH_CHUNK) });
  }
}

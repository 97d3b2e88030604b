// Owns "keep bodies of the last N days offline": finds the folder's messages since a date, skips those the store has, fetches and stores the rest in bounded batches.

import type { RendererApi } from '../../shared/contract';
import type { MessageBody } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { MAX_PARSE_BYTES, parseMessage } from '../mime/parse-message';
import { withFolder } from './body-folder';
import { uidSet } from './uid-set';

/** Messages per FETCH. */
export const PREFETCH_BATCH_SIZE = 50;
/** Raw bytes one FETCH may bring in (by RFC822.SIZE); a single bigger message is fetched on its own. */
export const PREFETCH_BATCH_BYTES = 16 * 1024 * 1024;
/** UIDs per bodiesMissing question and per size lookup, so no single message between the processes gets large. */
const LOOKUP_CHUNK = 2000;

export interface PrefetchOptions {
  batchSize?: number;
  batchBytes?: number;
  /** Bodies stored so far out of those that were missing; called once before the first batch and after each. */
  onProgress?: (fetched: number, total: number) => void;
  /** Stops before the next batch; bodies already stored stay, and the count so far is returned. */
  signal?: AbortSignal;
}

interface Sized {
  uid: number;
  size: number;
}

/** Splits messages into consecutive FETCH batches of at most `count` messages and `bytes` bytes (never empty). */
export function planBatches(messages: readonly Sized[], count: number, bytes: number): Sized[][] {
  const batches: Sized[][] = [];
  let batch: Sized[] = [];
  let batchBytes = 0;
  for (const message of messages) {
    const size = Math.min(message.size, MAX_PARSE_BYTES);
    if (batch.length > 0 && (batch.length >= count || batchBytes + size > bytes)) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(message);
    batchBytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

async function missingBodies(renderer: Pick<RendererApi, 'bodiesMissing'>, accountId: string, folderPath: string, uids: readonly number[]): Promise<number[]> {
  const missing: number[] = [];
  for (let i = 0; i < uids.length; i += LOOKUP_CHUNK) missing.push(...(await renderer.bodiesMissing(accountId, folderPath, uids.slice(i, i + LOOKUP_CHUNK))));
  return missing;
}

/**
 * Fetches the bodies of every message of `folderPath` whose INTERNALDATE is on or after the day of `sinceMs`
 * (IMAP SEARCH SINCE compares whole days) and that the store does not hold yet, newest first, and hands them
 * to the store in batches. Each batch is its own job on the account's connection, so opening a message
 * while a long prefetch runs waits for one batch, not for the whole folder. Memory holds at most two
 * batches: the one being fetched and the one being stored. Sources are BODY.PEEK fetches of at most
 * MAX_PARSE_BYTES each and never set \Seen. Returns how many bodies were stored.
 */
export async function prefetchBodies(
  session: AccountSession,
  renderer: Pick<RendererApi, 'bodiesMissing' | 'putBodies'>,
  accountId: string,
  folderPath: string,
  sinceMs: number,
  options: PrefetchOptions = {},
): Promise<number> {
  const { signal, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? PREFETCH_BATCH_SIZE);
  const batchBytes = Math.max(1, options.batchBytes ?? PREFETCH_BATCH_BYTES);
  if (signal?.aborted) return 0;

  const found = await withFolder(session, folderPath, async ({ client, uidValidity }) => {
    const uids = await client.search({ since: new Date(sinceMs) }, { uid: true });
    return { uids: uids || [], uidValidity };
  });
  const missing = (await missingBodies(renderer, accountId, folderPath, found.uids)).sort((a, b) => b - a);
  let total = missing.length;
  let stored = 0;
  onProgress?.(0, total);

  let storing: Promise<void> | null = null;
  // Set when UIDVALIDITY changed since the search: the UIDs found name other messages now (or none), and sync resets the folder.
  let stale = false;
  try {
    for (let start = 0; start < missing.length && !stale && !signal?.aborted; start += LOOKUP_CHUNK) {
      const chunk = missing.slice(start, start + LOOKUP_CHUNK);
      const sized = await withFolder(session, folderPath, async ({ client, uidValidity }) => {
        if (uidValidity !== found.uidValidity) return null;
        const sizes = new Map<number, number>();
        for await (const message of client.fetch(uidSet(chunk), { uid: true, size: true }, { uid: true })) sizes.set(message.uid, message.size ?? 0);
        return chunk.filter((uid) => sizes.has(uid)).map((uid) => ({ uid, size: sizes.get(uid) as number }));
      });
      if (sized === null) {
        stale = true;
        break;
      }
      // Expunged since the search: nothing to fetch for them.
      total -= chunk.length - sized.length;

      for (const batch of planBatches(sized, batchSize, batchBytes)) {
        if (signal?.aborted) break;
        const bodies = await withFolder(session, folderPath, async ({ client, uidValidity }) => {
          if (uidValidity !== found.uidValidity) return null;
          const parsed: MessageBody[] = [];
          const query = { uid: true, size: true, source: { maxLength: MAX_PARSE_BYTES } };
          // Parsing inside the loop overlaps it with the server's sending and keeps one raw source in memory at a time.
          for await (const message of client.fetch(uidSet(batch.map((m) => m.uid)), query, { uid: true })) {
            if (!message.source) continue;
            const body = await parseMessage(message.source, message.size === undefined ? {} : { totalSize: message.size });
            parsed.push({ accountId, folderPath, uid: message.uid, ...body, fetchedAt: Date.now() });
          }
          return parsed;
        });
        if (bodies === null) {
          stale = true;
          break;
        }
        total -= batch.length - bodies.length;
        // At most one store round trip in flight, overlapping the next FETCH.
        if (storing) await storing;
        storing = renderer.putBodies(bodies).then(() => {
          stored += bodies.length;
          onProgress?.(stored, total);
        });
      }
    }
    if (storing) await storing;
    storing = null;
  } finally {
    // The fetch failure is what the caller hears about; a store call still running must settle, not reject unheard.
    if (storing) await storing.catch(() => undefined);
  }
  return stored;
}

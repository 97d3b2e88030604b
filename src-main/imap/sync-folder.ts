// One folder's messages into the store: newest page first, backfill in batches, then incremental with CONDSTORE or a flag diff.

import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import type { RendererApi } from '../../shared/contract';
import type { Flag, MessageHeader, SyncCursor, SyncPhase } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';
import { HEADER_QUERY, toHeader } from './headers';
import { newestFirstChunks, uidSet } from './uid-set';

/** The first page a person sees: it goes to the store before anything else of the folder. */
export const NEWEST_PAGE = 50;
/** Rows per store batch while backfilling: large enough to amortize a transaction, small enough to keep the UI live. */
export const BACKFILL_BATCH = 2_000;

export interface FolderSyncContext {
  session: AccountSession;
  renderer: RendererApi;
  accountId: string;
  progress(folderPath: string, phase: SyncPhase, fetched: number, total: number): void;
}

interface MailboxState {
  uidValidity: number;
  uidNext: number;
  exists: number;
  highestModseq: string | null;
}

type Header = Omit<MessageHeader, 'threadId'>;

function stateOf(mailbox: MailboxObject): MailboxState {
  const modseq = mailbox.noModseq || mailbox.highestModseq === undefined ? null : String(mailbox.highestModseq);
  return { uidValidity: Number(mailbox.uidValidity), uidNext: mailbox.uidNext, exists: mailbox.exists, highestModseq: modseq };
}

/**
 * Runs `work` with the folder selected read-only (EXAMINE), so syncing never changes \Seen or anything else.
 * `fresh` re-selects a folder that is still selected from an earlier job: the counters imapflow keeps for a
 * selected folder (HIGHESTMODSEQ above all) are not updated by changes other clients make meanwhile, and
 * reading them stale would hide those changes.
 */
function inFolder<T>(ctx: FolderSyncContext, path: string, work: (client: ImapFlow, state: MailboxState) => Promise<T>, fresh = false): Promise<T> {
  return ctx.session.withClient(async (client) => {
    // Selected again with EXAMINE, never CLOSEd: a CLOSE of a folder another job selected read-write (a replayed
    // change, a draft save) would expunge every message marked \Deleted there, other clients' included (RFC 3501 §6.4.2).
    if (fresh && client.mailbox && (client.mailbox as MailboxObject).path === path) await client.mailboxOpen(path, { readOnly: true });
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      return await work(client, stateOf(client.mailbox as MailboxObject));
    } catch (error) {
      throw mapProtocolError(error, { host: client.host, port: client.port });
    } finally {
      lock.release();
    }
  });
}

async function fetchHeaders(client: ImapFlow, accountId: string, path: string, range: string, minUid = 1): Promise<Header[]> {
  const headers: Header[] = [];
  for await (const message of client.fetch(range, HEADER_QUERY, { uid: true })) {
    // `N:*` always returns the last message even when its UID is below N (RFC 3501 §6.4.8).
    if (message.uid >= minUid) headers.push(toHeader(accountId, path, message));
  }
  return headers;
}

async function searchUids(client: ImapFlow, range?: string): Promise<number[]> {
  const found = await client.search(range ? { uid: range } : { all: true }, { uid: true });
  return (found || []).sort((a, b) => a - b);
}

function cursorOf(accountId: string, path: string, state: MailboxState, backfillBelowUid: number | null, messageCount: number | null): SyncCursor {
  return {
    accountId,
    folderPath: path,
    uidValidity: state.uidValidity,
    uidNext: state.uidNext,
    highestModseq: state.highestModseq,
    backfillBelowUid,
    messageCount,
    updatedAt: Date.now(),
  };
}

/**
 * First sync, or a UIDVALIDITY change (every cached UID now names another message): the newest page
 * goes first, replacing anything cached; the rest is left to backfill, which the cursor records.
 */
async function initialSync(ctx: FolderSyncContext, path: string, reset: boolean): Promise<void> {
  await inFolder(ctx, path, async (client, state) => {
    const uids = state.exists === 0 ? [] : await searchUids(client);
    const newest = uids.slice(-NEWEST_PAGE);
    ctx.progress(path, 'newest', 0, uids.length);
    const headers = newest.length ? await fetchHeaders(client, ctx.accountId, path, uidSet(newest)) : [];
    const rest = uids.length - newest.length;
    await ctx.renderer.applyBatch({
      accountId: ctx.accountId,
      folderPath: path,
      resetFolder: reset,
      upsertMessages: headers,
      cursor: cursorOf(ctx.accountId, path, state, rest > 0 ? (newest[0] as number) : null, state.exists),
    });
    ctx.progress(path, 'newest', headers.length, uids.length);
  }, true);
}

/** Fetches what is below the cursor's backfill mark, newest first, one committed batch at a time (so it resumes). */
async function backfill(ctx: FolderSyncContext, path: string, cursor: SyncCursor): Promise<void> {
  if (cursor.backfillBelowUid === null || cursor.backfillBelowUid <= 1) return;
  const below = cursor.backfillBelowUid;
  const older = await inFolder(ctx, path, (client) => searchUids(client, `1:${below - 1}`));
  const chunks = newestFirstChunks(older, BACKFILL_BATCH);
  let fetched = 0;
  // The store applies one batch while the next is fetched; batches still commit in order, one at a time, so
  // the cursor never runs ahead of the data.
  let storing: Promise<void> = Promise.resolve();
  try {
    for (const [index, chunk] of chunks.entries()) {
      // Each chunk is its own job on the connection, so opening a message elsewhere is not stuck behind a whole backfill.
      const headers = await inFolder(ctx, path, (client) => fetchHeaders(client, ctx.accountId, path, uidSet(chunk)));
      await storing;
      const last = index === chunks.length - 1;
      storing = ctx.renderer
        .applyBatch({
          accountId: ctx.accountId,
          folderPath: path,
          upsertMessages: headers,
          cursor: { ...cursor, backfillBelowUid: last ? null : (chunk[0] as number), updatedAt: Date.now() },
        })
        .then(() => {
          fetched += headers.length;
          ctx.progress(path, 'backfill', fetched, older.length);
        });
      // Marked handled now: if it fails while the next fetch is on the wire, the `await storing` below reports it.
      storing.catch(() => undefined);
    }
  } catch (error) {
    // A failed fetch still lets the batch already handed to the store commit (or fail) before reporting.
    await storing.catch(() => undefined);
    throw error;
  }
  await storing;
  if (chunks.length === 0) await ctx.renderer.applyBatch({ accountId: ctx.accountId, folderPath: path, cursor: { ...cursor, backfillBelowUid: null, updatedAt: Date.now() } });
}

interface Changes {
  flagChanges: { uid: number; flags: Flag[] }[];
  /** UIDs the server reported expunged (QRESYNC VANISHED), or null when it cannot say. */
  vanished: number[] | null;
}

/**
 * Flags changed since the cursor: CHANGEDSINCE with CONDSTORE (plus VANISHED with QRESYNC), else every flag
 * below uidNext, which is the fallback diff for servers without CONDSTORE.
 */
async function changesSince(client: ImapFlow, path: string, cursor: SyncCursor, state: MailboxState): Promise<Changes> {
  const known = (cursor.uidNext ?? 1) - 1;
  if (known < 1) return { flagChanges: [], vanished: [] };
  const condstore = client.enabled.has('CONDSTORE') && state.highestModseq !== null && cursor.highestModseq !== null;
  const qresync = condstore && client.enabled.has('QRESYNC');
  if (condstore && state.highestModseq === cursor.highestModseq) return { flagChanges: [], vanished: [] };
  if (state.exists === 0) return { flagChanges: [], vanished: null };
  const vanished: number[] = [];
  const onExpunge = (event: { path: string; uid?: number; vanished?: boolean }) => {
    if (event.vanished && event.path === path && event.uid !== undefined) vanished.push(event.uid);
  };
  if (qresync) client.on('expunge', onExpunge);
  try {
    const options = condstore ? { uid: true, changedSince: BigInt(cursor.highestModseq as string) } : { uid: true };
    const flagChanges: Changes['flagChanges'] = [];
    for await (const message of client.fetch(`1:${known}`, { uid: true, flags: true }, options) as AsyncIterable<FetchMessageObject>) {
      if (message.uid <= known) flagChanges.push({ uid: message.uid, flags: [...(message.flags ?? [])] as Flag[] });
    }
    return { flagChanges, vanished: qresync ? vanished : null };
  } finally {
    if (qresync) client.off('expunge', onExpunge);
  }
}

/**
 * Since the last sync: new messages, flag changes, and expunges (VANISHED, else found by count and UID difference).
 * Null when UIDVALIDITY changed: the cursor's UIDs name other messages now, and nothing was written.
 */
async function incremental(ctx: FolderSyncContext, path: string, cursor: SyncCursor): Promise<SyncCursor | null> {
  return inFolder(ctx, path, async (client, state) => {
    if (state.uidValidity !== cursor.uidValidity) return null;
    ctx.progress(path, 'changes', 0, 0);
    const from = cursor.uidNext ?? 1;
    const arrived = state.exists > 0 && state.uidNext > from ? await fetchHeaders(client, ctx.accountId, path, `${from}:*`, from) : [];
    const { flagChanges, vanished } = await changesSince(client, path, cursor, state);
    let removedUids = vanished ?? [];
    // Without VANISHED, the server's count tells whether anything was expunged; only then is the UID comparison needed.
    const countMoved = cursor.messageCount === null || cursor.messageCount === undefined || state.exists !== cursor.messageCount + arrived.length;
    if (vanished === null && countMoved) {
      const onServer = new Set(state.exists === 0 ? [] : await searchUids(client));
      removedUids = (await ctx.renderer.getFolderUids(ctx.accountId, path)).filter((uid) => !onServer.has(uid));
    }
    const highestArrived = arrived.reduce((max, m) => Math.max(max, m.uid), 0);
    const next = cursorOf(ctx.accountId, path, { ...state, uidNext: Math.max(state.uidNext, highestArrived + 1) }, cursor.backfillBelowUid, state.exists);
    await ctx.renderer.applyBatch({ accountId: ctx.accountId, folderPath: path, upsertMessages: arrived, flagChanges, removedUids, cursor: next });
    const changed = arrived.length + flagChanges.length + removedUids.length;
    ctx.progress(path, 'changes', changed, changed);
    return next;
  }, true);
}

export interface FolderSyncOptions {
  /**
   * False for the first pass over all folders (newest page / changes only); true for the backfill pass, which always
   * comes after a changes pass of the folder and so only backfills (a folder with nothing to backfill costs no command).
   */
  backfill: boolean;
}

/**
 * Brings one folder up to date. Safe to interrupt anywhere: the store's cursor only moves with committed data.
 * One EXAMINE answers both "is the cache still valid" and "what changed", because each costs a round trip and,
 * on a 100,000-message folder, the server's work of opening it.
 */
export async function syncFolder(ctx: FolderSyncContext, path: string, options: FolderSyncOptions): Promise<void> {
  const stored = await ctx.renderer.getSyncCursor(ctx.accountId, path);
  // A backfill pass always follows a changes pass of the same folder; with nothing left to backfill, it has nothing to ask.
  if (options.backfill && stored && stored.backfillBelowUid === null) {
    ctx.progress(path, 'idle', 0, 0);
    return;
  }
  let cursor = stored ? await incremental(ctx, path, stored) : null;
  if (!cursor) {
    await initialSync(ctx, path, stored !== null);
    cursor = await ctx.renderer.getSyncCursor(ctx.accountId, path);
  }
  if (options.backfill && cursor) await backfill(ctx, path, cursor);
  ctx.progress(path, 'idle', 0, 0);
}

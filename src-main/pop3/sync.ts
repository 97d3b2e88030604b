// Owns syncing a POP3 account: one session per sync downloads by UIDL what the store has no record of, in batches,
// then deletes on the server what the account's options say, and only what the store has durably kept.
//
// Why it cannot lose or double a message:
// - A message and its record (PopMessage, by UIDL) are written in one transaction, so the next sync downloads exactly
//   what no committed batch holds: an interruption costs at most the batch under way, and the sync resumes from there.
// - A message is deleted on the server only after the store acknowledged a commit of it made with strict durability:
//   DELE is sent only for records read back from the store and just committed again strictly (confirmDeletions); and
//   deletions take effect only at QUIT (RFC 1939 §6). A session that drops before QUIT's +OK deletes nothing, and the
//   records stay, so the next sync tries again. The records of deleted messages go only after +OK.

import type { RendererApi } from '../../shared/contract';
import { HeronError, toHeronError } from '../../shared/errors';
import type { Flag, Pop3Options, PopMessage } from '../../shared/model';
import { pop3OptionsOf, type AccountRecord } from '../engine/accounts';
import { openPop3, type Pop3Session } from './client';
import { localFolders, POP3_INBOX } from './local-folders';
import { readLocalMessage } from './pop3-message';
import { deletesOnDownload, serverDeletions } from './retention';

/** When a batch of downloaded messages is committed: at this many messages or raw bytes, whichever comes first. */
export interface BatchLimits {
  messages: number;
  bytes: number;
}

/**
 * Large, because part of a commit's cost comes once per transaction whatever its size (a strict one waits for the
 * disk; the search index rewrites each word's row once per batch); yet an interruption loses at most the batch under
 * way, and only two batches (one committing, one downloading) are in memory at a time.
 */
export const DEFAULT_BATCH_LIMITS: BatchLimits = { messages: 500, bytes: 16 * 1024 * 1024 };
/** Body lines a message over the size limit keeps (TOP): enough to read what it is about and decide on the rest. */
export const PARTIAL_BODY_LINES = 200;

export interface Pop3SyncDeps {
  account: AccountRecord;
  password: string;
  renderer: RendererApi;
  /** The clock of downloadedAt and of "delete after N days"; tests move it themselves. */
  now(): number;
  /** Aborted when the account's connections close (removed, settings changed, no store): the session drops without QUIT. */
  signal: AbortSignal;
  /** Messages downloaded and committed so far, of those new at this sync. */
  progress?(fetched: number, total: number): void;
  /** The POP3 client; a test stands a fake server in. */
  open?: typeof openPop3;
  /** DEFAULT_BATCH_LIMITS unless a test cuts a sync between small batches. */
  batch?: BatchLimits;
}

interface ServerMessage {
  uidl: string;
  msgno: number;
  size: number;
}

interface Downloaded {
  uidl: string;
  uid: number;
  raw: Buffer;
  /** The size the server gave when `raw` holds only the message's first lines; null when it is whole. */
  partialOf: number | null;
}

/**
 * Runs `work` on a fresh session and always closes it. `work` QUITs itself when what it did should take effect: a
 * session closed without QUIT (an error, the account closing) has the server discard its DELEs.
 */
export async function withPop3Session<T>(deps: Omit<Pop3SyncDeps, 'renderer' | 'now'>, work: (session: Pop3Session) => Promise<T>): Promise<T> {
  const { account, signal } = deps;
  const session = await (deps.open ?? openPop3)(account.incoming, deps.password, account.pinnedCertificate);
  const drop = () => session.close();
  signal.addEventListener('abort', drop, { once: true });
  try {
    if (signal.aborted) throw new HeronError('connection-lost', 'The account was closed.');
    return await work(session);
  } finally {
    signal.removeEventListener('abort', drop);
    session.close();
  }
}

/** The server's messages by UIDL, in message-number order. A UIDL listed twice (a broken server) counts once. */
export async function serverMessages(session: Pop3Session): Promise<Map<string, ServerMessage>> {
  const [uidls, sizes] = [await session.uidl(), await session.list()];
  const byUidl = new Map<string, ServerMessage>();
  for (const [msgno, uidl] of [...uidls].sort(([a], [b]) => a - b)) {
    if (!byUidl.has(uidl)) byUidl.set(uidl, { uidl, msgno, size: sizes.get(msgno) ?? 0 });
  }
  return byUidl;
}

/**
 * The parts of a batch that store downloaded messages (new ones are unread) with everything they are made of, asking
 * for a strict commit, as downloadRest needs; a sync's download batches choose their own durability.
 */
export async function messageParts(deps: Pick<Pop3SyncDeps, 'account' | 'now'>, folderPath: string, items: { raw: Buffer; uid: number; partialOf: number | null }[], flags: Flag[] = []) {
  const at = deps.now();
  const messages = await Promise.all(
    items.map((item) =>
      readLocalMessage(item.raw, { accountId: deps.account.id, folderPath, uid: item.uid, flags, at, ...(item.partialOf === null ? {} : { totalSize: item.partialOf }) }),
    ),
  );
  return {
    at,
    batch: {
      accountId: deps.account.id,
      folderPath,
      upsertMessages: messages.map((m) => m.header),
      bodies: messages.map((m) => m.body),
      sources: messages.map((m) => m.source),
      durability: 'strict' as const,
    },
  };
}

/** The message whole, or under the size limit its headers and first lines (TOP), which may turn out to be all of it. */
async function fetchMessage(session: Pop3Session, message: ServerMessage, limit: number | null): Promise<{ raw: Buffer; partialOf: number | null }> {
  if (limit === null || message.size <= limit) return { raw: await session.retr(message.msgno), partialOf: null };
  let raw: Buffer;
  try {
    raw = await session.top(message.msgno, PARTIAL_BODY_LINES);
  } catch (error) {
    // TOP is optional (RFC 1939 §7): on a server without it the message comes whole, which beats never coming at all.
    if (toHeronError(error).code !== 'server-rejected') throw error;
    return { raw: await session.retr(message.msgno), partialOf: null };
  }
  return { raw, partialOf: raw.length >= message.size ? null : message.size };
}

/**
 * Downloads `fresh` in order, committing a batch at a time; the next batch downloads and is parsed while the one
 * before commits (one commit in flight), since the network and the store are each idle while the other works.
 * Resolves with the records the store acknowledged; a failed commit stops the download with its error.
 */
async function download(session: Pop3Session, deps: Pop3SyncDeps, fresh: ServerMessage[]): Promise<PopMessage[]> {
  const { account, renderer } = deps;
  if (fresh.length === 0) return [];
  const options = pop3OptionsOf(account);
  const limits = deps.batch ?? DEFAULT_BATCH_LIMITS;
  // Strict only where this session may delete what it downloads: the message's own commit is then durable seconds
  // before its DELE, without leaning on the order of commits. Elsewhere its deletion is days away or never, and the
  // deletion pass's strict re-commit (confirmDeletions) is the one the rule needs.
  const durability = deletesOnDownload(options) ? 'strict' : 'default';
  // One reservation for the whole sync, not one strict commit per batch. A UID left unused because the sync stopped
  // part-way is simply never used: the counter only grows, so a gap costs nothing.
  const firstUid = await renderer.allocateUids(account.id, fresh.length);
  const acknowledged: PopMessage[] = [];
  let pending: Downloaded[] = [];
  let pendingBytes = 0;
  let committing: Promise<void> = Promise.resolve();
  // Asserted, not annotated: set only inside callbacks, which TypeScript's narrowing would not see.
  let failure = null as { error: unknown } | null;

  const commit = async (downloaded: Downloaded[], parts: Awaited<ReturnType<typeof messageParts>>): Promise<void> => {
    const records = downloaded.map((d): PopMessage => ({ accountId: account.id, uidl: d.uidl, uid: d.uid, downloadedAt: parts.at, partial: d.partialOf !== null, deletedLocally: false }));
    await renderer.applyBatch({ ...parts.batch, popMessages: records, durability });
    acknowledged.push(...records);
    deps.progress?.(acknowledged.length, fresh.length);
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const downloaded = pending;
    pending = [];
    pendingBytes = 0;
    // Parsed while the commit before is still running (the store works in another process), not after it.
    const parsing = messageParts(deps, POP3_INBOX, downloaded);
    const previous = committing;
    committing = Promise.all([parsing, previous])
      .then(([parts]) => (failure ? undefined : commit(downloaded, parts)))
      .catch((error: unknown) => void (failure ??= { error }));
    await previous;
    if (failure) throw failure.error;
  };

  try {
    for (const [index, message] of fresh.entries()) {
      if (failure) break;
      const { raw, partialOf } = await fetchMessage(session, message, options.maxMessageBytes);
      pending.push({ uidl: message.uidl, uid: firstUid + index, raw, partialOf });
      pendingBytes += raw.length;
      if (pending.length >= limits.messages || pendingBytes >= limits.bytes) await flush();
    }
    await flush();
  } finally {
    // Even when a download failed: a sync that ended with a commit still running could let the next one read the
    // records before that commit lands, and download its messages a second time.
    await committing;
  }
  if (failure) throw failure.error;
  return acknowledged;
}

/**
 * The records whose server copies this session deletes, once the store acknowledged a strict commit of them; none
 * when nothing is due. Why that keeps "deleted on the server only after a strict commit of it":
 * - The records are read back from the store, so only what a commit left there goes: a record a crash lost (with its
 *   message, written in the same transaction) is simply not deleted, and the next sync downloads the message again.
 * - The strict commit of the records is a transaction after the ones that wrote the messages (those had committed,
 *   or the records could not be read back), over the same tables as every applyBatch. IndexedDB commits the
 *   transactions of one database in order, so once this one is flushed to disk, so are the messages' own, even
 *   those committed with default durability.
 */
async function confirmDeletions(deps: Pop3SyncDeps, options: Pop3Options, server: Map<string, ServerMessage>, known: readonly PopMessage[]): Promise<PopMessage[]> {
  const { renderer } = deps;
  const accountId = deps.account.id;
  const now = deps.now();
  // A pass with nothing due on what this sync already knows skips reading every record back.
  if (serverDeletions(known, options, now).length === 0) return [];
  const stored = (await renderer.popMessages(accountId)).filter((record) => server.has(record.uidl));
  const doomed = serverDeletions(stored, options, now);
  if (doomed.length > 0) await renderer.applyBatch({ accountId, popMessages: doomed, durability: 'strict' });
  return doomed;
}

/** One sync of a POP3 account; see the top of this file for why it neither loses nor doubles a message. */
export async function syncPop3Account(deps: Pop3SyncDeps): Promise<void> {
  const { account, renderer } = deps;
  const accountId = account.id;
  await renderer.applyBatch({ accountId, folders: localFolders(accountId) });
  await withPop3Session(deps, async (session) => {
    const server = await serverMessages(session);
    const records = await renderer.popMessages(accountId);
    // Gone from the server (deleted by another client, or by Heron in a session whose +OK to QUIT never arrived).
    const gone = records.filter((r) => !server.has(r.uidl)).map((r) => r.uidl);
    if (gone.length > 0) await renderer.applyBatch({ accountId, removedPopUidls: gone });

    const known = new Set(records.map((r) => r.uidl));
    const fresh = [...server.values()].filter((m) => !known.has(m.uidl));
    deps.progress?.(0, fresh.length);
    const downloaded = await download(session, deps, fresh);

    const kept = [...records.filter((r) => server.has(r.uidl)), ...downloaded];
    const doomed = await confirmDeletions(deps, pop3OptionsOf(account), server, kept);
    for (const record of doomed) await session.dele((server.get(record.uidl) as ServerMessage).msgno);
    await session.quit();
    if (doomed.length > 0) await renderer.applyBatch({ accountId, removedPopUidls: doomed.map((r) => r.uidl) });
  });
}

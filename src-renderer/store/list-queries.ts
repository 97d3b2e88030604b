// Reads for the message list: windows of a folder by date (flat) and conversations, so a 100,000-message folder is never read whole.

import { Dexie } from 'dexie';
import type { Address, MessageHeader } from '../../shared/model';
import type { HeronDb, MessageKey } from './db';

export type SortOrder = 'newest' | 'oldest';

function byDate(db: HeronDb, accountId: string, folderPath: string, order: SortOrder) {
  const range = db.messages
    .where('[accountId+folderPath+date]')
    .between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey], true, true);
  return order === 'newest' ? range.reverse() : range;
}

/**
 * How many messages the store holds for the folder. A folder the store counts (FolderRow.storeCounted) has that
 * figure in its row, kept by every write: an IndexedDB count walks every index entry, which at 100,000 messages
 * cost about as much as the sync batch that made the list ask again.
 */
export async function folderMessageCount(db: HeronDb, accountId: string, folderPath: string): Promise<number> {
  const folder = await db.folders.get([accountId, folderPath]);
  return folder?.storeCounted ? folder.total : byDate(db, accountId, folderPath, 'newest').count();
}

/**
 * `limit` messages from position `offset` in date order. The offset is skipped with one cursor advance over
 * the index (no rows read), so a window deep in a 100,000-message folder still reads only its own rows.
 */
export function messageWindow(db: HeronDb, accountId: string, folderPath: string, order: SortOrder, offset: number, limit: number): Promise<MessageHeader[]> {
  return byDate(db, accountId, folderPath, order).offset(offset).limit(limit).toArray();
}

/** The UIDs at positions offset..offset+limit-1 (limit Infinity: to the end), from the index keys alone (for shift-selecting over rows never loaded). */
export async function uidWindow(db: HeronDb, accountId: string, folderPath: string, order: SortOrder, offset: number, limit: number): Promise<number[]> {
  const from = byDate(db, accountId, folderPath, order).offset(offset);
  // IndexedDB counts are 32-bit: an unbounded read must not pass a limit at all.
  const keys = await (Number.isFinite(limit) ? from.limit(limit) : from).primaryKeys();
  return keys.map((key) => (key as MessageKey)[2]);
}

/**
 * How far a folder has been read in conversation order. A thread's place is where its first message appears
 * in date order (newest first: its latest message; oldest first: its first), so the order is found by
 * reading the date index from the top only as far as the visible rows need.
 */
export interface ConversationScan {
  readonly order: SortOrder;
  /** Threads in list order, as far as read. */
  threadIds: string[];
  seen: Set<string>;
  /** Messages read so far, in date order. */
  scanned: number;
  /** The whole folder has been read: threadIds is complete. */
  done: boolean;
}

export function newConversationScan(order: SortOrder): ConversationScan {
  return { order, threadIds: [], seen: new Set(), scanned: 0, done: false };
}

/** Rows read per step; a thread usually appears within a few rows, so small steps stop soon after enough are found. */
const SCAN_CHUNK = 400;

/** Reads on from where `scan` stopped until it knows `needed` threads (or the folder ends); mutates and returns it. */
export async function scanConversations(db: HeronDb, accountId: string, folderPath: string, scan: ConversationScan, needed: number): Promise<ConversationScan> {
  while (!scan.done && scan.threadIds.length < needed) {
    const rows = await messageWindow(db, accountId, folderPath, scan.order, scan.scanned, SCAN_CHUNK);
    for (const row of rows) {
      if (scan.seen.has(row.threadId)) continue;
      scan.seen.add(row.threadId);
      scan.threadIds.push(row.threadId);
    }
    scan.scanned += rows.length;
    if (rows.length < SCAN_CHUNK) scan.done = true;
  }
  return scan;
}

/** One conversation as the list shows it: its messages in this folder only. */
export interface ConversationRow {
  threadId: string;
  /** The newest message of the thread in this folder: what the row shows and opens. */
  latest: MessageHeader;
  /** Messages of the thread in this folder, newest first. */
  uids: number[];
  count: number;
  unreadCount: number;
  flagged: boolean;
  hasAttachments: boolean;
  answered: boolean;
  /** Distinct senders, newest first. */
  senders: Address[];
}

export function conversationRowOf(threadId: string, messages: readonly MessageHeader[]): ConversationRow | null {
  const sorted = [...messages].sort((a, b) => b.date - a.date || b.uid - a.uid);
  const latest = sorted[0];
  if (!latest) return null;
  const senders: Address[] = [];
  for (const m of sorted) {
    const from = m.from[0];
    if (from && !senders.some((s) => s.address === from.address)) senders.push(from);
  }
  return {
    threadId,
    latest,
    uids: sorted.map((m) => m.uid),
    count: sorted.length,
    unreadCount: sorted.reduce((n, m) => n + m.unread, 0),
    flagged: sorted.some((m) => m.flagged === 1),
    hasAttachments: sorted.some((m) => m.hasAttachments),
    answered: sorted.some((m) => m.flags.includes('\\Answered')),
    senders,
  };
}

/** Thread messages stored in this folder, through [accountId+threadId] (threads span folders; the list shows one). */
async function threadMessagesIn(db: HeronDb, accountId: string, folderPath: string, threadId: string): Promise<MessageHeader[]> {
  const all = await db.messages.where('[accountId+threadId]').equals([accountId, threadId]).toArray();
  return all.filter((m) => m.folderPath === folderPath);
}

/** The rows for these threads, in the same order; a thread no longer in the folder is left out. */
export async function conversationRows(db: HeronDb, accountId: string, folderPath: string, threadIds: readonly string[]): Promise<ConversationRow[]> {
  const rows = await Promise.all(threadIds.map(async (threadId) => conversationRowOf(threadId, await threadMessagesIn(db, accountId, folderPath, threadId))));
  return rows.filter((row): row is ConversationRow => row !== null);
}

/** Every UID these threads have in the folder: what an action on selected conversations acts on. */
export async function threadUidsInFolder(db: HeronDb, accountId: string, folderPath: string, threadIds: readonly string[]): Promise<number[]> {
  const lists = await Promise.all(threadIds.map((threadId) => threadMessagesIn(db, accountId, folderPath, threadId)));
  return lists.flat().map((m) => m.uid);
}

/** Headers of these UIDs (those still stored), for actions that depend on their current flags. */
export async function headersOf(db: HeronDb, accountId: string, folderPath: string, uids: readonly number[]): Promise<MessageHeader[]> {
  const rows = await db.messages.bulkGet(uids.map((uid): MessageKey => [accountId, folderPath, uid]));
  return rows.filter((row): row is MessageHeader => row !== undefined);
}

/**
 * What changes the conversation order: membership and the first message. Counts catch most arrivals and
 * removals; the highest UID catches a batch that removes one message and adds another. Flag changes leave the
 * order alone, so they cause no rescan.
 */
export async function conversationOrderVersion(db: HeronDb, accountId: string, folderPath: string, order: SortOrder): Promise<string> {
  const [count, first, lastKey] = await Promise.all([
    folderMessageCount(db, accountId, folderPath),
    byDate(db, accountId, folderPath, order).first(),
    db.messages
      .where('[accountId+folderPath+uid]')
      .between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey], true, true)
      .reverse()
      .limit(1)
      .primaryKeys(),
  ]);
  const lastUid = (lastKey[0] as MessageKey | undefined)?.[2] ?? 0;
  return `${order}:${count}:${lastUid}:${first ? `${first.uid}/${first.threadId}` : '-'}`;
}

// Keeps only the rows around the visible range in memory, read live from the store: a window of the folder by date, or of its conversations.

import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HeronDb } from '../../store/db';
import {
  conversationOrderVersion,
  conversationRows,
  folderMessageCount,
  messageWindow,
  newConversationScan,
  scanConversations,
  threadUidsInFolder,
  uidWindow,
  type ConversationScan,
  type SortOrder,
} from '../../store/list-queries';
import type { ListMode, ListRow, RowKey } from './list-rows';

/** Windows start and end on page boundaries, so scrolling a few rows does not start a new query each time. */
export const PAGE = 50;

export interface FolderRef {
  accountId: string;
  path: string;
}

export interface ListWindow {
  /** Rows in the list (for conversations, those found so far plus a page still being looked for); undefined while loading. */
  count: number | undefined;
  rowAt(index: number): ListRow | undefined;
  /** Keys of the rows at from..to inclusive, loaded from the store when they are not in memory. */
  keysInRange(from: number, to: number): Promise<RowKey[]>;
  allKeys(): Promise<RowKey[]>;
  /** The UIDs in this folder that rows with these keys stand for. */
  uidsOf(keys: readonly RowKey[]): Promise<number[]>;
}

interface WindowResult {
  identity: string;
  from: number;
  /** Aligned with positions from `from`; undefined for a thread that just left the folder (until the rescan). */
  rows: (ListRow | undefined)[];
  /** Conversations: threads found so far, and whether that is all of them. */
  found?: number;
  done?: boolean;
}

function pageBounds(start: number, end: number): [number, number] {
  const from = Math.max(0, Math.floor(start / PAGE) * PAGE);
  return [from, Math.max(from + PAGE, Math.ceil((end + 1) / PAGE) * PAGE)];
}

/** One scan per folder, order and version; scans run one at a time, since each continues where the last stopped. */
class ScanKeeper {
  private identity = '';
  private scan: ConversationScan = newConversationScan('newest');
  private queue: Promise<unknown> = Promise.resolve();

  current(identity: string, order: SortOrder): ConversationScan {
    if (identity !== this.identity) {
      this.identity = identity;
      this.scan = newConversationScan(order);
    }
    return this.scan;
  }

  upTo(db: HeronDb, folder: FolderRef, identity: string, order: SortOrder, needed: number): Promise<ConversationScan> {
    const scan = this.current(identity, order);
    const next = this.queue.then(() => scanConversations(db, folder.accountId, folder.path, scan, needed));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function useListWindow(db: HeronDb, folder: FolderRef | null, mode: ListMode, order: SortOrder, visible: { start: number; end: number }): ListWindow {
  const accountId = folder?.accountId ?? '';
  const path = folder?.path ?? '';
  const open = folder !== null;
  const [from, to] = pageBounds(visible.start, visible.end);
  const keeper = useRef(new ScanKeeper());

  const flatCount = useLiveQuery(async () => (open && mode === 'messages' ? { key: `${accountId}\u0000${path}`, n: await folderMessageCount(db, accountId, path) } : null), [db, accountId, path, mode]);
  const version = useLiveQuery(async () => (open && mode === 'conversations' ? conversationOrderVersion(db, accountId, path, order) : null), [db, accountId, path, mode, order]);
  const identity = `${mode}\u0000${accountId}\u0000${path}\u0000${order}\u0000${mode === 'conversations' ? (version ?? '') : ''}`;

  const result = useLiveQuery(async (): Promise<WindowResult | null> => {
    if (!open) return null;
    if (mode === 'messages') {
      const headers = await messageWindow(db, accountId, path, order, from, to - from);
      return { identity, from, rows: headers.map((header) => ({ kind: 'message', key: header.uid, header })) };
    }
    if (version === undefined || version === null) return null;
    const scan = await keeper.current.upTo(db, { accountId, path }, identity, order, to);
    const ids = scan.threadIds.slice(from, to);
    const found = new Map((await conversationRows(db, accountId, path, ids)).map((c) => [c.threadId, c]));
    const rows = ids.map((id): ListRow | undefined => {
      const conversation = found.get(id);
      return conversation && { kind: 'conversation', key: id, conversation };
    });
    return { identity, from, rows, found: scan.threadIds.length, done: scan.done };
  }, [db, identity, from, to]);

  // Results of an earlier folder, order or version are never shown at the new one's positions.
  const current = result && result.identity === identity ? result : null;
  const [lastConversationCount, setLastConversationCount] = useState<{ identity: string; n: number } | null>(null);
  const conversationCount = current?.found !== undefined ? (current.done ? current.found : current.found + PAGE) : undefined;
  useEffect(() => {
    if (conversationCount !== undefined) setLastConversationCount({ identity: `${mode}\u0000${accountId}\u0000${path}\u0000${order}`, n: conversationCount });
  }, [conversationCount, mode, accountId, path, order]);

  let count: number | undefined;
  if (!open) count = 0;
  else if (mode === 'messages') count = flatCount && flatCount.key === `${accountId}\u0000${path}` ? flatCount.n : undefined;
  else if (conversationCount !== undefined) count = conversationCount;
  // While a new version is rescanned, the count found before keeps the scroll height steady.
  else if (lastConversationCount?.identity === `${mode}\u0000${accountId}\u0000${path}\u0000${order}`) count = lastConversationCount.n;

  const rowAt = useCallback(
    (index: number): ListRow | undefined => {
      if (!current || index < current.from) return undefined;
      return current.rows[index - current.from];
    },
    [current],
  );

  const keysInRange = useCallback(
    async (start: number, end: number): Promise<RowKey[]> => {
      if (!open || end < start) return [];
      if (mode === 'messages') return uidWindow(db, accountId, path, order, start, end - start + 1);
      const scan = await keeper.current.upTo(db, { accountId, path }, identity, order, end + 1);
      return scan.threadIds.slice(start, end + 1);
    },
    [db, open, mode, accountId, path, order, identity],
  );

  const allKeys = useCallback(async (): Promise<RowKey[]> => {
    if (!open) return [];
    if (mode === 'messages') return uidWindow(db, accountId, path, order, 0, Number.POSITIVE_INFINITY);
    const scan = await keeper.current.upTo(db, { accountId, path }, identity, order, Number.POSITIVE_INFINITY);
    return [...scan.threadIds];
  }, [db, open, mode, accountId, path, order, identity]);

  const uidsOf = useCallback(
    async (keys: readonly RowKey[]): Promise<number[]> => {
      if (!open) return [];
      if (mode === 'messages') return keys.filter((k): k is number => typeof k === 'number');
      return threadUidsInFolder(db, accountId, path, keys.filter((k): k is string => typeof k === 'string'));
    },
    [db, open, mode, accountId, path],
  );

  return useMemo(() => ({ count, rowAt, keysInRange, allKeys, uidsOf }), [count, rowAt, keysInRange, allKeys, uidsOf]);
}

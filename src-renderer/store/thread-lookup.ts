// Reads and writes what threading keeps in the store (thread links, thread sizes) with primary-key bulk operations, not one query per message.

import type { MessageHeader } from '../../shared/model';
import type { HeronDb, ThreadKey, ThreadLinkKey } from './db';
import type { ThreadLinkRow } from './rows';
import { namedIdsOf, type StoredThreads } from '../../shared/threading';

type ThreadingFields = Pick<MessageHeader, 'messageId' | 'inReplyTo' | 'references'>;

/** The stored threads of every Message-ID the batch names, and the sizes of those threads and of `currentThreadIds`. */
export async function loadStoredThreads(
  db: HeronDb,
  accountId: string,
  arriving: readonly ThreadingFields[],
  currentThreadIds: Iterable<string>,
): Promise<StoredThreads> {
  const named = new Set<string>();
  for (const m of arriving) for (const id of namedIdsOf(m)) named.add(id);
  const ids = [...named];
  const links = await db.threadLinks.bulkGet(ids.map((id): ThreadLinkKey => [accountId, id]));
  const threadOf = new Map<string, string>();
  links.forEach((link, i) => {
    if (link) threadOf.set(ids[i] as string, link.threadId);
  });
  const threads = [...new Set([...threadOf.values(), ...currentThreadIds])];
  const rows = await db.threads.bulkGet(threads.map((id): ThreadKey => [accountId, id]));
  const sizeOf = new Map<string, number>();
  threads.forEach((id, i) => sizeOf.set(id, rows[i]?.messageCount ?? 0));
  return { threadOf, sizeOf };
}

/** Every stored message of one thread, for relabelling it when it merges into another. */
export function messagesOfThread(db: HeronDb, accountId: string, threadId: string): Promise<MessageHeader[]> {
  return db.messages.where('[accountId+threadId]').equals([accountId, threadId]).toArray();
}

/** Moves a merged thread's links, including those of parents never stored, to the thread it merged into. */
export async function moveThreadLinks(db: HeronDb, accountId: string, from: string, into: string): Promise<void> {
  await db.threadLinks.where('[accountId+threadId]').equals([accountId, from]).modify({ threadId: into });
}

export async function writeThreadLinks(db: HeronDb, accountId: string, links: ReadonlyMap<string, string>): Promise<void> {
  if (links.size === 0) return;
  const rows: ThreadLinkRow[] = [];
  for (const [messageId, threadId] of links) rows.push({ accountId, messageId, threadId });
  await db.threadLinks.bulkPut(rows);
}

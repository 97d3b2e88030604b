// Test oracles for the store: figures read the slow, obvious way (every row), to check the store's own bookkeeping
// against; and the whole mailbox as the server holds it, to prove the store equals it.

import { Dexie } from 'dexie';
import type { ImapFlow } from 'imapflow';
import type { HeronDb } from '../../src-renderer/store/db';
import type { MessageRow } from '../../src-renderer/store/rows';

function folderRows(db: HeronDb, accountId: string, folderPath: string): Promise<MessageRow[]> {
  return db.messages.where('[accountId+folderPath+uid]').between([accountId, folderPath, Dexie.minKey], [accountId, folderPath, Dexie.maxKey]).toArray();
}

/** Unread messages of a folder, counted from the rows (not from the folder row the store keeps by deltas). */
export async function countUnread(db: HeronDb, accountId: string, folderPath: string): Promise<number> {
  return (await folderRows(db, accountId, folderPath)).filter((m) => m.unread === 1).length;
}

/** Flagged messages of a folder, counted from the rows. */
export async function countFlagged(db: HeronDb, accountId: string, folderPath: string): Promise<number> {
  return (await folderRows(db, accountId, folderPath)).filter((m) => m.flagged === 1).length;
}

/** Every stored copy of one Message-ID in the account, in primary-key order (folder, then UID). */
export async function messagesWithMessageId(db: HeronDb, accountId: string, messageId: string): Promise<MessageRow[]> {
  return db.messages.filter((m) => m.accountId === accountId && m.messageId === messageId).toArray();
}

/** One folder as the comparison sees it: each UID's Message-ID and flags, and the folder's counters where kept. */
export interface FolderState {
  messages: Map<number, string>;
  total: number;
  unread: number;
}

export type MailboxState = Map<string, FolderState>;

/** What a comparison found wrong, in one folder (and at one UID when it is about a message). */
export interface Mismatch {
  kind: 'missing' | 'extra' | 'differs' | 'folder-missing' | 'folder-extra' | 'counts';
  folder: string;
  uid?: number;
  detail: string;
}

const MESSAGE_ID = /<[^<>\s]+>/;

/** The part of a message that must agree: its Message-ID (as the store reduces it) and its flags, \Recent aside (per session). */
function messageKey(messageId: string | null | undefined, flags: Iterable<string>): string {
  const id = MESSAGE_ID.exec(messageId ?? '')?.[0] ?? '';
  const kept = [...flags].filter((flag) => flag !== '\\Recent').sort();
  return `${id} ${kept.join(' ')}`;
}

function stateOf(messages: Map<number, string>): FolderState {
  const unread = [...messages.values()].filter((key) => !key.split(' ').includes('\\Seen')).length;
  return { messages, total: messages.size, unread };
}

/** Every selectable folder of the mailbox as the server holds it, read through `client` (read-only, EXAMINE). */
export async function serverState(client: ImapFlow): Promise<MailboxState> {
  const state: MailboxState = new Map();
  for (const entry of await client.list()) {
    // A \Noselect container holds folders, not messages; the store keeps no row for it either.
    if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
    const messages = new Map<number, string>();
    const lock = await client.getMailboxLock(entry.path, { readOnly: true });
    try {
      if ((client.mailbox as { exists: number }).exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) messages.set(m.uid, messageKey(m.envelope?.messageId, m.flags ?? []));
      }
    } finally {
      lock.release();
    }
    state.set(entry.path, stateOf(messages));
  }
  return state;
}

/** The account's folders and rows as the store holds them, with the counters it keeps on each folder row. */
export async function storeState(db: HeronDb, accountId: string): Promise<MailboxState> {
  const state: MailboxState = new Map();
  for (const folder of await db.folders.where('accountId').equals(accountId).toArray()) {
    if (!folder.selectable) continue;
    const rows = await folderRows(db, accountId, folder.path);
    state.set(folder.path, { messages: new Map(rows.map((r) => [r.uid, messageKey(r.messageId, r.flags)])), total: folder.total, unread: folder.unread });
  }
  return state;
}

/** Everything in which the store differs from the server: folders, UIDs, Message-IDs, flags and the folder counters. */
export function compareStates(store: MailboxState, server: MailboxState): Mismatch[] {
  const found: Mismatch[] = [];
  for (const [folder, expected] of server) {
    const stored = store.get(folder);
    if (!stored) {
      found.push({ kind: 'folder-missing', folder, detail: `${expected.total} messages on the server, no folder in the store` });
      continue;
    }
    for (const [uid, key] of expected.messages) {
      const kept = stored.messages.get(uid);
      if (kept === undefined) found.push({ kind: 'missing', folder, uid, detail: `on the server (${key}), not in the store` });
      else if (kept !== key) found.push({ kind: 'differs', folder, uid, detail: `store ${JSON.stringify(kept)}, server ${JSON.stringify(key)}` });
    }
    for (const [uid, key] of stored.messages) {
      if (!expected.messages.has(uid)) found.push({ kind: 'extra', folder, uid, detail: `in the store (${key}), not on the server` });
    }
    if (stored.total !== expected.total || stored.unread !== expected.unread) {
      found.push({ kind: 'counts', folder, detail: `store ${stored.total} total / ${stored.unread} unread, server ${expected.total} / ${expected.unread}` });
    }
  }
  for (const [folder, stored] of store) {
    if (!server.has(folder)) found.push({ kind: 'folder-extra', folder, detail: `${stored.total} messages in the store, no such folder on the server` });
  }
  return found;
}

/** How many messages of a folder carry this Message-ID. */
export function copiesIn(state: MailboxState, folder: string, messageId: string): number {
  return [...(state.get(folder)?.messages.values() ?? [])].filter((key) => key.startsWith(`${messageId} `)).length;
}

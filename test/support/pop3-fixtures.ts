// A POP3 account in a fresh store for the POP3 store tests: its summary, its local folders, and messages downloaded whole.

import { randomUUID } from 'node:crypto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { DEFAULT_POP3_OPTIONS, type AccountSummary, type Folder, type MessageBody, type MessageHeader, type PopMessage, type SpecialUse, type SyncBatch } from '../../shared/model';
import { putAccounts } from '../../src-renderer/store/accounts';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';

export const ACCOUNT = 'p1';
export const BASE_DATE = Date.UTC(2025, 0, 1);

export function openDb(): HeronDb {
  return new HeronDb(`heron-pop3-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

export function pop3Account(id = ACCOUNT): AccountSummary {
  return {
    id,
    name: id,
    email: `${id}@example.test`,
    incoming: { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: id },
    outgoing: null,
    pinnedFingerprint256: null,
    passwordStorage: 'memory',
    keepBodiesDays: null,
    pop3: DEFAULT_POP3_OPTIONS,
    createdAt: 1,
  };
}

export function imapAccount(id: string): AccountSummary {
  return { ...pop3Account(id), incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: id }, pop3: null };
}

export function folder(path: string, specialUse: SpecialUse | null = null, accountId = ACCOUNT): Folder {
  return { accountId, path, name: path, delimiter: '/', parentPath: null, specialUse, subscribed: true, selectable: true, total: 0, unread: 0 };
}

/** The folders the engine keeps for every POP3 account. */
export const LOCAL_FOLDERS: Folder[] = [folder('INBOX', 'inbox'), folder('Sent', 'sent'), folder('Drafts', 'drafts'), folder('Trash', 'trash'), folder('Archive', 'archive')];

export function header(uid: number, over: Partial<Omit<MessageHeader, 'threadId'>> = {}): Omit<MessageHeader, 'threadId'> {
  return {
    accountId: ACCOUNT,
    folderPath: 'INBOX',
    uid,
    date: BASE_DATE + uid * 60_000,
    subject: `Message ${uid}`,
    from: [{ name: 'Ann', address: 'ann@example.test' }],
    to: [{ name: '', address: 'me@example.test' }],
    cc: [],
    messageId: `<m${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    flags: [],
    unread: 1,
    flagged: 0,
    size: 1200,
    hasAttachments: false,
    preview: '',
    ...over,
  };
}

export function body(uid: number, text: string, over: Partial<MessageBody> = {}): MessageBody {
  return { accountId: ACCOUNT, folderPath: 'INBOX', uid, text, html: null, attachments: [], inlineParts: {}, parseError: null, size: text.length, fetchedAt: BASE_DATE, ...over };
}

export function record(uid: number, over: Partial<PopMessage> = {}): PopMessage {
  return { accountId: ACCOUNT, uidl: `uidl-${uid}`, uid, downloadedAt: BASE_DATE, partial: false, deletedLocally: false, ...over };
}

/**
 * What a POP3 download batch carries for these UIDs of `folderPath`: headers, bodies (text "Body of message N" plus
 * `word` when given), sources and records, committed strictly.
 */
export function downloadBatch(uids: number[], folderPath = 'INBOX', over: Partial<SyncBatch> = {}): SyncBatch {
  return {
    accountId: ACCOUNT,
    folderPath,
    upsertMessages: uids.map((uid) => header(uid, { folderPath })),
    bodies: uids.map((uid) => body(uid, `Body of message ${uid} saying pelican${uid}`, { folderPath })),
    sources: uids.map((uid) => ({ uid, base64: Buffer.from(`Subject: Message ${uid}\r\n\r\nBody\r\n`).toString('base64') })),
    popMessages: uids.map((uid) => record(uid)),
    durability: 'strict',
    ...over,
  };
}

/** A store with the POP3 account, its local folders, and messages 1..count downloaded into the Inbox. */
export async function seeded(count = 3): Promise<HeronDb> {
  const db = openDb();
  await putAccounts(db, [pop3Account()]);
  await applyBatch(db, { accountId: ACCOUNT, folders: LOCAL_FOLDERS });
  if (count > 0) await applyBatch(db, downloadBatch(Array.from({ length: count }, (_, i) => i + 1)));
  return db;
}

/** How many rows of each table belong to the account (settings and accounts left out). */
export async function rowsOf(db: HeronDb, accountId = ACCOUNT): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of db.tables) {
    if (table.name === 'accounts' || table.name === 'settings') continue;
    const n = await table.filter((row: { accountId?: string }) => row.accountId === accountId).count();
    if (n > 0) counts[table.name] = n;
  }
  return counts;
}

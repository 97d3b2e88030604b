// The folders a person makes for a POP3 account: created, renamed and deleted in the store alone, since the account has no server folders.

import { HeronError } from '../../shared/errors';
import type { Folder } from '../../shared/model';
import type { FolderKey, HeronDb } from './db';
import { folderMessages, LocalTallies, localMailTables, relocateMessages } from './local-moves';
import type { FolderRow } from './rows';
import { toStoreError } from './store-error';

/** Longer names are a paste gone wrong more often than a name; the folder pane shows far fewer characters anyway. */
export const MAX_FOLDER_NAME_LENGTH = 200;

/** Where the account has none yet to copy (a new account): the delimiter the engine's local folders use too. */
const DEFAULT_DELIMITER = '/';

/** Why `name` cannot name a folder, in words for the person; null when it can. */
export function folderNameProblem(name: string, delimiter: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Type a name for the folder.';
  if (trimmed.includes(delimiter)) return `A folder name cannot contain "${delimiter}".`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'A folder name cannot contain control characters.';
  if (trimmed.length > MAX_FOLDER_NAME_LENGTH) return `A folder name can be at most ${MAX_FOLDER_NAME_LENGTH} characters.`;
  return null;
}

function refuse(operation: string, reason: string, code: 'invalid-input' | 'not-found' | 'unsupported' = 'invalid-input'): never {
  throw new HeronError(code, reason, { operation, reason });
}

/** The account's folders, after checking that they are its own to change (POP3). */
async function localFolders(db: HeronDb, accountId: string, operation: string): Promise<FolderRow[]> {
  const [account, folders] = await Promise.all([db.accounts.get(accountId), db.folders.where('accountId').equals(accountId).toArray()]);
  if (!account) refuse(operation, 'That account no longer exists.', 'not-found');
  if (account.incoming.protocol !== 'pop3') refuse(operation, 'This account’s folders are kept on its server.', 'unsupported');
  return folders;
}

/** A person's folder (not Inbox, Sent, Drafts, Trash or Archive, which the engine keeps). */
function ownFolder(folders: readonly FolderRow[], path: string, operation: string): FolderRow {
  const folder = folders.find((f) => f.path === path);
  if (!folder) refuse(operation, 'That folder no longer exists.', 'not-found');
  if (folder.specialUse !== null) refuse(operation, 'Inbox, Sent, Drafts, Trash and Archive cannot be renamed or deleted.');
  return folder;
}

/** The checked name and the path it gives under `parentPath`, refusing one another folder has (in any letter case). */
function placed(folders: readonly FolderRow[], name: string, parentPath: string | null, delimiter: string, operation: string, self?: string): { name: string; path: string } {
  const problem = folderNameProblem(name, delimiter);
  if (problem) refuse(operation, problem);
  const trimmed = name.trim();
  const path = parentPath === null ? trimmed : `${parentPath}${delimiter}${trimmed}`;
  // Case-blind, as IMAP treats INBOX: "inbox" next to Inbox would be two folders people cannot tell apart.
  if (folders.some((f) => f.path !== self && f.path.toLowerCase() === path.toLowerCase())) refuse(operation, 'There is already a folder with that name here.');
  return { name: trimmed, path };
}

/** The folder and every folder under it, the folder first. */
function subtree(folders: readonly FolderRow[], folder: FolderRow): FolderRow[] {
  const prefix = `${folder.path}${folder.delimiter ?? DEFAULT_DELIMITER}`;
  return [folder, ...folders.filter((f) => f.path.startsWith(prefix))];
}

/** Creates an empty folder, at the top or inside `parentPath`; its counts are the store's from the start. */
export async function createLocalFolder(db: HeronDb, accountId: string, name: string, parentPath: string | null = null): Promise<Folder> {
  const operation = 'create-folder';
  try {
    return await db.transaction('rw', db.accounts, db.folders, async () => {
      const folders = await localFolders(db, accountId, operation);
      const parent = parentPath === null ? null : folders.find((f) => f.path === parentPath);
      if (parent === undefined) refuse(operation, 'The folder to create it in no longer exists.', 'not-found');
      const delimiter = parent?.delimiter ?? folders.find((f) => f.delimiter !== null)?.delimiter ?? DEFAULT_DELIMITER;
      const where = placed(folders, name, parentPath, delimiter, operation);
      const row: FolderRow = { accountId, ...where, delimiter, parentPath, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0, storeCounted: true };
      await db.folders.add(row);
      return row;
    });
  } catch (error) {
    throw toStoreError(error, operation);
  }
}

/** Renames one of the person's folders; the folders under it follow, and every message keeps its UID. Returns the renamed folder. */
export async function renameLocalFolder(db: HeronDb, accountId: string, path: string, newName: string): Promise<Folder> {
  const operation = 'rename-folder';
  try {
    return await db.transaction('rw', localMailTables(db), async () => {
      const folders = await localFolders(db, accountId, operation);
      const folder = ownFolder(folders, path, operation);
      const where = placed(folders, newName, folder.parentPath, folder.delimiter ?? DEFAULT_DELIMITER, operation, path);
      if (where.path === path && where.name === folder.name) return folder;
      const pathOf = (old: string) => `${where.path}${old.slice(path.length)}`;
      const moving = subtree(folders, folder);
      // New rows count up from zero as the messages arrive (the tally skips the deleted old rows).
      const renamed = moving.map(
        (f): FolderRow => ({
          ...f,
          path: pathOf(f.path),
          name: f === folder ? where.name : f.name,
          parentPath: f === folder || f.parentPath === null ? f.parentPath : pathOf(f.parentPath),
          total: 0,
          unread: 0,
          storeCounted: true,
        }),
      );
      await db.folders.bulkDelete(moving.map((f): FolderKey => [accountId, f.path]));
      await db.folders.bulkPut(renamed);
      const tallies = new LocalTallies(accountId);
      for (const f of moving) await relocateMessages(db, await folderMessages(db, accountId, f.path), pathOf(f.path), tallies);
      await tallies.write(db);
      return renamed[0] as FolderRow;
    });
  } catch (error) {
    throw toStoreError(error, operation);
  }
}

/**
 * Deletes one of the person's folders and the folders under it. Their messages are not deleted: they go to Trash,
 * where deleting them again removes them for good, so deleting a folder never loses mail in one step. Returns how
 * many messages went to Trash.
 */
export async function deleteLocalFolder(db: HeronDb, accountId: string, path: string): Promise<number> {
  const operation = 'delete-folder';
  try {
    return await db.transaction('rw', localMailTables(db), async () => {
      const folders = await localFolders(db, accountId, operation);
      const folder = ownFolder(folders, path, operation);
      const trash = folders.find((f) => f.specialUse === 'trash');
      if (!trash) refuse(operation, 'This account has no Trash folder to put the messages in.', 'not-found');
      const tallies = new LocalTallies(accountId);
      let moved = 0;
      for (const f of subtree(folders, folder)) {
        const rows = await folderMessages(db, accountId, f.path);
        await relocateMessages(db, rows, trash.path, tallies);
        moved += rows.length;
        await db.folders.delete([accountId, f.path]);
      }
      await tallies.write(db);
      return moved;
    });
  } catch (error) {
    throw toStoreError(error, operation);
  }
}

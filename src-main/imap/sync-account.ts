// One IMAP account into the store: the folder list, then every folder's newest page and changes, then backfill.

import type { RendererApi } from '../../shared/contract';
import type { HeronError} from '../../shared/errors';
import { toHeronError } from '../../shared/errors';
import type { Folder, SpecialUse, SyncPhase } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { listFolders } from './folders';
import { syncFolder, type FolderSyncContext } from './sync-folder';

export interface AccountSyncContext {
  session: AccountSession;
  renderer: RendererApi;
  accountId: string;
  progress(folderPath: string | null, phase: SyncPhase, fetched: number, total: number): void;
}

/** Where people look first comes first; the rest by name. */
const SYNC_ORDER: (SpecialUse | null)[] = ['inbox', 'sent', 'drafts', 'archive', 'flagged', 'junk', 'trash', 'all'];

export function syncOrder(folders: Folder[]): Folder[] {
  const rank = (f: Folder) => {
    const index = SYNC_ORDER.indexOf(f.specialUse);
    return index < 0 ? SYNC_ORDER.length : index;
  };
  return folders.filter((f) => f.selectable).sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** A failure in one folder (gone, refused) skips that folder; losing the connection stops the account's sync. */
function isFolderLocal(error: HeronError): boolean {
  return error.code === 'server-rejected' || error.code === 'not-found' || error.code === 'protocol-error';
}

export async function refreshFolderList(ctx: AccountSyncContext): Promise<Folder[]> {
  ctx.progress(null, 'folders', 0, 0);
  const folders = await ctx.session.withClient((client) => listFolders(client, ctx.accountId));
  await ctx.renderer.applyBatch({ accountId: ctx.accountId, folders, foldersComplete: true });
  return folders;
}

export async function syncOneFolder(ctx: AccountSyncContext, path: string, backfill: boolean): Promise<void> {
  const folderCtx: FolderSyncContext = { ...ctx, progress: (p, phase, fetched, total) => ctx.progress(p, phase, fetched, total) };
  try {
    await syncFolder(folderCtx, path, { backfill });
  } catch (error) {
    const heronError = toHeronError(error);
    if (!isFolderLocal(heronError)) throw heronError;
  }
}

/** Runs one folder's sync pass; the scheduler passes one that never runs two passes of a folder at once. */
export type FolderSyncRunner = (path: string, backfill: boolean) => Promise<void>;

/** Every folder's newest page and changes first, so each folder is usable early; then the backfill of each. Returns the folder list. */
export async function syncImapAccount(ctx: AccountSyncContext, runFolder: FolderSyncRunner = (path, backfill) => syncOneFolder(ctx, path, backfill)): Promise<Folder[]> {
  const listed = await refreshFolderList(ctx);
  const folders = syncOrder(listed);
  for (const folder of folders) await runFolder(folder.path, false);
  for (const folder of folders) await runFolder(folder.path, true);
  ctx.progress(null, 'idle', 0, 0);
  return listed;
}

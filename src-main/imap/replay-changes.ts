// Replays the store's queued local changes on the IMAP server in order: done, dropped when the server says no (server wins), or kept when it cannot be reached.

import type { ImapFlow, MailboxObject } from 'imapflow';
import type { RendererApi } from '../../shared/contract';
import { HeronError, type ErrorCode } from '../../shared/errors';
import type { ChangeOutcome, Flag, Folder, PendingChange } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';
import { CommandErrors, existingUids, expungeUids, moveUids, storeFlags } from './change-commands';

export interface ReplayResult {
  applied: number;
  dropped: number;
  retried: number;
  /** Source and destination folders of the changes replayed or dropped: the engine resyncs them. */
  touchedFolders: string[];
}

/** What a change means on this server, once Trash and Archive are known. */
export type ReplayPlan =
  | { kind: 'flags'; add: Flag[]; remove: Flag[] }
  | { kind: 'move'; to: string }
  | { kind: 'expunge' }
  /** Already where it should be (archiving from the archive): nothing to send. */
  | { kind: 'none' };

/**
 * Failures that say nothing about the change itself: the server could not be reached, or would not let
 * Heron in. The change keeps its place in the queue and replay stops, so later changes never overtake it.
 * Everything else (NO/BAD, messages gone, no Archive folder) drops the change: the server wins.
 */
const RETRY_CODES = new Set<ErrorCode>([
  'timeout',
  'connection-lost',
  'connection-refused',
  'host-not-found',
  'offline',
  'tls-failed',
  'certificate-untrusted',
  'starttls-unavailable',
  'auth-failed',
]);

export function isRetryable(error: HeronError): boolean {
  return RETRY_CODES.has(error.code);
}

function specialFolder(folders: readonly Folder[], use: 'trash' | 'archive'): Folder | undefined {
  return folders.find((f) => f.specialUse === use && f.selectable);
}

export function planOf(change: PendingChange, folders: readonly Folder[]): ReplayPlan {
  const c = change.change;
  switch (c.kind) {
    case 'flags':
      return { kind: 'flags', add: c.add, remove: c.remove };
    case 'move':
      return c.toFolder === change.folderPath ? { kind: 'none' } : { kind: 'move', to: c.toFolder };
    case 'delete': {
      // In Trash itself, or on a server without one, delete means gone for good.
      const trash = specialFolder(folders, 'trash');
      return !trash || trash.path === change.folderPath ? { kind: 'expunge' } : { kind: 'move', to: trash.path };
    }
    case 'archive': {
      const archive = specialFolder(folders, 'archive');
      if (!archive) throw new HeronError('unsupported', 'This account has no Archive folder on the server, so the messages were left where they were.');
      return archive.path === change.folderPath ? { kind: 'none' } : { kind: 'move', to: archive.path };
    }
  }
}

interface Replayed {
  /** UIDs the server no longer has in the source folder (another client moved or expunged them). */
  gone: number[];
  /** Whether anything was left to change. */
  acted: boolean;
}

/** One change on the selected source folder; throws a HeronError when it cannot be carried out. */
async function replayOne(client: ImapFlow, change: PendingChange, plan: ReplayPlan): Promise<Replayed> {
  const lock = await client.getMailboxLock(change.folderPath);
  const errors = new CommandErrors(client);
  try {
    // The store records the folder's UIDVALIDITY with the change (not part of PendingChange yet, hence the cast).
    const recorded = (change as PendingChange & { uidValidity?: number | null }).uidValidity;
    const validity = Number((client.mailbox as MailboxObject).uidValidity);
    if (recorded !== undefined && recorded !== null && recorded !== validity) {
      throw new HeronError('not-found', 'The folder was recreated on the server since the change was made, so its UIDs now name other messages.');
    }
    const present = await existingUids(client, errors, change.uids);
    const still = new Set(present);
    const gone = change.uids.filter((uid) => !still.has(uid));
    if (present.length === 0 || plan.kind === 'none') return { gone, acted: present.length > 0 };
    if (plan.kind === 'flags') await storeFlags(client, errors, present, plan.add, plan.remove);
    else if (plan.kind === 'move') await moveUids(client, errors, present, plan.to);
    else await expungeUids(client, errors, present);
    return { gone, acted: true };
  } finally {
    errors.release();
    lock.release();
  }
}

function describe(error: HeronError): string {
  const response = (error.detail as { serverResponse?: unknown } | undefined)?.serverResponse;
  return `${error.code}: ${typeof response === 'string' && response ? response : error.message}`;
}

/**
 * Pulls the account's queue from the store and replays it oldest first, each change as its own job on the
 * account's connection (so a folder sync can run between two changes), with a mailbox lock on the source
 * folder. Each outcome is reported to the store as soon as it is known. UIDs the server no longer has are
 * first reported as removed, so the store neither keeps nor restores them; if none is left, the change is
 * dropped. A change whose outcome was lost (connection cut after the server acted) is replayed again: flags
 * are idempotent, and a move or delete then finds its UIDs gone, so it takes effect exactly once.
 */
export async function replayChanges(session: AccountSession, renderer: RendererApi, folders: Folder[]): Promise<ReplayResult> {
  const accountId = session.account.id;
  const server = { host: session.account.incoming.host, port: session.account.incoming.port };
  const result: ReplayResult = { applied: 0, dropped: 0, retried: 0, touchedFolders: [] };
  const touched = new Set<string>();
  for (const change of await renderer.pendingChanges(accountId)) {
    let replayed: Replayed | null = null;
    let failure: HeronError | null = null;
    let plan: ReplayPlan | null = null;
    try {
      const planned = (plan = planOf(change, folders));
      replayed = await session.withClient((client) => replayOne(client, change, planned));
    } catch (caught) {
      failure = mapProtocolError(caught, server);
    }
    if (failure && isRetryable(failure)) {
      await renderer.completeChange(change.id, { ok: false, retry: true, error: describe(failure) });
      result.retried += 1;
      break;
    }
    // Store calls stay outside the try: a store failure is not the server's answer, so it must not drop the change.
    if (replayed?.gone.length) await renderer.applyBatch({ accountId, folderPath: change.folderPath, removedUids: replayed.gone });
    touched.add(change.folderPath);
    let outcome: ChangeOutcome;
    if (replayed?.acted) {
      if (plan?.kind === 'move') touched.add(plan.to);
      outcome = { ok: true };
    } else {
      failure ??= new HeronError('not-found', 'The messages no longer exist in this folder on the server.');
      outcome = { ok: false, retry: false, error: describe(failure) };
    }
    await renderer.completeChange(change.id, outcome);
    if (outcome.ok) result.applied += 1;
    else result.dropped += 1;
  }
  result.touchedFolders = [...touched];
  return result;
}

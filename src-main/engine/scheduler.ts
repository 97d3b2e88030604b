// When accounts sync: on demand, soon after a change, and every few minutes while a renderer is attached.

import type { EngineEvent, RendererApi } from '../../shared/contract';
import { HeronError, toErrorData, toHeronError } from '../../shared/errors';
import type { Folder } from '../../shared/model';
import { listFolders } from '../imap/folders';
import { closeImapSession, openImapSession } from '../imap/session';
import type { AccountRecord } from './accounts';

/** Background refresh while someone is looking; IDLE (issue: IMAP sync) makes INBOX immediate. */
export const REFRESH_INTERVAL_MS = 5 * 60_000;

export interface SchedulerDeps {
  accounts(): Promise<AccountRecord[]>;
  password(accountId: string): Promise<string | null>;
  renderer(): RendererApi | null;
  tell(event: EngineEvent): void;
}

export interface SyncScheduler {
  syncNow(account: AccountRecord): Promise<void>;
  syncSoon(accountId: string): void;
  resume(): void;
  pause(): void;
  /** Settles when the current round and every sync under way have finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** POP3 has no server folders: these local ones hold what is downloaded, sent and filed. */
export function localFolders(accountId: string): Folder[] {
  const make = (path: string, specialUse: Folder['specialUse']): Folder => ({
    accountId, path, name: path === 'INBOX' ? 'Inbox' : path, delimiter: '/', parentPath: null,
    specialUse, subscribed: true, selectable: true, total: 0, unread: 0,
  });
  return [make('INBOX', 'inbox'), make('Sent', 'sent'), make('Drafts', 'drafts'), make('Trash', 'trash'), make('Archive', 'archive')];
}

export function createSyncScheduler(deps: SchedulerDeps): SyncScheduler {
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let active = false;
  let round: Promise<void> = Promise.resolve();

  async function fetchFolders(account: AccountRecord, password: string): Promise<Folder[]> {
    if (account.incoming.protocol === 'pop3') return localFolders(account.id);
    const client = await openImapSession(account.incoming, password, { pinned: account.pinnedCertificate });
    try {
      return await listFolders(client, account.id);
    } finally {
      await closeImapSession(client);
    }
  }

  async function run(account: AccountRecord): Promise<void> {
    const state = (s: 'connecting' | 'syncing' | 'idle') => deps.tell({ type: 'account-state', accountId: account.id, state: s });
    const password = await deps.password(account.id);
    if (password === null) {
      deps.tell({ type: 'account-state', accountId: account.id, state: 'needs-password' });
      throw new HeronError('auth-failed', 'Heron needs this account\'s password again: it was not kept after the last restart.');
    }
    try {
      state('connecting');
      const folders = await fetchFolders(account, password);
      const renderer = deps.renderer();
      if (!renderer) return; // the tab went away mid-sync; the next attach syncs again
      state('syncing');
      await renderer.applyBatch({ accountId: account.id, folders });
      state('idle');
    } catch (error) {
      const heronError = toHeronError(error);
      deps.tell({ type: 'account-state', accountId: account.id, state: 'error', error: toErrorData(heronError) });
      throw heronError;
    }
  }

  function syncNow(account: AccountRecord): Promise<void> {
    // One sync per account at a time: a second request joins the one under way.
    const current = running.get(account.id);
    if (current) return current;
    const work = run(account).finally(() => running.delete(account.id));
    running.set(account.id, work);
    return work;
  }

  async function syncAll(): Promise<void> {
    if (!active) return;
    const accounts = await deps.accounts();
    await Promise.allSettled(accounts.map((account) => syncNow(account)));
  }

  function startRound(): void {
    round = syncAll().catch(() => undefined); // failures are reported per account through account-state
  }

  async function idle(): Promise<void> {
    await round;
    await Promise.allSettled(running.values());
  }

  return {
    syncNow,
    syncSoon(accountId) {
      if (!active) return;
      void deps.accounts().then((all) => {
        const account = all.find((a) => a.id === accountId);
        if (account) syncNow(account).catch(() => undefined); // reported through account-state
      });
    },
    resume() {
      if (active) return;
      active = true;
      startRound();
      timer = setInterval(startRound, REFRESH_INTERVAL_MS);
      timer.unref();
    },
    pause() {
      active = false;
      clearInterval(timer);
    },
    idle,
    async stop() {
      active = false;
      clearInterval(timer);
      await idle();
    },
  };
}

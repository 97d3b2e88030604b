// When accounts sync: on demand, when INBOX changes (IDLE), when a folder is opened, and every few minutes while a renderer is attached.
// IMAP accounts keep a command connection and an IDLE watcher; a POP3 account opens one session per sync (pop3/sync.ts).

import type { EngineEvent, RendererApi } from '../../shared/contract';
import { HeronError, toErrorData, toHeronError } from '../../shared/errors';
import type { Folder, SyncPhase } from '../../shared/model';
import { watchInbox, type InboxWatcher } from '../imap/inbox-watcher';
import { replayChanges } from '../imap/replay-changes';
import { prefetchBodies } from '../imap/bodies';
import { refreshFolderList, syncImapAccount, syncOneFolder, syncOrder, type AccountSyncContext } from '../imap/sync-account';
import type { openPop3 } from '../pop3/client';
import { POP3_INBOX } from '../pop3/local-folders';
import { syncPop3Account } from '../pop3/sync';
import { backoffDelay, createAccountSession, isPermanent, type AccountSession } from './account-session';
import type { AccountRecord } from './accounts';

/** Background refresh of every folder while someone is looking; INBOX is live through IDLE. */
export const REFRESH_INTERVAL_MS = 5 * 60_000;
/** IDLE often reports a burst (EXISTS then FETCH FLAGS); one sync answers the whole burst. */
export const INBOX_DEBOUNCE_MS = 250;

export interface SchedulerDeps {
  accounts(): Promise<AccountRecord[]>;
  password(accountId: string): Promise<string | null>;
  renderer(): RendererApi | null;
  tell(event: EngineEvent): void;
  /** One pass over one folder: syncOneFolder, unless a test wraps it to watch when passes run. */
  syncFolder?: typeof syncOneFolder;
  /** The clock of POP3's "delete after N days" and downloadedAt; Date.now unless a test moves time itself. */
  now?: () => number;
  /** The POP3 client; a test stands a fake server in. */
  openPop3?: typeof openPop3;
}

export interface SyncScheduler {
  syncNow(account: AccountRecord): Promise<void>;
  /** Syncs one folder now (it was opened, or IDLE saw a change), newest page and changes first, then backfill. */
  syncFolderNow(account: AccountRecord, folderPath: string): Promise<void>;
  /** Replays the store's queued local changes on the server, then resyncs the folders they touched. */
  replayNow(account: AccountRecord): Promise<void>;
  syncSoon(accountId: string): void;
  /** The account's command connection, for work outside sync (bodies, attachments, replaying changes). */
  sessionFor(account: AccountRecord): AccountSession;
  /**
   * Runs POP3 work for the account after any POP3 work before it (a sync, another download): many servers lock the
   * mailbox for a session's length (RFC 1939 §8) and would refuse a second. `signal` aborts when the account closes.
   */
  exclusivePop3<T>(account: AccountRecord, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The account was removed or its settings changed: close its connections. */
  forget(accountId: string): Promise<void>;
  resume(): void;
  pause(): void;
  /** Settles when the current round and every sync under way have finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Downloads the bodies of recent mail in every folder (Inbox first) so it reads offline; what is cached is
 * skipped. A folder that vanished meanwhile is skipped; removing the account or quitting aborts.
 */
async function keepBodiesOffline(ctx: AccountSyncContext, folders: Folder[], days: number, signal: AbortSignal): Promise<void> {
  const since = Date.now() - days * DAY_MS;
  for (const folder of syncOrder(folders)) {
    if (signal.aborted) return;
    try {
      await prefetchBodies(ctx.session, ctx.renderer, ctx.accountId, folder.path, since, {
        signal,
        onProgress: (fetched, total) => ctx.progress(folder.path, 'bodies', fetched, total),
      });
    } catch (error) {
      const code = toHeronError(error).code;
      if (code !== 'not-found' && code !== 'server-rejected') throw error;
    }
  }
  ctx.progress(null, 'idle', 0, 0);
}

interface Runtime {
  session: AccountSession;
  watcher: InboxWatcher | null;
  inboxTimer: NodeJS.Timeout | undefined;
  /** The last folder list seen, to find Trash and Archive when replaying changes. */
  folders: Folder[] | null;
  /** Aborted when the account's connections close, to stop long background work (prefetch). */
  closing: AbortController;
  /** The next attempt after a failure that retrying can fix (network, timeout), backed off with jitter. */
  retryTimer: NodeJS.Timeout | undefined;
  /** POP3: the end of the account's last queued session work (see exclusivePop3). */
  pop3Turn: Promise<unknown>;
  /** POP3: syncs failed in a row (0 after one succeeds), for the backoff; IMAP counts on its session. */
  pop3Failures: number;
}

export function createSyncScheduler(deps: SchedulerDeps): SyncScheduler {
  const now = deps.now ?? Date.now;
  const running = new Map<string, Promise<void>>();
  const runtimes = new Map<string, Runtime>();
  let timer: NodeJS.Timeout | undefined;
  let active = false;
  let round: Promise<void> = Promise.resolve();

  function runtimeOf(account: AccountRecord): Runtime {
    let runtime = runtimes.get(account.id);
    if (!runtime) {
      runtime = {
        session: createAccountSession(account, () => deps.password(account.id)),
        watcher: null, inboxTimer: undefined, folders: null, closing: new AbortController(), retryTimer: undefined,
        pop3Turn: Promise.resolve(), pop3Failures: 0,
      };
      runtimes.set(account.id, runtime);
    }
    return runtime;
  }

  function contextFor(account: AccountRecord): AccountSyncContext {
    const renderer = deps.renderer();
    // Without a store there is nowhere to put mail; the next attach syncs again.
    if (!renderer) throw new HeronError('offline', 'No Heron window is open to keep the mail in.');
    const progress = (folderPath: string | null, phase: SyncPhase, fetched: number, total: number) =>
      deps.tell({ type: 'sync-progress', progress: { accountId: account.id, folderPath, phase, fetched, total } });
    return { session: runtimeOf(account).session, renderer, accountId: account.id, progress };
  }

  function reportError(account: AccountRecord, error: unknown): HeronError {
    const heronError = toHeronError(error);
    deps.tell({ type: 'account-state', accountId: account.id, state: 'error', error: toErrorData(heronError) });
    return heronError;
  }

  function ensureWatcher(account: AccountRecord): void {
    const runtime = runtimeOf(account);
    if (runtime.watcher || !active || account.incoming.protocol !== 'imap') return;
    runtime.watcher = watchInbox(account, {
      password: () => deps.password(account.id),
      onChange: () => {
        clearTimeout(runtime.inboxTimer);
        runtime.inboxTimer = setTimeout(() => void syncFolderNow(account, 'INBOX').catch(() => undefined), INBOX_DEBOUNCE_MS);
      },
      onFatal: (error) => reportError(account, error),
    });
  }

  function exclusivePop3<T>(account: AccountRecord, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const runtime = runtimeOf(account);
    const turn = runtime.pop3Turn.then(() => work(runtime.closing.signal));
    runtime.pop3Turn = turn.catch(() => undefined);
    return turn;
  }

  function syncPop3(account: AccountRecord, ctx: AccountSyncContext, password: string): Promise<void> {
    const runtime = runtimeOf(account);
    return exclusivePop3(account, async (signal) => {
      try {
        await syncPop3Account({
          account, password, renderer: ctx.renderer, now, signal,
          progress: (fetched, total) => ctx.progress(POP3_INBOX, 'newest', fetched, total),
          ...(deps.openPop3 ? { open: deps.openPop3 } : {}),
        });
        runtime.pop3Failures = 0;
      } catch (error) {
        runtime.pop3Failures += 1;
        throw error;
      }
      ctx.progress(null, 'idle', 0, 0);
    });
  }

  async function run(account: AccountRecord): Promise<void> {
    const state = (s: 'connecting' | 'syncing' | 'idle') => deps.tell({ type: 'account-state', accountId: account.id, state: s });
    const password = await deps.password(account.id);
    if (password === null) {
      deps.tell({ type: 'account-state', accountId: account.id, state: 'needs-password' });
      throw new HeronError('auth-failed', "Heron needs this account's password again: it was not kept after the last restart.");
    }
    try {
      state('connecting');
      const ctx = contextFor(account);
      state('syncing');
      if (account.incoming.protocol === 'pop3') await syncPop3(account, ctx, password);
      else {
        ensureWatcher(account);
        // Changes made while offline go first, so the sync that follows already sees them on the server. Through
        // the same key as replayNow: two replays reading one queue at once would apply a change twice.
        await coalesced(`${account.id}\u0000replay`, () => replay(account, ctx));
        const folders = await syncImapAccount(ctx, (path, backfill) => folderPass(account, ctx, path, backfill));
        runtimeOf(account).folders = folders;
        if (account.keepBodiesDays !== null) await keepBodiesOffline(ctx, folders, account.keepBodiesDays, runtimeOf(account).closing.signal);
      }
      state('idle');
    } catch (error) {
      // The window closed mid-sync: nobody to tell, nothing lost; the next attach syncs again.
      if (!deps.renderer()) return;
      const heronError = reportError(account, error);
      scheduleRetry(account, heronError);
      throw heronError;
    }
  }

  function scheduleRetry(account: AccountRecord, error: HeronError): void {
    const runtime = runtimes.get(account.id);
    if (!runtime || !active || isPermanent(error) || error.code === 'offline') return;
    clearTimeout(runtime.retryTimer);
    const failures = account.incoming.protocol === 'pop3' ? runtime.pop3Failures : runtime.session.failures;
    runtime.retryTimer = setTimeout(() => void syncNow(account).catch(() => undefined), backoffDelay(Math.max(1, failures)));
    runtime.retryTimer.unref();
  }

  const followUps = new Map<string, Promise<void>>();

  /**
   * One run per key at a time. A request made while one runs may be about something that run already read
   * past (a flag changed, a change queued), so it gets one follow-up run after the current one, shared by
   * every request made meanwhile; never just the old run's result.
   */
  function coalesced(key: string, work: () => Promise<void>): Promise<void> {
    const start = () => {
      const job = work().finally(() => running.delete(key));
      running.set(key, job);
      return job;
    };
    const current = running.get(key);
    if (!current) return start();
    let next = followUps.get(key);
    if (!next) {
      next = current.catch(() => undefined).then(() => {
        followUps.delete(key);
        return running.get(key) ?? start();
      });
      followUps.set(key, next);
    }
    return next;
  }

  const syncNow = (account: AccountRecord) => coalesced(account.id, () => run(account));

  /**
   * One pass over one folder, shared by the account round, IDLE and opening the folder: the same pass of a
   * folder never runs twice at once (which would fetch and write the same headers twice).
   */
  function folderPass(account: AccountRecord, ctx: AccountSyncContext, path: string, backfill: boolean): Promise<void> {
    const pass = deps.syncFolder ?? syncOneFolder;
    return coalesced(`${account.id}\u0000${path}\u0000${backfill ? 'backfill' : 'changes'}`, () => pass(ctx, path, backfill));
  }

  function syncFolderNow(account: AccountRecord, folderPath: string): Promise<void> {
    // A POP3 account's other folders are local only: opening its Inbox is what asks the server for new mail.
    if (account.incoming.protocol === 'pop3') return folderPath === POP3_INBOX ? syncNow(account) : Promise.resolve();
    return coalesced(`${account.id}\u0000${folderPath}`, async () => {
      try {
        const ctx = contextFor(account);
        await folderPass(account, ctx, folderPath, false);
        await folderPass(account, ctx, folderPath, true);
      } catch (error) {
        throw reportError(account, error);
      }
    });
  }

  async function replay(account: AccountRecord, ctx: AccountSyncContext): Promise<void> {
    const runtime = runtimeOf(account);
    runtime.folders ??= await refreshFolderList(ctx);
    const result = await replayChanges(ctx.session, ctx.renderer, runtime.folders);
    for (const path of result.touchedFolders) await folderPass(account, ctx, path, false);
  }

  function replayNow(account: AccountRecord): Promise<void> {
    return coalesced(`${account.id}\u0000replay`, async () => {
      if (account.incoming.protocol !== 'imap') return;
      try {
        await replay(account, contextFor(account));
      } catch (error) {
        throw reportError(account, error);
      }
    });
  }

  async function syncAll(): Promise<void> {
    if (!active) return;
    // Accounts sync side by side, each on its own connections: one failing account never stalls another.
    const accounts = await deps.accounts();
    await Promise.allSettled(accounts.map((account) => syncNow(account)));
  }

  function startRound(): void {
    round = syncAll().catch(() => undefined); // failures are reported per account through account-state
  }

  async function idle(): Promise<void> {
    await round;
    while (running.size > 0) await Promise.allSettled([...running.values()]);
  }

  async function closeRuntime(accountId: string): Promise<void> {
    const runtime = runtimes.get(accountId);
    if (!runtime) return;
    runtimes.delete(accountId);
    runtime.closing.abort();
    clearTimeout(runtime.inboxTimer);
    clearTimeout(runtime.retryTimer);
    await Promise.allSettled([runtime.watcher?.stop(), runtime.session.close(), runtime.pop3Turn]);
  }

  const closeAll = () => Promise.all([...runtimes.keys()].map(closeRuntime));

  return {
    syncNow,
    syncFolderNow,
    replayNow,
    sessionFor: (account) => runtimeOf(account).session,
    exclusivePop3,
    forget: closeRuntime,
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
      // No store to write into: drop the live connections (running syncs then fail fast) until a renderer is back.
      void closeAll();
    },
    idle,
    async stop() {
      active = false;
      clearInterval(timer);
      await idle();
      await closeAll();
    },
  };
}

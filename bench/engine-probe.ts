// Owns what the Heron sync benchmark sees of the engine, from the bench side without hooks in src-main: it wraps
// engine.attachRenderer (the attach starts the clock; every store call the engine makes is timed and recorded) and
// engine.api.openFolder (to see the UI's calls), and waits for conditions on what it saw.

import type { EngineEvent, RendererApi } from '../shared/contract';
import type { SyncBatch } from '../shared/model';
import type { Engine } from '../src-main/engine/engine';
import { NEWEST_PAGE } from '../src-main/imap/sync-folder';
import type { BatchRecord } from './sync-timeline';
import { MilestoneTracker } from './sync-timeline';

/**
 * "Settled" means no store call in flight and none for this long: longer than the IDLE watcher's debounce (250 ms,
 * scheduler.ts) plus a header FETCH between two store calls, so a sync the watcher starts is seen before we move on.
 */
export const QUIET_MS = 750;

/** The clock every record and wait uses (monotonic ms). */
export const now = (): number => performance.now();

type Waiter = () => void;

/** What the bench sees of the engine: every store call (timed), every event, and the UI's openFolder calls. */
export class EngineProbe {
  readonly records: BatchRecord[] = [];
  readonly events: EngineEvent[] = [];
  attachedAt: number | null = null;
  tracker: MilestoneTracker | null = null;
  /** Store calls in flight and when the last one started or ended. */
  inflight = 0;
  lastActivity = 0;
  uiOpenFolderCalls = 0;
  uiOpenFolderPending = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly trackerInput: { folder: string; serverUids: readonly number[] },
    private readonly trace?: (line: string) => void,
  ) {}

  /** ms since attach (or since the probe saw nothing yet), for trace lines. */
  private stamp(at = now()): string {
    return `${(at - (this.attachedAt ?? at)).toFixed(1).padStart(9)} ms`;
  }

  note(line: string): void {
    this.trace?.(`${this.stamp()}  ${line}`);
  }

  /** Wraps engine.attachRenderer (to timestamp the attach and see the store calls) and engine.api.openFolder (the UI's). */
  install(engine: Engine): void {
    const attach = engine.attachRenderer.bind(engine);
    engine.attachRenderer = (renderer) => {
      if (this.attachedAt === null) {
        this.attachedAt = now();
        this.tracker = new MilestoneTracker({ ...this.trackerInput, attachedAt: this.attachedAt, newestPage: NEWEST_PAGE });
      }
      return attach(this.wrapRenderer(renderer));
    };
    // The web server exposes the api object's methods as they are when the page connects, so this must come first.
    const openFolder = engine.api.openFolder.bind(engine.api);
    engine.api.openFolder = async (accountId, folderPath) => {
      this.note(`UI openFolder ${folderPath}`);
      this.uiOpenFolderCalls++;
      this.uiOpenFolderPending++;
      this.touch();
      try {
        return await openFolder(accountId, folderPath);
      } finally {
        this.uiOpenFolderPending--;
        this.touch();
      }
    };
  }

  private touch(): void {
    this.lastActivity = now();
    for (const waiter of [...this.waiters]) waiter();
  }

  private tracked<T>(call: () => Promise<T>, what?: string): Promise<T> {
    this.inflight++;
    this.touch();
    const started = now();
    return call().finally(() => {
      this.inflight--;
      this.touch();
      if (what) this.note(`${what} (${(now() - started).toFixed(1)} ms)`);
    });
  }

  private wrapRenderer(renderer: RendererApi): RendererApi {
    // Every method listed explicitly: if the contract grows, this stops compiling instead of silently passing through.
    const wrapped: RendererApi = {
      getSyncCursor: (accountId, folderPath) => this.tracked(() => renderer.getSyncCursor(accountId, folderPath), `getSyncCursor ${folderPath}`),
      applyBatch: (batch) => this.tracked(() => this.applyBatch(renderer, batch), `applyBatch ${describeBatch(batch)}`),
      getFolderUids: (accountId, folderPath) => this.tracked(() => renderer.getFolderUids(accountId, folderPath), `getFolderUids ${folderPath}`),
      putBodies: (bodies) => this.tracked(() => renderer.putBodies(bodies), `putBodies ${bodies.length}`),
      bodiesMissing: (accountId, folderPath, uids) => this.tracked(() => renderer.bodiesMissing(accountId, folderPath, uids), `bodiesMissing ${folderPath} ${uids.length}`),
      pendingChanges: (accountId) => this.tracked(() => renderer.pendingChanges(accountId), 'pendingChanges'),
      completeChange: (changeId, outcome) => this.tracked(() => renderer.completeChange(changeId, outcome), 'completeChange'),
      outboxWork: (accountId, at) => this.tracked(() => renderer.outboxWork(accountId, at), 'outboxWork'),
      claimOutgoing: (outboxId, at) => this.tracked(() => renderer.claimOutgoing(outboxId, at), 'claimOutgoing'),
      recordSend: (outboxId, report) => this.tracked(() => renderer.recordSend(outboxId, report), `recordSend ${report.kind}`),
      popMessages: (accountId) => this.tracked(() => renderer.popMessages(accountId), 'popMessages'),
      allocateUids: (accountId, count) => this.tracked(() => renderer.allocateUids(accountId, count), `allocateUids ${count}`),
      messageSource: (accountId, folderPath, uid) => this.tracked(() => renderer.messageSource(accountId, folderPath, uid), `messageSource ${folderPath} ${uid}`),
      engineEvent: (event) => {
        this.events.push(event);
        this.touch();
        if (event.type !== 'sync-progress' || event.progress.phase === 'idle') this.note(`event ${JSON.stringify(event)}`);
        renderer.engineEvent(event);
      },
    };
    return wrapped;
  }

  private async applyBatch(renderer: RendererApi, batch: SyncBatch): ReturnType<RendererApi['applyBatch']> {
    const record: BatchRecord = {
      sentAt: now(),
      ackedAt: null,
      folderPath: batch.folderPath ?? null,
      resetFolder: batch.resetFolder === true,
      upsertUids: (batch.upsertMessages ?? []).map((message) => message.uid),
      flagChangeUids: (batch.flagChanges ?? []).map((change) => change.uid),
      removedUids: batch.removedUids ?? [],
      ...(batch.cursor ? { backfillBelowUid: batch.cursor.backfillBelowUid } : {}),
    };
    this.records.push(record);
    const ack = await renderer.applyBatch(batch);
    record.ackedAt = now();
    this.tracker?.apply(record);
    return ack;
  }

  /** Resolves with check()'s value once it is truthy, re-checking on every engine activity (and every 100 ms). */
  until<T>(check: () => T | null | undefined | false, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setInterval(() => test(), 100);
      const done = (): void => {
        clearInterval(timer);
        this.waiters.delete(test);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      const test = (): void => {
        try {
          const value = check();
          if (value) {
            done();
            resolve(value);
          }
        } catch (error) {
          done();
          reject(error);
        }
      };
      if (signal.aborted) return onAbort();
      this.waiters.add(test);
      signal.addEventListener('abort', onAbort, { once: true });
      test();
    });
  }

  /** Throws the engine's own words if it reported the account in error. */
  throwIfAccountFailed(): void {
    const failed = this.events.find((event) => event.type === 'account-state' && event.state === 'error');
    if (failed && failed.type === 'account-state') throw new Error(`the engine reported the account in error: ${failed.error?.code ?? ''} ${failed.error?.message ?? ''}`.trim());
  }

  accountIdle(accountId: string): boolean {
    return this.events.some((event) => event.type === 'account-state' && event.accountId === accountId && event.state === 'idle');
  }

  quiet(): boolean {
    return this.inflight === 0 && this.uiOpenFolderPending === 0 && now() - this.lastActivity >= QUIET_MS;
  }
}

/** One line about a batch for the trace. */
export function describeBatch(batch: SyncBatch): string {
  const parts = [batch.folderPath ?? '(account)'];
  if (batch.folders) parts.push(`folders=${batch.folders.length}`);
  if (batch.resetFolder) parts.push('reset');
  if (batch.upsertMessages?.length) parts.push(`upsert=${batch.upsertMessages.length}`);
  if (batch.bodies?.length) parts.push(`bodies=${batch.bodies.length}`);
  if (batch.sources?.length) parts.push(`sources=${batch.sources.length}`);
  if (batch.flagChanges?.length) parts.push(`flags=${batch.flagChanges.length}`);
  if (batch.removedUids?.length) parts.push(`removed=${batch.removedUids.length}`);
  if (batch.cursor) parts.push(`backfillBelow=${batch.cursor.backfillBelowUid}`);
  return parts.join(' ');
}


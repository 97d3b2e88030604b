// Opens the store and the engine connection once, and keeps the engine's account list mirrored in the store.

import { useEffect, useState } from 'react';
import type { AccountState, EngineApi, EngineEvent, AppInfo } from '../../shared/contract';
import type { HeronErrorData } from '../../shared/errors';
import type { SyncProgress } from '../../shared/model';
import { HeronDb } from '../store/db';
import { putAccounts } from '../store/queries';
import { createStoreRendererApi } from '../store/renderer-api';
import { connectToEngine } from '../transport/connect';

export const STORE_NAME = 'heron';

export interface AccountStatus {
  state: AccountState;
  error?: HeronErrorData;
  /** The latest sync step, for the status line. */
  progress?: SyncProgress;
}

/** Folds one engine event into the per-account status the UI shows. */
export function withEvent(all: Record<string, AccountStatus>, event: EngineEvent): Record<string, AccountStatus> {
  if (event.type === 'account-state') {
    const { progress } = all[event.accountId] ?? {};
    return { ...all, [event.accountId]: { state: event.state, ...(event.error ? { error: event.error } : {}), ...(progress && event.state !== 'idle' ? { progress } : {}) } };
  }
  if (event.type === 'sync-progress') {
    const current = all[event.progress.accountId] ?? { state: 'syncing' as const };
    return { ...all, [event.progress.accountId]: { ...current, progress: event.progress } };
  }
  return all;
}

export type EngineSession =
  | { status: 'connecting' }
  | { status: 'other-tab' }
  | { status: 'unreachable' }
  | { status: 'disconnected' }
  | { status: 'ready'; engine: EngineApi; info: AppInfo; db: HeronDb };

export function useEngine(onEngineEvent: (event: EngineEvent) => void): EngineSession {
  const [session, setSession] = useState<EngineSession>({ status: 'connecting' });

  useEffect(() => {
    let cancelled = false;
    const db = new HeronDb(STORE_NAME);
    // The store's renderer API saves account lists itself; the UI only follows state and progress.
    const onEvent = onEngineEvent;
    void (async () => {
      const connection = await connectToEngine(createStoreRendererApi(db, onEvent));
      if (cancelled) return;
      if (connection.status !== 'ready') {
        setSession({ status: connection.status });
        return;
      }
      await putAccounts(db, await connection.engine.listAccounts());
      setSession({ status: 'ready', engine: connection.engine, info: connection.info, db });
      void connection.closed.then(() => !cancelled && setSession({ status: 'disconnected' }));
    })();
    return () => {
      cancelled = true;
      db.close();
    };
    // One connection per page: onEngineEvent is a stable dispatcher from the caller.
  }, [onEngineEvent]);

  return session;
}

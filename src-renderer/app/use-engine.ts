// Opens the store and the engine connection once, and keeps the engine's account list mirrored in the store.

import { useEffect, useState } from 'react';
import type { AccountState, EngineApi, EngineEvent, AppInfo } from '../../shared/contract';
import type { HeronErrorData } from '../../shared/errors';
import { HeronDb } from '../store/db';
import { putAccounts } from '../store/queries';
import { createStoreRendererApi } from '../store/renderer-api';
import { connectToEngine } from '../transport/connect';

export const STORE_NAME = 'heron';

export interface AccountStatus {
  state: AccountState;
  error?: HeronErrorData;
}

export type EngineSession =
  | { status: 'connecting' }
  | { status: 'other-tab' }
  | { status: 'unreachable' }
  | { status: 'disconnected' }
  | { status: 'ready'; engine: EngineApi; info: AppInfo; db: HeronDb };

export function useEngine(onAccountState: (accountId: string, status: AccountStatus) => void): EngineSession {
  const [session, setSession] = useState<EngineSession>({ status: 'connecting' });

  useEffect(() => {
    let cancelled = false;
    const db = new HeronDb(STORE_NAME);
    // The store's renderer API saves account lists itself; this only tracks per-account state for the UI.
    const onEvent = (event: EngineEvent) => {
      if (event.type === 'account-state') onAccountState(event.accountId, { state: event.state, ...(event.error ? { error: event.error } : {}) });
    };
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
    // One connection per page: onAccountState is a stable dispatcher from the caller.
  }, [onAccountState]);

  return session;
}

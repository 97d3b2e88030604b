// A message's body for the reader: from the store when cached, else fetched from the engine once and cached.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { MessageBody } from '../../../shared/model';
import { getBody, putBodies } from '../../store/bodies';
import type { HeronDb } from '../../store/db';

export type BodyState = { status: 'loading' } | { status: 'ready'; body: MessageBody } | { status: 'error'; error: HeronError; retry: () => void };

type Cached = { body: MessageBody | null } | { error: HeronError };

export function useMessageBody(db: HeronDb, engine: EngineApi, accountId: string, folderPath: string, uid: number): BodyState {
  const cached = useLiveQuery(
    (): Promise<Cached> => getBody(db, accountId, folderPath, uid).then((body) => ({ body: body ?? null }), (error: unknown) => ({ error: toHeronError(error) })),
    [db, accountId, folderPath, uid],
  );
  const key = `${accountId}\u0000${folderPath}\u0000${uid}`;
  const [fetched, setFetched] = useState<{ key: string; body: MessageBody } | null>(null);
  const [failed, setFailed] = useState<{ key: string; error: HeronError } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const missing = cached !== undefined && 'body' in cached && cached.body === null;

  useEffect(() => {
    if (!missing) return;
    let current = true;
    engine
      .fetchBody(accountId, folderPath, uid)
      .then((body) => {
        if (current) setFetched({ key, body });
        // Cached even if the person moved on: it was downloaded, and it makes the message readable offline.
        return putBodies(db, [body]);
      })
      .catch((error: unknown) => {
        if (current) setFailed({ key, error: toHeronError(error) });
      });
    return () => {
      current = false;
    };
  }, [missing, db, engine, accountId, folderPath, uid, key, attempt]);

  if (cached && 'body' in cached && cached.body) return { status: 'ready', body: cached.body };
  if (fetched?.key === key) return { status: 'ready', body: fetched.body };
  const error = cached && 'error' in cached ? cached.error : failed?.key === key ? failed.error : null;
  if (error) {
    return {
      status: 'error',
      error,
      retry: () => {
        setFailed(null);
        setAttempt((n) => n + 1);
      },
    };
  }
  return { status: 'loading' };
}

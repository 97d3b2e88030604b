// The composer's draft while it is edited: kept in the store a moment after each change, and in the server's Drafts folder a little later.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toErrorData, type HeronErrorData } from '../../../shared/errors';
import type { HeronDb } from '../../store/db';
import { getDraft, markDraftFiled, putDraft } from '../../store/drafts';
import type { DraftRow } from '../../store/rows';
import { draftMessage } from './draft-flow';

/** A change reaches the store this long after typing pauses: a crash loses less than a second of work. */
export const LOCAL_SAVE_MS = 600;
/** And the Drafts folder this long after: one APPEND per pause, not one per word. */
export const SERVER_SAVE_MS = 10_000;

export type DraftSaveState =
  | { kind: 'unsaved' }
  | { kind: 'local' }
  | { kind: 'server'; folder: string | null }
  | { kind: 'server-failed'; error: HeronErrorData }
  | { kind: 'local-failed'; error: HeronErrorData };

export interface DraftEditor {
  /** undefined while the store is read; null when the draft is not there (sent or discarded elsewhere). */
  draft: DraftRow | null | undefined;
  saveState: DraftSaveState;
  update(changes: Partial<Omit<DraftRow, 'id' | 'messageId' | 'createdAt'>>): void;
  /** Writes what is pending now (before sending or closing) and returns the draft as stored. */
  flush(): Promise<DraftRow | null>;
  /** The draft is being sent or discarded: nothing more is written for it, not even when the composer closes. */
  release(): void;
  /** Sending failed after release: the draft is edited and saved again. */
  resume(row: DraftRow): void;
}

export function useDraftEditor(db: HeronDb, engine: EngineApi, draftId: string): DraftEditor {
  const [draft, setDraft] = useState<DraftRow | null | undefined>(undefined);
  const [saveState, setSaveState] = useState<DraftSaveState>({ kind: 'local' });
  const latest = useRef<DraftRow | null>(null);
  const localTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const serverTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const localWrite = useRef<Promise<void>>(Promise.resolve());
  const serverSave = useRef<Promise<void> | null>(null);

  const writeLocal = useCallback((): Promise<void> => {
    clearTimeout(localTimer.current);
    const row = latest.current;
    if (!row) return localWrite.current;
    // Writes go one after another, so an older version never lands after a newer one.
    localWrite.current = localWrite.current
      .then(() => putDraft(db, row))
      .then(
        () => {
          if (latest.current === row) setSaveState((s) => (s.kind === 'unsaved' ? { kind: 'local' } : s));
        },
        (error: unknown) => setSaveState({ kind: 'local-failed', error: toErrorData(error) }),
      );
    return localWrite.current;
  }, [db]);

  const saveToServer = useCallback(async (): Promise<void> => {
    clearTimeout(serverTimer.current);
    if (serverSave.current) await serverSave.current;
    const row = latest.current;
    if (!row || (row.serverSavedAt !== null && row.serverSavedAt >= row.updatedAt)) return;
    const run = (async () => {
      try {
        const saved = await engine.saveDraft(row.accountId, draftMessage(row));
        await markDraftFiled(db, row.id, row.updatedAt, saved.folder);
        if (latest.current?.id === row.id) latest.current = { ...latest.current, serverSavedAt: row.updatedAt, serverFolder: saved.folder };
        setSaveState(latest.current && latest.current.updatedAt > row.updatedAt ? { kind: 'unsaved' } : { kind: 'server', folder: saved.folder });
      } catch (error) {
        // The local copy is safe; the next change or close tries the server again.
        setSaveState({ kind: 'server-failed', error: toErrorData(error) });
      }
    })();
    serverSave.current = run;
    await run;
    serverSave.current = null;
  }, [db, engine]);

  useEffect(() => {
    let live = true;
    getDraft(db, draftId).then(
      (row) => {
        if (!live) return;
        latest.current = row ?? null;
        setDraft(row ?? null);
        // Reopened after a reload or crash with changes the server never got.
        if (row && (row.serverSavedAt === null || row.serverSavedAt < row.updatedAt)) serverTimer.current = setTimeout(() => void saveToServer(), SERVER_SAVE_MS);
      },
      () => live && setDraft(null),
    );
    return () => {
      live = false;
      clearTimeout(serverTimer.current);
      // The composer closed (a reload never gets here, so a draft open then reopens): keep the last words, closed,
      // and give the Drafts folder the last version now rather than after the timer.
      const row = latest.current;
      if (!row) return;
      latest.current = { ...row, open: false };
      void writeLocal();
      void saveToServer();
    };
  }, [db, draftId, writeLocal, saveToServer]);

  const update = useCallback<DraftEditor['update']>(
    (changes) => {
      const current = latest.current;
      if (!current) return;
      const next: DraftRow = { ...current, ...changes, updatedAt: Math.max(Date.now(), current.updatedAt + 1) };
      latest.current = next;
      setDraft(next);
      setSaveState({ kind: 'unsaved' });
      clearTimeout(localTimer.current);
      localTimer.current = setTimeout(() => void writeLocal(), LOCAL_SAVE_MS);
      clearTimeout(serverTimer.current);
      serverTimer.current = setTimeout(() => void saveToServer(), SERVER_SAVE_MS);
    },
    [writeLocal, saveToServer],
  );

  const flush = useCallback(async () => {
    await writeLocal();
    return latest.current;
  }, [writeLocal]);

  const release = useCallback(() => {
    clearTimeout(localTimer.current);
    clearTimeout(serverTimer.current);
    latest.current = null;
  }, []);

  const resume = useCallback((row: DraftRow) => {
    latest.current = row;
  }, []);

  return { draft, saveState, update, flush, release, resume };
}

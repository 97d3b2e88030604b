// Runs the local search as a person types (after a short pause) and as sync changes the store; only the latest query's answer is ever shown.

import { useEffect, useRef, useState } from 'react';
import { toErrorData, type HeronErrorData } from '../../../shared/errors';
import type { HeronDb } from '../../store/db';
import { onSearchIndexChange, searchMessages, type SearchResult, type SearchScope } from '../../store/search';

/** Long enough to skip the letters of a word typed quickly, short enough to feel immediate. */
export const SEARCH_DEBOUNCE_MS = 100;
/** While sync writes, shown results follow at most this often (a restarting debounce would never fire during a long sync). */
export const STORE_REFRESH_MS = 500;

/** Counts writes to the search index, at most one step per STORE_REFRESH_MS. */
function useIndexVersion(db: HeronDb): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = onSearchIndexChange(db, () => {
      timer ??= setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, STORE_REFRESH_MS);
    });
    return () => {
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  }, [db]);
  return version;
}

export interface LocalSearch {
  /** The answer to the latest query that finished, with that query's text. */
  result: (SearchResult & { text: string }) | null;
  /** A newer query is waiting or running. */
  pending: boolean;
  error: HeronErrorData | null;
}

/** Re-runs the query when the store's index changes (sync), and when `refresh` changes. */
export function useLocalSearch(db: HeronDb, text: string, scope: SearchScope, refresh: number): LocalSearch {
  const [state, setState] = useState<LocalSearch>({ result: null, pending: false, error: null });
  const version = useIndexVersion(db);
  const latest = useRef(0);
  const asked = useRef('');
  const { accountId, folderPath } = scope;
  useEffect(() => {
    const query = ++latest.current;
    if (text.trim() === '') {
      setState({ result: null, pending: false, error: null });
      return;
    }
    // "Searching…" for a new question only: a refresh after a sync batch keeps the current answer on screen.
    const key = JSON.stringify([text, accountId, folderPath]);
    if (key !== asked.current) setState((s) => ({ ...s, pending: true }));
    asked.current = key;
    const timer = setTimeout(() => {
      const options = { text, ...(accountId !== undefined ? { accountId } : {}), ...(folderPath !== undefined ? { folderPath } : {}) };
      searchMessages(db, options).then(
        // An answer to an older query (the person typed on) is dropped, however late it comes.
        (result) => query === latest.current && setState({ result: { ...result, text }, pending: false, error: null }),
        (error: unknown) => query === latest.current && setState((s) => ({ ...s, pending: false, error: toErrorData(error) })),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [db, text, accountId, folderPath, refresh, version]);
  return state;
}

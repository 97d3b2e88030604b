// "Search on server": the server's UID SEARCH for one folder, the hits the store lacks fetched in, then read back from the store.

import type { EngineApi } from '../../../shared/contract';
import { HeronError } from '../../../shared/errors';
import type { MessageHeader } from '../../../shared/model';
import type { HeronDb, MessageKey } from '../../store/db';
import type { MessageRow } from '../../store/rows';
import { toHeader } from '../../store/search';

/** Server hits shown (the newest, by UID): a result list, not a download of the folder. */
export const SERVER_HITS_SHOWN = 200;

export interface ServerSearchResult {
  /** How many messages the server found. */
  matched: number;
  /** The newest of them, from the store, newest first. */
  hits: MessageHeader[];
}

/**
 * Asks the server, then makes sure its newest hits are in the store: headers the store lacks (not backfilled
 * yet) are fetched without moving the sync cursor. If the folder changed on the server (UIDVALIDITY), it is
 * synced once and the fetch retried, since the server's UIDs then name messages the store does not know.
 */
export async function searchOnServer(db: HeronDb, engine: EngineApi, accountId: string, folderPath: string, text: string): Promise<ServerSearchResult> {
  const { uids } = await engine.searchServer(accountId, folderPath, text);
  const newest = [...uids].sort((a, b) => b - a).slice(0, SERVER_HITS_SHOWN);
  const keys = newest.map((uid): MessageKey => [accountId, folderPath, uid]);
  const stored = await db.messages.bulkGet(keys);
  const missing = newest.filter((_, i) => !stored[i]);
  if (missing.length > 0) {
    try {
      await engine.fetchHeaders(accountId, folderPath, missing);
    } catch (error) {
      if (!(error instanceof HeronError) || error.code !== 'not-found') throw error;
      await engine.openFolder(accountId, folderPath);
      await engine.fetchHeaders(accountId, folderPath, missing);
    }
  }
  const rows = missing.length > 0 ? await db.messages.bulkGet(keys) : stored;
  const hits = rows.filter((row): row is MessageRow => row !== undefined).map(toHeader);
  hits.sort((a, b) => b.date - a.date || b.uid - a.uid);
  return { matched: uids.length, hits };
}

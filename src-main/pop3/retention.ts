// Owns which server copies a POP3 sync deletes: the account's options applied to what the store has safely kept.

import type { Pop3Options, PopMessage } from '../../shared/model';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The records whose server copy goes at this sync. Every record passed in is one the store acknowledged, and sync.ts
 * commits the ones returned again with strict durability before any DELE, so nothing deleted here exists only on the
 * server. A partial record is the one exception the options cannot reach: its rest is on the server alone, so it
 * stays until downloadRest fetched it, unless the person deleted it for good in Heron, which says they want none of it.
 */
export function serverDeletions(records: readonly PopMessage[], options: Pop3Options, now: number): PopMessage[] {
  const cutoff = options.deleteAfterDays === null ? null : now - options.deleteAfterDays * DAY_MS;
  return records.filter((record) => {
    if (record.deletedLocally && (options.deleteWhenDeletedLocally || !options.leaveOnServer)) return true;
    if (record.partial) return false;
    if (!options.leaveOnServer) return true;
    return cutoff !== null && record.downloadedAt <= cutoff;
  });
}

/**
 * Whether serverDeletions may pick a message in the very session that downloads it: without "leave on server" every
 * whole message goes at QUIT, and "delete after 0 days" makes it due at once. (One deleted for good while the sync
 * runs is the rare exception, covered like every deletion by sync.ts's strict re-commit.)
 */
export function deletesOnDownload(options: Pop3Options): boolean {
  return !options.leaveOnServer || options.deleteAfterDays === 0;
}

// Every action on messages goes the same way: the store applies it at once and queues it, then the engine replays the queue on the server; a POP3 account's change is final in the store.

import type { EngineApi } from '../../../shared/contract';
import type { Flag, LocalChange, MessageHeader } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { changeMessages } from '../../store/local-changes';
import { pendingChangesOf } from '../../store/pending-changes';

export interface ChangeTarget {
  accountId: string;
  folderPath: string;
  uids: number[];
}

/** Replays asked for at most this many times in a row for one change, so a server that keeps failing cannot keep the loop going. */
const MAX_REPLAY_ROUNDS = 5;

/**
 * Asks the engine to replay, and again while changes it has never tried are left. The engine already runs a
 * follow-up replay for requests made during a run; asking again covers a request that crossed a finishing
 * run in transit. Changes that failed and wait for a retry (attempts > 0) are the engine's to schedule.
 */
export async function replayUntilDone(db: HeronDb, engine: EngineApi, accountId: string): Promise<void> {
  for (let round = 0; round < MAX_REPLAY_ROUNDS; round += 1) {
    try {
      await engine.replayChanges(accountId);
    } catch {
      return; // reported through the account's state; the change stays queued
    }
    const left = await pendingChangesOf(db, accountId);
    if (!left.some((change) => change.attempts === 0)) return;
  }
}

/**
 * Queues the change (the store shows it at once) and has the engine replay it. A replay that fails (offline,
 * server down) keeps the change queued and is reported through the account's state, so only the local step
 * can reject here. A POP3 account's folders exist only in the store: its change is done once applied there.
 */
export async function runChange(db: HeronDb, engine: EngineApi, target: ChangeTarget, change: LocalChange): Promise<void> {
  if (target.uids.length === 0) return;
  const queued = await changeMessages(db, { ...target, change });
  if (queued) void replayUntilDone(db, engine, target.accountId).catch(() => undefined);
}

const SEEN: Flag = '\\Seen';
const FLAGGED: Flag = '\\Flagged';

/** The flag change that sets `flag` on or off, for the messages it would change; null when it changes none. */
export function flagChange(headers: readonly MessageHeader[], flag: Flag, on: boolean): { uids: number[]; change: LocalChange } | null {
  const uids = headers.filter((h) => h.flags.includes(flag) !== on).map((h) => h.uid);
  if (uids.length === 0) return null;
  return { uids, change: on ? { kind: 'flags', add: [flag], remove: [] } : { kind: 'flags', add: [], remove: [flag] } };
}

export const markRead = (headers: readonly MessageHeader[]) => flagChange(headers, SEEN, true);
export const markUnread = (headers: readonly MessageHeader[]) => flagChange(headers, SEEN, false);

/** s: flags them all unless every one is flagged already, then unflags them (as Gmail and Thunderbird do). */
export function toggleFlag(headers: readonly MessageHeader[]) {
  const allFlagged = headers.length > 0 && headers.every((h) => h.flags.includes(FLAGGED));
  return flagChange(headers, FLAGGED, !allFlagged);
}

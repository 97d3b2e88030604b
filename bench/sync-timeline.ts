// Owns what the Heron sync benchmark reads from the engine's batch acknowledgements: when a folder's newest page and
// all of its headers were in the store, what a resync delivered inside the timed window, and when a download's last
// batch was stored. Pure: no clock, no I/O.

/** One SyncBatch the engine sent to the store, as the bench recorded it (times in ms on one monotonic clock). */
export interface BatchRecord {
  sentAt: number;
  /** When the store's acknowledgement reached the engine (the transaction had committed); null if the call failed. */
  ackedAt: number | null;
  folderPath: string | null;
  resetFolder: boolean;
  upsertUids: readonly number[];
  flagChangeUids: readonly number[];
  removedUids: readonly number[];
  /** The cursor's backfill mark as sent (null: backfill complete); undefined when the batch carried no cursor. */
  backfillBelowUid?: number | null;
}

export interface MilestoneInput {
  folder: string;
  /** When the renderer attached (the engine started connecting); milestones are measured from here. */
  attachedAt: number;
  /** Every UID the server holds in the folder (the bench asked the server itself). */
  serverUids: readonly number[];
  /** Size of the first page the engine sends (sync-folder.ts NEWEST_PAGE). */
  newestPage: number;
}

export interface SyncMilestones {
  /** ms from attach until the ack after which the `newestPage` highest UIDs were all in the store; null if never. */
  newestPageMs: number | null;
  /** ms from attach until the ack after which every server UID was in the store; null if never. */
  allHeadersMs: number | null;
  /** The folder's acknowledged batches up to and including the one that completed it (all batches if never). */
  batches: number;
  /** Header rows those batches carried; more than the folder holds means some were fetched and stored twice. */
  rowsUpserted: number;
  /** Rows upserted for a UID the store already had (same folder, no reset in between): fetched and stored again. */
  duplicateRows: number;
  /** ms from attach to the ack of the first batch whose cursor marked the folder's backfill complete; null if none came. */
  backfillDoneMs: number | null;
}

/** The latest moment the store acknowledged a batch, up to `until` (later acks belong to work after it); null if none. */
export function lastAck(records: readonly BatchRecord[], until: number): number | null {
  let last: number | null = null;
  for (const { ackedAt } of records) if (ackedAt !== null && ackedAt <= until && (last === null || ackedAt > last)) last = ackedAt;
  return last;
}

/**
 * ms the engine waited on applyBatch calls acknowledged up to `until`, from send to ack. While one call is in flight at
 * a time (a sync commits in order), it is the store's share of that interval; the rest is the network and parsing.
 */
export function batchWaitMs(records: readonly BatchRecord[], until: number): number {
  let total = 0;
  for (const { sentAt, ackedAt } of records) if (ackedAt !== null && ackedAt <= until) total += ackedAt - sentAt;
  return total;
}

/** Acknowledged batches in the order their acknowledgements arrived (failed calls left out). */
export function acknowledged(records: readonly BatchRecord[]): BatchRecord[] {
  return records.filter((record) => record.ackedAt !== null).sort((a, b) => (a.ackedAt as number) - (b.ackedAt as number));
}

/**
 * Follows the acknowledged batches of one folder, in acknowledgement order, against a model of the store's UID set
 * (upserts add, removals and a reset take away) and notes the first moment the newest page, then every server UID,
 * was present. Reading the contents rather than a batch's role keeps this right when two syncs of the same folder
 * overlap (the account's sync and the IDLE-triggered one), whichever delivers first. Incremental, so the bench can
 * follow a 100,000-message sync as it happens without rescanning it.
 */
export class MilestoneTracker {
  private readonly expected: Set<number>;
  private readonly newest: Set<number>;
  private readonly stored = new Set<number>();
  private presentExpected = 0;
  private presentNewest = 0;
  private readonly milestones: SyncMilestones = { newestPageMs: null, allHeadersMs: null, batches: 0, rowsUpserted: 0, duplicateRows: 0, backfillDoneMs: null };

  constructor(private readonly input: MilestoneInput) {
    this.expected = new Set(input.serverUids);
    this.newest = new Set([...this.expected].sort((a, b) => a - b).slice(-input.newestPage));
  }

  get result(): SyncMilestones {
    return { ...this.milestones };
  }

  /** Takes the next acknowledged batch (any folder; others are ignored). */
  apply(record: BatchRecord): void {
    if (record.ackedAt === null || record.folderPath !== this.input.folder) return;
    const m = this.milestones;
    const at = record.ackedAt - this.input.attachedAt;
    if (record.resetFolder) for (const uid of [...this.stored]) this.remove(uid);
    for (const uid of record.removedUids) this.remove(uid);
    for (const uid of record.upsertUids) this.add(uid);
    if (m.allHeadersMs === null) {
      m.batches++;
      m.rowsUpserted += record.upsertUids.length;
    }
    if (record.backfillBelowUid === null && m.backfillDoneMs === null) m.backfillDoneMs = at;
    if (m.newestPageMs === null && this.presentNewest === this.newest.size) m.newestPageMs = at;
    if (m.allHeadersMs === null && this.presentExpected === this.expected.size) m.allHeadersMs = at;
  }

  private add(uid: number): void {
    if (this.stored.has(uid)) {
      this.milestones.duplicateRows++;
      return;
    }
    this.stored.add(uid);
    if (this.expected.has(uid)) this.presentExpected++;
    if (this.newest.has(uid)) this.presentNewest++;
  }

  private remove(uid: number): void {
    if (!this.stored.delete(uid)) return;
    if (this.expected.has(uid)) this.presentExpected--;
    if (this.newest.has(uid)) this.presentNewest--;
  }
}

/** The milestones of a whole recorded sync (the tracker fed every acknowledged batch in order). */
export function syncMilestones(records: readonly BatchRecord[], input: MilestoneInput): SyncMilestones {
  const tracker = new MilestoneTracker(input);
  for (const record of acknowledged(records)) tracker.apply(record);
  return tracker.result;
}

export interface ResyncInput {
  folder: string;
  /** When the other client began changing flags; batches sent earlier cannot carry the new flags. */
  changedAt: number;
  /** When the bench called openFolder and when that call resolved (same clock as the records). */
  calledAt: number;
  resolvedAt: number;
  /** UIDs whose flags the other client changed just before the call. */
  changedUids: readonly number[];
}

export interface ResyncWindow {
  /** ms from the call to its resolution: the measured resync. */
  ms: number;
  /** Changed UIDs the store received in batches sent and acknowledged inside the window (the call did the work). */
  deliveredInWindow: number;
  /** Changed UIDs the store received in batches sent after the change but before the call (an earlier sync, e.g. IDLE's). */
  deliveredBefore: number;
  /** Acknowledged batches of the folder sent inside the window. */
  batchesInWindow: number;
}

/** What happened between an openFolder call and its resolution, from the batches the engine sent meanwhile. */
export function resyncWindow(records: readonly BatchRecord[], input: ResyncInput): ResyncWindow {
  const changed = new Set(input.changedUids);
  const inWindow = new Set<number>();
  const before = new Set<number>();
  let batchesInWindow = 0;
  for (const record of acknowledged(records)) {
    if (record.folderPath !== input.folder || record.sentAt < input.changedAt || (record.ackedAt as number) > input.resolvedAt) continue;
    const early = record.sentAt < input.calledAt;
    if (!early) batchesInWindow++;
    for (const uid of [...record.flagChangeUids, ...record.upsertUids]) {
      if (changed.has(uid)) (early ? before : inWindow).add(uid);
    }
  }
  for (const uid of before) inWindow.delete(uid);
  return { ms: input.resolvedAt - input.calledAt, deliveredInWindow: inWindow.size, deliveredBefore: before.size, batchesInWindow };
}

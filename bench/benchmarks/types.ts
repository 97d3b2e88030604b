// Owns the shape of a benchmark definition, so each later benchmark (sync, POP3, SMTP) is one more file of the same kind.

import type { Runnable } from '../measure';
import type { BenchTarget } from '../target';

/** Peers Heron is compared with. */
export type PeerName = 'imapflow' | 'indexeddb-floor' | 'mbsync' | 'mpop' | 'msmtp' | 'nodemailer-pool' | 'pop3-client';

export interface PeerEntry {
  name: PeerName;
  /** Absent when the peer cannot run here; then `unavailable` says why and the row reports it as skipped. */
  runnable?: Runnable;
  unavailable?: string;
}

/** A design budget (DESIGN.md, Budgets) a row is checked against; the report says whether the median meets it. */
export type Budget =
  /** Heron's median in seconds must stay below `max`. */
  | { kind: 'seconds'; max: number }
  /** Heron's median over the ratioAgainst peer's median must stay at or below `max`. */
  | { kind: 'ratio'; max: number }
  /** A byte metric's median must stay below `max` bytes. */
  | { kind: 'bytes'; max: number };

/** A further row made from a metric Heron's runs of this benchmark report (RunOutcome.metrics), Heron only. */
export interface HeronMetricRow {
  name: string;
  description: string;
  /** The RunOutcome.metrics key holding this row's numbers. */
  metric: string;
  /** What the numbers are; seconds when absent. */
  unit?: 'bytes' | 'count';
  budget?: Budget;
  /** Why the row may have no numbers (e.g. a step that was skipped). */
  missingNote?: string;
  /** Printed before the benchmark's own row (it happens earlier in the run), else after it. */
  before?: boolean;
}

/** One more comparison of the same runs, as a row of its own: Heron's median over another peer's (a row has one ratio). */
export interface RatioRow {
  name: string;
  description: string;
  against: PeerName;
  budget?: Budget;
}

/** A non-time metric of Heron's runs (bytes), reported in the JSON and the table's notes. */
export interface HeronMetricSpec {
  metric: string;
  label: string;
  unit: 'bytes' | 'seconds' | 'count';
  budget?: Budget;
}

export interface BenchmarkDefinition {
  name: string;
  description: string;
  /** Heron's side. Leave it out while Heron lacks the capability, and say why in `heronNote`. */
  heron?: Runnable;
  heronNote?: string;
  peers: PeerEntry[];
  /** The peer the ratio heron/peer is computed against. */
  ratioAgainst: PeerName;
  /** The budget this row's Heron median is held to. */
  budget?: Budget;
  /** More rows from the same Heron runs (e.g. the sync's first page and its resync), each Heron only. */
  heronRows?: HeronMetricRow[];
  /** Rows right after this one comparing the same runs with another of `peers` (e.g. the SMTP floor and msmtp). */
  ratioRows?: RatioRow[];
  /** Other numbers Heron's runs report (memory), summarized on this row. */
  heronMetrics?: HeronMetricSpec[];
  /**
   * Correctness checks that failed during the runs, by row name (this row's or a heronRows name). The bench still
   * prints and writes its report, then exits non-zero. (Checks that make every number meaningless throw instead.)
   */
  failedChecks?: () => Record<string, string[]>;
  /** Removes whatever the benchmark made (temporary directories, config files). */
  dispose?: () => Promise<void>;
}

export interface BenchmarkContext {
  /** Aborts when the bench is interrupted; long set-up work (building the renderer) stops with it. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Builds a benchmark for an opened target; async, because some peers need files written first. */
export type BenchmarkFactory = (target: BenchTarget, context: BenchmarkContext) => Promise<BenchmarkDefinition>;

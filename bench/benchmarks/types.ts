// Owns the shape of a benchmark definition, so each later benchmark (sync, POP3, SMTP) is one more file of the same kind.

import type { Runnable } from '../measure';
import type { BenchTarget } from '../target';

/** Peers Heron is compared with; later benchmarks add mpop, msmtp and nodemailer. */
export type PeerName = 'imapflow' | 'mbsync' | 'mpop' | 'msmtp' | 'nodemailer';

export interface PeerEntry {
  name: PeerName;
  /** Absent when the peer cannot run here; then `unavailable` says why and the row reports it as skipped. */
  runnable?: Runnable;
  unavailable?: string;
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
  /** Removes whatever the benchmark made (temporary directories, config files). */
  dispose?: () => Promise<void>;
}

/** Builds a benchmark for an opened target; async, because some peers need files written first. */
export type BenchmarkFactory = (target: BenchTarget) => Promise<BenchmarkDefinition>;

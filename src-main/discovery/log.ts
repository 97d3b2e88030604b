// The discovery log: every attempt becomes one entry when it ends, and nothing still waiting is left out.

import type { DiscoveryLogEntry, DiscoverySource } from '../../shared/setup';

export interface LogStep {
  found(detail: string): void;
  nothing(detail: string): void;
  failed(detail: string): void;
  skipped(detail: string): void;
}

export type StartStep = (what: string) => LogStep;

/** The text of an abort reason, as the log shows why a step stopped. */
export function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : 'stopped';
}

export class DiscoveryLog {
  private readonly entries: DiscoveryLogEntry[] = [];
  /** Each open step's way to close it as failed. */
  private readonly open = new Set<(detail: string) => void>();

  /** Starts steps for `source` that close as failed, with the signal's reason, as soon as `signal` aborts. */
  steps(source: DiscoverySource, signal: AbortSignal): StartStep {
    const mine = new Set<(detail: string) => void>();
    // One listener per group rather than per step: a source starts dozens of steps.
    signal.addEventListener('abort', () => [...mine].forEach((stop) => stop(stopReason(signal))), { once: true });
    return (what) => {
      const started = performance.now();
      let ended = false;
      const end = (outcome: DiscoveryLogEntry['outcome'], detail: string): void => {
        if (ended) return;
        ended = true;
        mine.delete(fail);
        this.open.delete(fail);
        this.entries.push({ source, what, outcome, detail, ms: Math.round(performance.now() - started) });
      };
      const fail = (detail: string): void => end('failed', detail);
      mine.add(fail);
      this.open.add(fail);
      if (signal.aborted) fail(stopReason(signal));
      return {
        found: (detail) => end('found', detail),
        nothing: (detail) => end('nothing', detail),
        failed: fail,
        skipped: (detail) => end('skipped', detail),
      };
    };
  }

  /** Closes every step still open (discovery stopped waiting for it) with `detail`, and returns the log in order of completion. */
  finish(detail: string): DiscoveryLogEntry[] {
    for (const fail of [...this.open]) fail(detail);
    return [...this.entries];
  }
}

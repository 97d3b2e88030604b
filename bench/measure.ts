// Owns how the bench measures: contenders alternate round by round, every run is bounded, samples become min/median/max.

/** Fewer runs than this cannot give a median worth comparing when run-to-run spread reaches ±35% (README, Benchmarks). */
export const MIN_RUNS = 5;
/** One unrecorded run each first: it fills the server's caches (Dovecot builds its index cache on the first FETCH). */
export const DEFAULT_WARMUPS = 1;
/** A run that takes longer than this is broken, not slow; the bench stops rather than hang. */
export const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * What a run may report about itself. Most runs report nothing and are timed by the clock around `run()`. A run
 * that must do untimed work inside it (start a browser, wait for a sync to settle) times its own interval and
 * returns it as `seconds`; `metrics` are further numbers the same run took (other intervals, bytes), recorded
 * under `metricKey(contender, name)` next to the contender's samples.
 */
export interface RunOutcome {
  seconds?: number;
  metrics?: Record<string, number>;
}

/** One timed thing: `prepare` and `verify` run outside the timed interval (e.g. deleting a Maildir, counting files). */
export interface Contender {
  prepare?: () => Promise<void>;
  /** Must give up promptly when `signal` aborts (the run exceeded its time limit). */
  run: (signal: AbortSignal) => Promise<void | RunOutcome>;
  verify?: () => Promise<void>;
}

/** A benchmark may give a bare function (the common case, a one-line addition) or a full Contender. */
export type Runnable = ((signal: AbortSignal) => Promise<void | RunOutcome>) | Contender;

/** Where measureAlternating keeps a contender's extra metric: `heron:newest-page`. Contender names never contain ':'. */
export function metricKey(contender: string, metric: string): string {
  return `${contender}:${metric}`;
}

export function toContender(runnable: Runnable): Contender {
  return typeof runnable === 'function' ? { run: runnable } : runnable;
}

export interface NamedContender extends Contender {
  name: string;
}

export interface Stats {
  /** Seconds. */
  median: number;
  min: number;
  max: number;
  /** Every measured run, in seconds, in the order they ran. */
  samples: number[];
}

export interface MeasureOptions {
  runs: number;
  warmups?: number;
  timeoutMs?: number;
  /** Monotonic nanoseconds; injectable so tests never depend on the wall clock. */
  clock?: () => bigint;
  /** Aborts the measurement between runs and the run in progress (the bench was interrupted). */
  signal?: AbortSignal;
  /** Progress, e.g. for a line per run on stderr; `metrics` as the run reported them. */
  onRun?: (event: { name: string; round: number; warmup: boolean; seconds: number; metrics?: Record<string, number> }) => void;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  // Even count: the mean of the two middle values, the usual definition.
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Microsecond precision is far below the noise; rounding keeps the JSON readable. */
function roundSeconds(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function summarize(samples: readonly number[]): Stats {
  return {
    median: roundSeconds(median(samples)),
    min: roundSeconds(Math.min(...samples)),
    max: roundSeconds(Math.max(...samples)),
    samples: samples.map(roundSeconds),
  };
}

/** heron / peer on medians: below 1 means Heron is faster. Null when either side has nothing to compare. */
export function computeRatio(heron: Stats | null | undefined, peer: Stats | null | undefined): number | null {
  if (!heron || !peer || peer.median <= 0) return null;
  return Math.round((heron.median / peer.median) * 1000) / 1000;
}

/** Reads a run count, refusing fewer than MIN_RUNS instead of silently producing a median nobody should trust. */
export function parseRuns(value: string | undefined, fallback = MIN_RUNS): number {
  if (value === undefined || value.trim() === '') return Math.max(fallback, MIN_RUNS);
  const runs = Number(value);
  if (!Number.isInteger(runs)) throw new Error(`HERON_BENCH_RUNS must be a whole number, got ${JSON.stringify(value)}`);
  if (runs < MIN_RUNS) throw new Error(`HERON_BENCH_RUNS must be at least ${MIN_RUNS} (got ${runs}): medians of fewer runs are noise on these machines`);
  return runs;
}

export class RunTimeoutError extends Error {}

/**
 * Runs `run` with an AbortSignal that fires after `timeoutMs` (rejecting with RunTimeoutError) or when `outer` aborts
 * (rejecting with its reason). Either way this settles at once, even if `run` ignores its signal.
 */
export async function withTimeout<T = void>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number, label: string, outer?: AbortSignal): Promise<T> {
  outer?.throwIfAborted();
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new RunTimeoutError(`${label} took longer than ${timeoutMs / 1000} s; the bench stops here`)), timeoutMs);
  const stopped = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  stopped.catch(() => undefined);
  const running = run(controller.signal);
  // The aborted run usually rejects too; that rejection is expected and must not become an unhandled one.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, stopped]);
  } catch (error) {
    // The aborted run may reject first with its own words ("socket closed"); the abort's reason is the real one.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * Measures contenders in alternation: round 1 runs A, B, C, round 2 runs A, B, C again, and so on, so a slow phase of
 * the machine (another process, a cache flush) falls on every contender alike instead of on one of them. Warm-up rounds
 * come first and are not recorded. Returns each contender's measured samples in seconds, in run order, keyed by its
 * name, and the metrics its runs reported, keyed by metricKey(name, metric).
 */
export async function measureAlternating(contenders: readonly NamedContender[], options: MeasureOptions): Promise<Map<string, number[]>> {
  if (options.runs < MIN_RUNS) throw new Error(`at least ${MIN_RUNS} measured runs are required, got ${options.runs}`);
  const names = new Set(contenders.map((contender) => contender.name));
  if (names.size !== contenders.length) throw new Error('contender names must be distinct');
  if (contenders.some((contender) => contender.name.includes(':'))) throw new Error("contender names cannot contain ':'");
  const warmups = options.warmups ?? DEFAULT_WARMUPS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const clock = options.clock ?? ((): bigint => process.hrtime.bigint());
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));

  for (let round = 0; round < warmups + options.runs; round++) {
    const warmup = round < warmups;
    for (const contender of contenders) {
      const label = `${contender.name} ${warmup ? `warm-up ${round + 1}` : `run ${round - warmups + 1}`}`;
      options.signal?.throwIfAborted();
      await contender.prepare?.();
      const start = clock();
      const outcome = await withTimeout(contender.run, timeoutMs, label, options.signal);
      const wall = Number(clock() - start) / 1e9;
      await contender.verify?.();
      const seconds = outcome && outcome.seconds !== undefined ? outcome.seconds : wall;
      const metrics = outcome ? outcome.metrics : undefined;
      if (!warmup) {
        samples.get(contender.name)?.push(seconds);
        for (const [metric, value] of Object.entries(metrics ?? {})) {
          const key = metricKey(contender.name, metric);
          samples.set(key, [...(samples.get(key) ?? []), value]);
        }
      }
      options.onRun?.({ name: contender.name, round: warmup ? round + 1 : round - warmups + 1, warmup, seconds, ...(metrics ? { metrics } : {}) });
    }
  }
  return samples;
}

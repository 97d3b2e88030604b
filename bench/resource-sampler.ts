// Owns memory sampling during a Heron run: a reading every ~100 ms (engine RSS here, the page's JS heap over CDP) and
// the peak. Readings never overlap, so a slow one (the page busy committing) delays the next instead of piling up.

export const SAMPLE_INTERVAL_MS = 100;

export interface Sampler {
  /** How many readings there are so far: a mark, so a later phase's readings can be told apart (`slice(mark)`). */
  count(): number;
  /** Takes one last reading, stops, and returns every reading in order. */
  stop(): Promise<number[]>;
}

/** Reads `read()` now and then every `intervalMs` until stopped. A failed reading (the page is closing) is skipped. */
export function startSampler(read: () => number | Promise<number>, intervalMs = SAMPLE_INTERVAL_MS): Sampler {
  const readings: number[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const take = (): Promise<void> =>
    (current = (async () => {
      try {
        const value = await read();
        if (Number.isFinite(value)) readings.push(value);
      } catch {
        // one reading missed; the next one counts
      }
    })());
  const loop = (): void => {
    if (stopped) return;
    void take().then(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    count: () => readings.length,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      await take();
      return readings;
    },
  };
}

export interface PeakSummary {
  /** Highest reading (bytes); null without readings. */
  peak: number | null;
  /** Peak minus the baseline taken before the run started; null without readings. */
  growth: number | null;
}

export function peakOf(readings: readonly number[], baseline: number): PeakSummary {
  if (readings.length === 0) return { peak: null, growth: null };
  const peak = readings.reduce((max, value) => Math.max(max, value), -Infinity);
  return { peak, growth: peak - baseline };
}

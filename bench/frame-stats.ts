// Owns what a scroll's frames say: durations from the page's requestAnimationFrame timestamps, long frames, p95, max.

/** Longer than this is visible jank: more than three 60 Hz frame intervals (the Long Tasks API's threshold too). */
export const LONG_FRAME_MS = 50;

export interface FrameStats {
  /** Frame durations measured (one fewer than the timestamps). */
  frames: number;
  /** Frames longer than LONG_FRAME_MS, in whole milliseconds. */
  longFrames: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile (q in 0..1) of values already sorted ascending; NaN without values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Durations between consecutive frame timestamps (ms, ascending, as requestAnimationFrame hands them out). */
export function frameDurations(stamps: readonly number[]): number[] {
  const durations: number[] = [];
  for (let i = 1; i < stamps.length; i++) {
    const duration = (stamps[i] as number) - (stamps[i - 1] as number);
    if (!(duration >= 0)) throw new Error(`frame timestamps must ascend (frame ${i}: ${stamps[i - 1]} then ${stamps[i]})`);
    durations.push(duration);
  }
  return durations;
}

export function frameStats(stamps: readonly number[], longFrameMs = LONG_FRAME_MS): FrameStats {
  const durations = frameDurations(stamps);
  if (durations.length === 0) throw new Error('a scroll needs at least two frames to measure');
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    frames: durations.length,
    // Frames start on vsync ticks (16.7 ms apart) and the clock is coarsened, so a frame of exactly three ticks reads
    // anywhere from 49.9 to 50.1 ms; whole milliseconds put it on one side of the threshold every time.
    longFrames: durations.filter((duration) => Math.round(duration) > longFrameMs).length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] as number,
  };
}

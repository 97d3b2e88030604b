// The mail-window bench's pure parts: frame statistics, its rows and budgets, rows in bytes and counts, HERON_BENCH_ONLY.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIRST_PAINT_BUDGET_S, mailWindowRows, MAIL_WINDOW_METRIC_SPECS } from '../../bench/benchmarks/mail-window';
import type { BenchmarkDefinition } from '../../bench/benchmarks/types';
import { frameDurations, frameStats, LONG_FRAME_MS, percentile } from '../../bench/frame-stats';
import { LAST_FOLDER_SETTING, MAIL_WINDOW_METRICS } from '../../bench/mail-window';
import { metricKey } from '../../bench/measure';
import { buildReport, buildResults, formatTable, HERON } from '../../bench/report';
import { BENCHMARKS, selectBenchmarks } from '../../bench/suite';
import type { BenchmarkEntry } from '../../bench/suite';
import type { BenchTarget } from '../../bench/target';
import { SETTING_KEYS } from '../../src-renderer/app/settings';

const target: BenchTarget = {
  host: '127.0.0.1',
  port: 10993,
  servername: 'localhost',
  user: 'alice',
  password: 'pw',
  caPem: '',
  caFile: '/tmp/ca.pem',
  folder: 'INBOX',
  messages: 10_000,
  lab: true,
  loadSeconds: 2.5,
  allowWrites: true,
};

/** Timestamps of frames with the given durations, starting at 1000 ms. */
function stampsOf(durations: number[]): number[] {
  const stamps = [1000];
  for (const duration of durations) stamps.push((stamps[stamps.length - 1] as number) + duration);
  return stamps;
}

describe('frame statistics', () => {
  it('turns requestAnimationFrame timestamps into durations', () => {
    assert.deepEqual(frameDurations([10, 26.5, 43, 43]), [16.5, 16.5, 0]);
    assert.deepEqual(frameDurations([5]), []);
  });

  it('refuses timestamps that go back in time', () => {
    assert.throws(() => frameDurations([10, 30, 20]), /must ascend/);
    assert.throws(() => frameDurations([10, NaN]), /must ascend/);
  });

  it('counts frames longer than the threshold in whole milliseconds, so three vsync ticks never count', () => {
    const stats = frameStats(stampsOf([16.7, 50, 50.1, 49.9, 50.6, 16.7, 120]));
    assert.equal(stats.frames, 7);
    assert.equal(stats.longFrames, 2);
    assert.equal(stats.maxMs, 120);
    assert.equal(LONG_FRAME_MS, 50);
    assert.equal(frameStats(stampsOf([30, 40]), 35).longFrames, 1);
  });

  it('takes nearest-rank percentiles, so p95 of 100 frames is the 95th shortest', () => {
    const durations = Array.from({ length: 100 }, (_, i) => i + 1);
    const stats = frameStats(stampsOf(durations.reverse()));
    assert.equal(stats.p95Ms, 95);
    assert.equal(stats.p50Ms, 50);
    assert.equal(stats.longFrames, 50);
  });

  it('has percentiles for tiny and empty inputs', () => {
    assert.equal(percentile([7], 0.95), 7);
    assert.equal(percentile([1, 2], 0), 1);
    assert.equal(percentile([1, 2], 1), 2);
    assert.ok(Number.isNaN(percentile([], 0.5)));
  });

  it('needs at least one whole frame', () => {
    assert.throws(() => frameStats([1000]), /at least two frames/);
  });
});

describe('mail-window rows', () => {
  it('reads the same last-folder setting the renderer writes', () => {
    assert.equal(LAST_FOLDER_SETTING, SETTING_KEYS.lastFolder);
  });

  it('holds first paint to 150 ms and the heap peak to 200 MB; long frames are reported without a budget', () => {
    assert.equal(FIRST_PAINT_BUDGET_S, 0.15);
    const rows = mailWindowRows(target);
    assert.deepEqual(
      rows.map((row) => [row.name, row.metric, row.unit ?? 'seconds', row.budget ?? null]),
      [
        ['list-scroll-long-frames', MAIL_WINDOW_METRICS.scrollLongFrames, 'count', null],
        ['list-scroll-frame-p95', MAIL_WINDOW_METRICS.scrollFrameP95, 'seconds', null],
        ['renderer-heap-folder-open', MAIL_WINDOW_METRICS.heapPeak, 'bytes', { kind: 'bytes', max: 200e6 }],
      ],
    );
    const reported = new Set(Object.values(MAIL_WINDOW_METRICS));
    for (const spec of MAIL_WINDOW_METRIC_SPECS) assert.ok(reported.has(spec.metric as never), spec.metric);
  });

  it('prints rows in bytes as MB and rows of counts as numbers, with the budget verdict', () => {
    const definition: BenchmarkDefinition = {
      name: 'list-first-paint',
      description: 'first paint',
      heron: async () => undefined,
      peers: [],
      ratioAgainst: 'imapflow',
      budget: { kind: 'seconds', max: FIRST_PAINT_BUDGET_S },
      heronRows: mailWindowRows(target),
    };
    const samples = new Map<string, number[]>([
      [HERON, [0.09, 0.1, 0.11, 0.12, 0.2]],
      [metricKey(HERON, MAIL_WINDOW_METRICS.scrollLongFrames), [0, 1, 3, 2, 2]],
      [metricKey(HERON, MAIL_WINDOW_METRICS.scrollFrameP95), [0.017, 0.018, 0.017, 0.02, 0.017]],
      [metricKey(HERON, MAIL_WINDOW_METRICS.heapPeak), [150e6, 160e6, 210e6, 155e6, 158e6]],
    ]);
    const results = buildResults(definition, samples, 5);
    assert.deepEqual(
      results.map((result) => [result.name, result.unit ?? 'seconds', result.heron?.median, result.budget?.met ?? null]),
      [
        ['list-first-paint', 'seconds', 0.11, true],
        ['list-scroll-long-frames', 'count', 2, null],
        ['list-scroll-frame-p95', 'seconds', 0.017, null],
        ['renderer-heap-folder-open', 'bytes', 158e6, true],
      ],
    );
    const table = formatTable(
      buildReport({ machine: { cpus: 2, cpuModel: 'x', memory: 1, node: 'v22', platform: 'linux' }, target, startedAt: new Date(0), finishedAt: new Date(1), runs: 5, results }),
    );
    assert.match(table, /renderer-heap-folder-open\s+158\.0 MB \(150\.0 MB–210\.0 MB\).*< 200\.0 MB met/);
    assert.match(table, /list-scroll-long-frames\s+2 \(0–3\)/);
    assert.match(table, /list-first-paint\s+0\.110 s \(0\.090–0\.200\).*< 0\.15 s met/);
  });
});

describe('HERON_BENCH_ONLY', () => {
  const entry = (name: string): BenchmarkEntry => ({ name, factory: async () => ({ name, description: '', peers: [], ratioAgainst: 'imapflow' }) });
  const all = ['a', 'b', 'c'].map(entry);

  it('runs everything when unset or blank', () => {
    assert.deepEqual(selectBenchmarks(undefined, all).map((e) => e.name), ['a', 'b', 'c']);
    assert.deepEqual(selectBenchmarks(' , ', all).map((e) => e.name), ['a', 'b', 'c']);
  });

  it("keeps the suite's order and ignores spaces and repeats", () => {
    assert.deepEqual(selectBenchmarks(' c, a ,c', all).map((e) => e.name), ['a', 'c']);
  });

  it('refuses unknown names and lists the known ones', () => {
    assert.throws(() => selectBenchmarks('a,nope', all), /no such benchmark: nope \(there are a, b, c\)/);
  });

  it('knows every benchmark of the suite by a distinct name, the mail window included', () => {
    const names = BENCHMARKS.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('list-first-paint'));
    assert.deepEqual(selectBenchmarks('list-first-paint').map((e) => e.factory), [BENCHMARKS.find((e) => e.name === 'list-first-paint')?.factory]);
  });
});

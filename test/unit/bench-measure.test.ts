// The bench's pure parts: medians, alternation order, minimum runs, ratios, target settings, the report's JSON shape.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { BenchmarkDefinition } from '../../bench/benchmarks/types';
import { computeRatio, measureAlternating, median, MIN_RUNS, parseRuns, RunTimeoutError, summarize, withTimeout } from '../../bench/measure';
import type { NamedContender } from '../../bench/measure';
import { buildReport, buildResult, formatTable, HERON, writeReport } from '../../bench/report';
import type { BenchReport } from '../../bench/report';
import { contendersOf, runBenchmark } from '../../bench/suite';
import type { BenchTarget } from '../../bench/target';
import { DEFAULT_LAB_FOLDER, DEFAULT_MESSAGES, DEFAULT_SEED, isLoopbackHost, parseBenchConfig } from '../../bench/target';

/** A clock that advances by the given nanoseconds per reading, so samples are known without any real time. */
function steppingClock(stepsNs: bigint[]): () => bigint {
  let now = 0n;
  let index = 0;
  return () => {
    now += stepsNs[index++ % stepsNs.length] as bigint;
    return now;
  };
}

function recorder(names: string[]): { calls: string[]; contenders: NamedContender[] } {
  const calls: string[] = [];
  const contenders = names.map((name) => ({
    name,
    prepare: async () => void calls.push(`${name}:prepare`),
    run: async () => void calls.push(name),
    verify: async () => void calls.push(`${name}:verify`),
  }));
  return { calls, contenders };
}

const stats = (value: number) => ({ median: value, min: value, max: value, samples: [value, value, value, value, value] });

const target: BenchTarget = {
  host: '127.0.0.1',
  port: 10993,
  servername: 'localhost',
  user: 'alice',
  password: 'pw',
  caPem: '',
  caFile: '/tmp/ca.pem',
  folder: 'Bench',
  messages: 10_000,
  lab: true,
  loadSeconds: 2.5,
  allowWrites: true,
};

describe('median and summary', () => {
  it('takes the middle value of an odd count, in any order', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([5, 9, 1, 7, 3]), 5);
  });

  it('takes the mean of the two middle values of an even count', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([10, 20]), 15);
  });

  it('refuses an empty list', () => {
    assert.throws(() => median([]), /no values/);
  });

  it('summarizes min, median, max and keeps the samples in run order', () => {
    assert.deepEqual(summarize([0.3, 0.1, 0.2, 0.5, 0.4]), { median: 0.3, min: 0.1, max: 0.5, samples: [0.3, 0.1, 0.2, 0.5, 0.4] });
  });
});

describe('alternation', () => {
  it('runs one warm-up round, then interleaves H, P1, P2 every round', async () => {
    const { calls, contenders } = recorder(['heron', 'imapflow', 'mbsync']);
    await measureAlternating(contenders, { runs: 5, clock: steppingClock([1n]) });
    const runs = calls.filter((call) => !call.includes(':'));
    assert.deepEqual(runs, Array.from({ length: 6 }, () => ['heron', 'imapflow', 'mbsync']).flat());
  });

  it('prepares before and verifies after each run', async () => {
    const { calls, contenders } = recorder(['heron', 'imapflow']);
    await measureAlternating(contenders, { runs: 5, clock: steppingClock([1n]) });
    assert.deepEqual(calls.slice(0, 6), ['heron:prepare', 'heron', 'heron:verify', 'imapflow:prepare', 'imapflow', 'imapflow:verify']);
  });

  it('records only measured runs, timed by the clock around run() alone', async () => {
    const { contenders } = recorder(['heron', 'imapflow']);
    // Each run reads the clock twice: start, end. Heron's runs take 2 s, imapflow's 1 s on this clock.
    const clock = steppingClock([1n, 2_000_000_000n, 1n, 1_000_000_000n]);
    const samples = await measureAlternating(contenders, { runs: 5, clock });
    assert.deepEqual(samples.get('heron'), [2, 2, 2, 2, 2]);
    assert.deepEqual(samples.get('imapflow'), [1, 1, 1, 1, 1]);
  });

  it('reports warm-ups and runs to onRun', async () => {
    const { contenders } = recorder(['imapflow']);
    const events: string[] = [];
    await measureAlternating(contenders, { runs: 5, warmups: 1, clock: steppingClock([1n]), onRun: (e) => void events.push(`${e.warmup ? 'w' : 'r'}${e.round}`) });
    assert.deepEqual(events, ['w1', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('puts Heron first and leaves out peers that cannot run', () => {
    const definition: BenchmarkDefinition = {
      name: 'x',
      description: 'x',
      heron: async () => undefined,
      peers: [
        { name: 'imapflow', runnable: async () => undefined },
        { name: 'mbsync', unavailable: 'skipped: mbsync is not installed' },
      ],
      ratioAgainst: 'imapflow',
    };
    assert.deepEqual(contendersOf(definition).map((c) => c.name), [HERON, 'imapflow']);
  });
});

describe('minimum runs', () => {
  it(`defaults to ${MIN_RUNS} and accepts more`, () => {
    assert.equal(parseRuns(undefined), MIN_RUNS);
    assert.equal(parseRuns(''), MIN_RUNS);
    assert.equal(parseRuns('9'), 9);
  });

  it(`refuses fewer than ${MIN_RUNS} and non-numbers`, () => {
    assert.throws(() => parseRuns('4'), /at least 5/);
    assert.throws(() => parseRuns('1'), /at least 5/);
    assert.throws(() => parseRuns('five'), /whole number/);
    assert.throws(() => parseRuns('5.5'), /whole number/);
  });

  it('measureAlternating itself refuses too few runs', async () => {
    const { calls, contenders } = recorder(['heron']);
    await assert.rejects(measureAlternating(contenders, { runs: 3 }), /at least 5/);
    assert.deepEqual(calls, []);
  });
});

describe('time limit', () => {
  it('aborts the run and fails with RunTimeoutError', async () => {
    let aborted = false;
    const run = (signal: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      });
    await assert.rejects(withTimeout(run, 5, 'mbsync run 1'), (error: Error) => error instanceof RunTimeoutError && /mbsync run 1 took longer than/.test(error.message));
    assert.equal(aborted, true);
  });

  it('an interrupt aborts the run in progress, even one that ignores its signal, and no further run starts', async () => {
    const interrupt = new AbortController();
    const calls: string[] = [];
    const contenders: NamedContender[] = [
      { name: 'heron', run: async () => void calls.push('heron') },
      {
        name: 'imapflow',
        run: () => {
          calls.push('imapflow');
          interrupt.abort(new Error('interrupted'));
          return new Promise(() => undefined);
        },
      },
    ];
    await assert.rejects(measureAlternating(contenders, { runs: 5, signal: interrupt.signal }), /interrupted/);
    assert.deepEqual(calls, ['heron', 'imapflow']);
  });

  it('fails the whole measurement when one run exceeds it', async () => {
    const never: NamedContender = { name: 'heron', run: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) };
    await assert.rejects(measureAlternating([never], { runs: 5, timeoutMs: 5 }), RunTimeoutError);
  });
});

describe('ratio', () => {
  it('is heron median over peer median', () => {
    assert.equal(computeRatio(stats(1.5), stats(1)), 1.5);
    assert.equal(computeRatio(stats(0.5), stats(2)), 0.25);
  });

  it('is null without Heron numbers or without the peer', () => {
    assert.equal(computeRatio(null, stats(1)), null);
    assert.equal(computeRatio(stats(1), undefined), null);
  });

  it('a row without Heron has heron null, the note, and ratio null', async () => {
    const definition: BenchmarkDefinition = {
      name: 'imap-envelope-fetch',
      description: 'floor',
      heronNote: 'lands later',
      peers: [{ name: 'imapflow', runnable: async () => undefined }],
      ratioAgainst: 'imapflow',
    };
    const [result, ...more] = await runBenchmark(definition, { runs: 5 });
    assert.equal(more.length, 0);
    assert.ok(result);
    assert.equal(result.heron, null);
    assert.equal(result.heronNote, 'lands later');
    assert.equal(result.ratio, null);
    assert.equal(result.ratioAgainst, 'imapflow');
    assert.equal(result.peers.imapflow?.samples.length, 5);
    assert.equal(result.runs, 5);
  });

  it('a row with Heron and the peer gets the ratio; an unavailable peer is reported as skipped', () => {
    const definition: BenchmarkDefinition = {
      name: 'imap-login-folders',
      description: 'login',
      heron: async () => undefined,
      peers: [
        { name: 'imapflow', runnable: async () => undefined },
        { name: 'mbsync', unavailable: 'skipped: mbsync is not installed' },
      ],
      ratioAgainst: 'imapflow',
    };
    const samples = new Map([
      [HERON, [2, 2, 3, 2, 2]],
      ['imapflow', [1, 1, 1, 1, 1]],
    ]);
    const result = buildResult(definition, samples, 5);
    assert.equal(result.ratio, 2);
    assert.equal(result.heronNote, undefined);
    assert.deepEqual(result.skipped, { mbsync: 'skipped: mbsync is not installed' });
    assert.equal(result.peers.mbsync, undefined);
  });
});

describe('target settings', () => {
  it('defaults to the lab with a generated folder', () => {
    const config = parseBenchConfig({});
    assert.deepEqual(config.target, { kind: 'lab', folder: DEFAULT_LAB_FOLDER, messages: DEFAULT_MESSAGES, seed: DEFAULT_SEED });
    assert.equal(config.runs, MIN_RUNS);
    assert.equal(config.timeoutMs, 600_000);
  });

  it('reads the lab message count, folder and runs', () => {
    const config = parseBenchConfig({ HERON_BENCH_MESSAGES: '500', HERON_BENCH_FOLDER: 'Big', HERON_BENCH_RUNS: '7' });
    assert.equal(config.target.kind, 'lab');
    assert.equal(config.target.folder, 'Big');
    assert.equal(config.target.kind === 'lab' && config.target.messages, 500);
    assert.equal(config.runs, 7);
    assert.throws(() => parseBenchConfig({ HERON_BENCH_MESSAGES: '0' }), /positive whole number/);
    assert.throws(() => parseBenchConfig({ HERON_BENCH_RUNS: '2' }), /at least 5/);
  });

  it('reads a given loopback server', () => {
    const config = parseBenchConfig({
      HERON_BENCH_HOST: '127.0.0.1',
      HERON_BENCH_IMAPS_PORT: '10993',
      HERON_BENCH_USER: 'bob',
      HERON_BENCH_PASSWORD: 'secret',
      HERON_BENCH_CA_FILE: '/tmp/ca.pem',
    });
    assert.deepEqual(config.target, {
      kind: 'server', host: '127.0.0.1', port: 10993, servername: 'localhost', user: 'bob', password: 'secret', caFile: '/tmp/ca.pem', folder: 'INBOX', allowWrites: false,
    });
    const writable = parseBenchConfig({ HERON_BENCH_HOST: 'localhost', HERON_BENCH_USER: 'b', HERON_BENCH_PASSWORD: 'p', HERON_BENCH_CA_FILE: 'c', HERON_BENCH_ALLOW_WRITES: '1' });
    assert.equal(writable.target.kind === 'server' && writable.target.allowWrites, true);
  });

  it('asks for the credentials a given server needs', () => {
    assert.throws(() => parseBenchConfig({ HERON_BENCH_HOST: 'localhost', HERON_BENCH_USER: 'bob' }), /HERON_BENCH_PASSWORD, HERON_BENCH_CA_FILE/);
    assert.throws(
      () => parseBenchConfig({ HERON_BENCH_HOST: 'localhost', HERON_BENCH_USER: 'b', HERON_BENCH_PASSWORD: 'p', HERON_BENCH_CA_FILE: 'c', HERON_BENCH_IMAPS_PORT: '70000' }),
      /TCP port/,
    );
  });

  it('recognises loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '127.255.255.254', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['10.0.0.1', '128.0.0.1', '0.0.0.0', '::', 'imap.example.com', 'localhost.example.com', '192.168.1.5']) assert.equal(isLoopbackHost(host), false, host);
  });

  it('refuses a non-loopback host unless HERON_BENCH_ALLOW_REMOTE=1', () => {
    const remote = { HERON_BENCH_HOST: 'imap.example.com', HERON_BENCH_USER: 'u', HERON_BENCH_PASSWORD: 'p', HERON_BENCH_CA_FILE: '/tmp/ca.pem' };
    assert.throws(() => parseBenchConfig(remote), /not a loopback address.*HERON_BENCH_ALLOW_REMOTE=1/s);
    assert.throws(() => parseBenchConfig({ ...remote, HERON_BENCH_ALLOW_REMOTE: 'yes' }), /not a loopback address/);
    const allowed = parseBenchConfig({ ...remote, HERON_BENCH_ALLOW_REMOTE: '1' });
    assert.equal(allowed.target.kind === 'server' && allowed.target.servername, 'imap.example.com');
  });
});

describe('report', () => {
  const machine = { cpus: 2, cpuModel: 'test cpu', memory: 4 * 2 ** 30, node: 'v20.0.0', platform: 'linux test x64' };
  const results = [
    buildResult(
      { name: 'imap-envelope-fetch', description: 'floor', heronNote: 'lands later', peers: [{ name: 'imapflow', runnable: async () => undefined }], ratioAgainst: 'imapflow' },
      new Map([['imapflow', [1, 2, 3, 4, 5]]]),
      5,
    ),
    buildResult(
      { name: 'imap-login-folders', description: 'login', heron: async () => undefined, peers: [{ name: 'imapflow', runnable: async () => undefined }], ratioAgainst: 'imapflow' },
      new Map([[HERON, [1, 1, 1, 1, 1]], ['imapflow', [2, 2, 2, 2, 2]]]),
      5,
    ),
    buildResult(
      { name: 'imap-full-download', description: 'download', heronNote: 'later', peers: [{ name: 'mbsync', unavailable: 'skipped: mbsync is not installed' }], ratioAgainst: 'mbsync' },
      new Map(),
      0,
    ),
  ];
  const report: BenchReport = buildReport({ machine, target, startedAt: new Date('2025-01-02T03:04:05.678Z'), finishedAt: new Date('2025-01-02T03:05:00.000Z'), runs: 5, results });

  it('has the documented JSON shape', () => {
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), ['finishedAt', 'machine', 'results', 'runs', 'startedAt', 'target']);
    assert.deepEqual(Object.keys(json.machine as object).sort(), ['cpuModel', 'cpus', 'memory', 'node', 'platform']);
    assert.deepEqual(json.target, { host: '127.0.0.1', port: 10993, folder: 'Bench', messages: 10_000, lab: true, loadSeconds: 2.5 });
    assert.equal(json.startedAt, '2025-01-02T03:04:05.678Z');
    const [floor, login, download] = json.results as Array<Record<string, unknown>>;
    assert.deepEqual(floor, {
      name: 'imap-envelope-fetch', description: 'floor', heron: null, heronNote: 'lands later',
      peers: { imapflow: { median: 3, min: 1, max: 5, samples: [1, 2, 3, 4, 5] } }, ratio: null, ratioAgainst: 'imapflow', runs: 5,
    });
    assert.equal(login?.ratio, 0.5);
    assert.deepEqual(login?.heron, { median: 1, min: 1, max: 1, samples: [1, 1, 1, 1, 1] });
    assert.deepEqual(download?.peers, {});
    assert.deepEqual(download?.skipped, { mbsync: 'skipped: mbsync is not installed' });
    assert.equal(download?.ratio, null);
  });

  it('prints a row per benchmark with medians, ratio and runs, and says why cells are empty', () => {
    const table = formatTable(report);
    assert.match(table, /imap-login-folders\s+1\.000 s \(1\.000–1\.000\)\s+2\.000 s \(2\.000–2\.000\)\s+—\s+0\.500 vs imapflow\s+5/);
    assert.match(table, /imap-envelope-fetch\s+—\s+3\.000 s \(1\.000–5\.000\)/);
    assert.match(table, /imap-full-download\s+—\s+—\s+skipped/);
    assert.match(table, /imap-envelope-fetch: Heron —, lands later/);
    assert.match(table, /lab, 10000 generated messages in Bench \(loaded in 2.50 s\)/);
    assert.match(table, /imap-full-download: mbsync skipped: mbsync is not installed/);
  });

  it('writes a dated file and latest.json with the same content', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-test-'));
    try {
      const file = await writeReport(report, dir);
      assert.equal(path.basename(file), '2025-01-02T03-04-05.678Z.json');
      assert.deepEqual((await readdir(dir)).sort(), ['2025-01-02T03-04-05.678Z.json', 'latest.json']);
      const dated = await readFile(file, 'utf8');
      assert.equal(await readFile(path.join(dir, 'latest.json'), 'utf8'), dated);
      assert.deepEqual(JSON.parse(dated), JSON.parse(JSON.stringify(report)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

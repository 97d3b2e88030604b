// Owns one bench run (started by bench/run.ts): opens the target, runs every benchmark, prints the table, writes the JSON, always stops the lab.

import { buildReport, failedChecksOf, formatRunMetrics, formatTable, machineInfo, writeReport } from './report';
import type { BenchResult } from './report';
import { runBenchmark, selectBenchmarks } from './suite';
import type { BenchmarkEntry } from './suite';
import { openTarget, parseBenchConfig } from './target';

/** Set once an interrupt started the cleanup; the exit code that cleanup will end with. */
let interruptExitCode: number | undefined;

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Undo steps in reverse order of registration, run once however many times (error, signal, normal end) they are asked for. */
function cleanupRegistry(): { add: (step: () => Promise<void>) => void; run: () => Promise<void> } {
  const steps: Array<() => Promise<void>> = [];
  let running: Promise<void> | undefined;
  return {
    // A step registered after cleanup began (an interrupt while a benchmark was being set up) runs right after it.
    add: (step) => {
      if (running) void running.then(step).catch((error: Error) => log(`cleanup failed: ${error.message}`));
      else steps.push(step);
    },
    run: () =>
      (running ??= (async () => {
        for (const step of steps.reverse()) {
          try {
            await step();
          } catch (error) {
            log(`cleanup failed: ${(error as Error).message}`);
          }
        }
      })()),
  };
}

async function main(): Promise<void> {
  let config: ReturnType<typeof parseBenchConfig>;
  let benchmarks: BenchmarkEntry[];
  try {
    config = parseBenchConfig(process.env);
    benchmarks = selectBenchmarks(process.env.HERON_BENCH_ONLY);
  } catch (error) {
    // Settings errors (a non-loopback host, too few runs) stop the bench before anything starts; no stack needed.
    log((error as Error).message);
    process.exit(2);
  }
  const cleanup = cleanupRegistry();

  // Interrupts reach this process only through bench/run.ts (it runs in its own process group), once each. Whatever
  // the signal, and also when run.ts vanishes without one (its IPC channel closes), undo everything and exit.
  const interrupted = new AbortController();
  const stop = (why: string, code: number): void => {
    if (interruptExitCode !== undefined) return;
    interruptExitCode = code;
    interrupted.abort(new Error(`interrupted (${why})`));
    log(`${why}: stopping the lab and removing temporary files ...`);
    void cleanup.run().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => stop('SIGINT', 130));
  process.on('SIGTERM', () => stop('SIGTERM', 143));
  process.on('SIGHUP', () => stop('SIGHUP', 129));
  if (process.connected) process.on('disconnect', () => stop('bench/run.ts went away', 1));

  try {
    const startedAt = new Date();
    const target = await openTarget(config.target, { onCleanup: cleanup.add, log });
    log(`target ${target.host}:${target.port} folder ${target.folder}, ${target.messages} messages; ${config.runs} runs each after 1 warm-up`);
    log(`benchmarks: ${benchmarks.map((entry) => entry.name).join(', ')}`);

    const results: BenchResult[] = [];
    for (const { name, factory } of benchmarks) {
      const definition = await factory(target, { signal: interrupted.signal, log });
      if (definition.dispose) cleanup.add(definition.dispose);
      if (definition.name !== name) throw new Error(`bench/suite.ts lists ${name}, but its factory made ${definition.name}`);
      log(`${definition.name} ...`);
      try {
        results.push(
          ...(await runBenchmark(definition, {
            runs: config.runs,
            timeoutMs: config.timeoutMs,
            signal: interrupted.signal,
            onRun: ({ name, round, warmup, seconds, metrics }) =>
              log(`  ${definition.name} ${name} ${warmup ? 'warm-up' : 'run'} ${round}: ${seconds.toFixed(3)} s${metrics ? ` ${formatRunMetrics(metrics)}` : ''}`),
          })),
        );
      } finally {
        await definition.dispose?.();
      }
    }

    const report = buildReport({ machine: machineInfo(), target, startedAt, finishedAt: new Date(), runs: config.runs, results });
    process.stdout.write(`\n${formatTable(report)}\n\n`);
    const file = await writeReport(report);
    process.stdout.write(`Results: ${file} (also bench/results/latest.json)\n`);
    const failed = failedChecksOf(report);
    if (failed.length > 0) {
      for (const check of failed) log(`FAILED CHECK ${check}`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup.run();
  }
}

main().then(
  // Exit explicitly: a timed-out run may leave a socket open that would otherwise keep the process alive.
  () => process.exit(process.exitCode ?? 0),
  (error: Error) => {
    // After an interrupt the benchmark in progress fails on purpose; the interrupt handler ends the process.
    if (interruptExitCode !== undefined) return;
    log(`failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);

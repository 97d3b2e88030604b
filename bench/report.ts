// Owns what a bench run reports: result rows from samples, the printed table, and the JSON files under bench/results/.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkDefinition, Budget, HeronMetricRow, PeerName, RatioRow } from './benchmarks/types';
import type { Stats } from './measure';
import { computeRatio, metricKey, summarize } from './measure';
import type { BenchTarget } from './target';

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
/** The contender name Heron's samples are recorded under; no peer may use it. */
export const HERON = 'heron';

export interface BenchResult {
  name: string;
  description: string;
  heron: Stats | null;
  heronNote?: string;
  peers: Partial<Record<PeerName, Stats>>;
  /** Why a peer has no numbers (e.g. not installed), keyed by peer. */
  skipped?: Partial<Record<PeerName, string>>;
  /** heron median / ratioAgainst median; null while Heron (or that peer) has no numbers. */
  ratio: number | null;
  ratioAgainst: PeerName | null;
  /** Measured runs per contender (warm-ups not counted). */
  runs: number;
  /** A row of bytes or counts (HeronMetricRow.unit); seconds when absent. */
  unit?: 'bytes' | 'count';
  /** The design budget this row is held to, and whether the median meets it (null: no numbers to judge). */
  budget?: BudgetVerdict;
  /** Non-time numbers Heron's runs reported (memory), by metric. */
  heronMetrics?: Record<string, MetricSummary>;
  /** Correctness checks that failed in this row's runs; the bench exits non-zero when any row has one. */
  failedChecks?: string[];
}

export type BudgetVerdict = Budget & { met: boolean | null };

export interface MetricSummary extends Stats {
  label: string;
  unit: 'bytes' | 'seconds' | 'count';
  budget?: BudgetVerdict;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  /** Bytes. */
  memory: number;
  node: string;
  platform: string;
}

export interface BenchReport {
  machine: MachineInfo;
  target: { host: string; port: number; folder: string; messages: number; lab: boolean; loadSeconds: number | null };
  startedAt: string;
  finishedAt: string;
  runs: number;
  results: BenchResult[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memory: os.totalmem(),
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
  };
}

/** Whether a median (or the ratio, for a ratio budget) meets the budget; null when there is nothing to judge. */
export function judgeBudget(budget: Budget, median: number | null | undefined, ratio: number | null): BudgetVerdict {
  const value = budget.kind === 'ratio' ? ratio : median;
  if (value === null || value === undefined) return { ...budget, met: null };
  return { ...budget, met: budget.kind === 'ratio' ? value <= budget.max : value < budget.max };
}

/** A Heron-only row from one metric of Heron's runs (e.g. the first page of a sync whose full time is the main row). */
export function buildMetricRow(row: HeronMetricRow, samples: ReadonlyMap<string, number[]>, runs: number): BenchResult {
  const values = samples.get(metricKey(HERON, row.metric));
  const heron = values && values.length > 0 ? summarize(values) : null;
  return {
    name: row.name,
    description: row.description,
    heron,
    ...(heron === null ? { heronNote: row.missingNote ?? 'Heron reported no such measurement' } : {}),
    peers: {},
    ratio: null,
    ratioAgainst: null,
    runs: heron === null ? 0 : runs,
    ...(row.unit ? { unit: row.unit } : {}),
    ...(row.budget ? { budget: judgeBudget(row.budget, heron?.median, null) } : {}),
  };
}

/** Every row a definition makes: its Heron metric rows marked `before`, its own row, its ratio rows, then the other metric rows. */
export function buildResults(definition: BenchmarkDefinition, samples: ReadonlyMap<string, number[]>, runs: number): BenchResult[] {
  const rows = definition.heronRows ?? [];
  const heronRan = Boolean(definition.heron) && (samples.get(HERON)?.length ?? 0) > 0;
  // Without Heron's runs the extra rows have nothing to say beyond the main row's note.
  const metricRow = (row: HeronMetricRow): BenchResult =>
    heronRan ? buildMetricRow(row, samples, runs) : { ...buildMetricRow(row, new Map(), 0), heronNote: definition.heronNote ?? 'Heron has no such capability yet' };
  // The same samples judged against one more peer: only that peer's column, its ratio, its budget.
  const ratioRow = (row: RatioRow): BenchResult =>
    buildResult(
      {
        name: row.name,
        description: row.description,
        heron: definition.heron,
        heronNote: definition.heronNote,
        peers: definition.peers.filter((peer) => peer.name === row.against),
        ratioAgainst: row.against,
        budget: row.budget,
      },
      samples,
      runs,
    );
  const results = [
    ...rows.filter((row) => row.before).map(metricRow),
    buildResult(definition, samples, runs),
    ...(definition.ratioRows ?? []).map(ratioRow),
    ...rows.filter((row) => !row.before).map(metricRow),
  ];
  const failed = definition.failedChecks?.() ?? {};
  for (const result of results) {
    const checks = failed[result.name];
    if (checks && checks.length > 0) result.failedChecks = [...checks];
  }
  return results;
}

/** Every failed correctness check of a report, as `row: message` lines. */
export function failedChecksOf(report: BenchReport): string[] {
  return report.results.flatMap((result) => (result.failedChecks ?? []).map((check) => `${result.name}: ${check}`));
}

/** One row from a definition and the samples measureAlternating returned (keyed HERON and by peer name). */
export function buildResult(definition: BenchmarkDefinition, samples: ReadonlyMap<string, number[]>, runs: number): BenchResult {
  const heronSamples = definition.heron ? samples.get(HERON) : undefined;
  const heron = heronSamples && heronSamples.length > 0 ? summarize(heronSamples) : null;
  const peers: Partial<Record<PeerName, Stats>> = {};
  const skipped: Partial<Record<PeerName, string>> = {};
  for (const peer of definition.peers) {
    const peerSamples = samples.get(peer.name);
    if (peer.runnable && peerSamples && peerSamples.length > 0) peers[peer.name] = summarize(peerSamples);
    else skipped[peer.name] = peer.unavailable ?? 'skipped';
  }
  const result: BenchResult = {
    name: definition.name,
    description: definition.description,
    heron,
    ...(heron === null ? { heronNote: definition.heronNote ?? 'Heron has no such capability yet' } : {}),
    peers,
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
    ratio: computeRatio(heron, peers[definition.ratioAgainst]),
    ratioAgainst: definition.ratioAgainst,
    runs,
  };
  if (definition.budget) result.budget = judgeBudget(definition.budget, heron?.median, result.ratio);
  const metrics: Record<string, MetricSummary> = {};
  for (const spec of definition.heronMetrics ?? []) {
    const values = heron ? samples.get(metricKey(HERON, spec.metric)) : undefined;
    if (!values || values.length === 0) continue;
    const stats = summarize(values);
    metrics[spec.metric] = { label: spec.label, unit: spec.unit, ...stats, ...(spec.budget ? { budget: judgeBudget(spec.budget, stats.median, null) } : {}) };
  }
  if (Object.keys(metrics).length > 0) result.heronMetrics = metrics;
  return result;
}

export function buildReport(input: {
  machine: MachineInfo;
  target: BenchTarget;
  startedAt: Date;
  finishedAt: Date;
  runs: number;
  results: BenchResult[];
}): BenchReport {
  const { target } = input;
  return {
    machine: input.machine,
    target: { host: target.host, port: target.port, folder: target.folder, messages: target.messages, lab: target.lab, loadSeconds: target.loadSeconds },
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    runs: input.runs,
    results: input.results,
  };
}

function formatStats(stats: Stats | null | undefined, unit?: BenchResult['unit']): string {
  if (!stats) return '—';
  if (unit === 'bytes') return `${formatBytes(stats.median)} (${formatBytes(stats.min)}–${formatBytes(stats.max)})`;
  if (unit === 'count') return `${stats.median} (${stats.min}–${stats.max})`;
  return `${stats.median.toFixed(3)} s (${stats.min.toFixed(3)}–${stats.max.toFixed(3)})`;
}

/** Decimal megabytes, the unit the design's memory budget is written in. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function formatBudgetLimit(budget: Budget): string {
  if (budget.kind === 'ratio') return `≤ ${budget.max}×`;
  if (budget.kind === 'bytes') return `< ${formatBytes(budget.max)}`;
  return `< ${budget.max} s`;
}

function formatVerdict(verdict: BudgetVerdict | undefined): string {
  if (!verdict) return '';
  const outcome = verdict.met === null ? 'not measured' : verdict.met ? 'met' : 'MISSED';
  return `${formatBudgetLimit(verdict)} ${outcome}`;
}

function formatMetric(metric: MetricSummary): string {
  const show = (value: number): string => (metric.unit === 'bytes' ? formatBytes(value) : metric.unit === 'count' ? String(Math.round(value)) : `${value.toFixed(3)} s`);
  const range = `(${show(metric.min)}–${show(metric.max)})`;
  const budget = metric.budget ? `; budget ${formatVerdict(metric.budget)}` : '';
  return `${metric.label} ${show(metric.median)} median ${range}${budget}`;
}

/** A fixed-width table: medians with min–max, the ratio heron/peer, and notes for rows Heron cannot run yet. */
export function formatTable(report: BenchReport): string {
  const peerNames = [...new Set(report.results.flatMap((result) => [...Object.keys(result.peers), ...Object.keys(result.skipped ?? {})]))] as PeerName[];
  const withBudgets = report.results.some((result) => result.budget);
  const header = ['benchmark', 'Heron median (min–max)', ...peerNames.map((peer) => `${peer} median (min–max)`), 'ratio', 'runs', ...(withBudgets ? ['budget'] : [])];
  const rows = report.results.map((result) => [
    result.name,
    formatStats(result.heron, result.unit),
    ...peerNames.map((peer) => result.peers[peer] ? formatStats(result.peers[peer]) : result.skipped?.[peer] ? 'skipped' : '—'),
    result.ratio === null ? '—' : `${result.ratio.toFixed(3)} vs ${result.ratioAgainst}`,
    String(result.runs),
    ...(withBudgets ? [formatVerdict(result.budget)] : []),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const notes = report.results.flatMap((result) => [
    ...(result.failedChecks ?? []).map((check) => `${result.name}: FAILED CHECK: ${check}`),
    ...(result.heronNote ? [`${result.name}: Heron —, ${result.heronNote}`] : []),
    ...Object.values(result.heronMetrics ?? {}).map((metric) => `${result.name}: Heron ${formatMetric(metric)}`),
    ...Object.entries(result.skipped ?? {}).map(([peer, why]) => `${result.name}: ${peer} ${why}`),
  ]);
  const loaded = report.target.loadSeconds === null ? '' : ` (loaded in ${report.target.loadSeconds.toFixed(2)} s)`;
  const where = report.target.lab ? `lab, ${report.target.messages} generated messages in ${report.target.folder}${loaded}` : `${report.target.host}:${report.target.port} ${report.target.folder} (${report.target.messages} messages)`;
  return [
    `Heron bench, ${report.startedAt}: ${where}; ${report.machine.cpus} CPUs, Node ${report.machine.node}`,
    'Seconds, unless a row is in MB or counts; ratio = Heron median / peer median (below 1: Heron faster).',
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `  ${note}`)] : []),
  ].join('\n');
}

/** Writes `<startedAt>.json` (colons made file-name safe) and `latest.json`; returns the dated file's path. */
export async function writeReport(report: BenchReport, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(dir, `${report.startedAt.replace(/:/g, '-')}.json`);
  await writeFile(file, json);
  await writeFile(path.join(dir, 'latest.json'), json);
  return file;
}

/** One run's metrics for the progress line: names ending in `Bytes` as MB, in `Count` as integers, others as seconds. */
export function formatRunMetrics(metrics: Record<string, number>): string {
  const show = (name: string, value: number): string => (/Bytes$/.test(name) ? formatBytes(value) : /Count$/.test(name) ? String(Math.round(value)) : `${value.toFixed(3)} s`);
  return Object.entries(metrics)
    .map(([name, value]) => `${name}=${show(name, value)}`)
    .join(' ');
}

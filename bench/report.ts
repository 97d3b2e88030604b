// Owns what a bench run reports: result rows from samples, the printed table, and the JSON files under bench/results/.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkDefinition, PeerName } from './benchmarks/types';
import type { Stats } from './measure';
import { computeRatio, summarize } from './measure';
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

function formatStats(stats: Stats | null | undefined): string {
  if (!stats) return '—';
  return `${stats.median.toFixed(3)} s (${stats.min.toFixed(3)}–${stats.max.toFixed(3)})`;
}

/** A fixed-width table: medians with min–max, the ratio heron/peer, and notes for rows Heron cannot run yet. */
export function formatTable(report: BenchReport): string {
  const peerNames = [...new Set(report.results.flatMap((result) => [...Object.keys(result.peers), ...Object.keys(result.skipped ?? {})]))] as PeerName[];
  const header = ['benchmark', 'Heron median (min–max)', ...peerNames.map((peer) => `${peer} median (min–max)`), 'ratio', 'runs'];
  const rows = report.results.map((result) => [
    result.name,
    formatStats(result.heron),
    ...peerNames.map((peer) => result.peers[peer] ? formatStats(result.peers[peer]) : result.skipped?.[peer] ? 'skipped' : '—'),
    result.ratio === null ? '—' : `${result.ratio.toFixed(3)} vs ${result.ratioAgainst}`,
    String(result.runs),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const notes = report.results.flatMap((result) => [
    ...(result.heronNote ? [`${result.name}: Heron —, ${result.heronNote}`] : []),
    ...Object.entries(result.skipped ?? {}).map(([peer, why]) => `${result.name}: ${peer} ${why}`),
  ]);
  const loaded = report.target.loadSeconds === null ? '' : ` (loaded in ${report.target.loadSeconds.toFixed(2)} s)`;
  const where = report.target.lab ? `lab, ${report.target.messages} generated messages in ${report.target.folder}${loaded}` : `${report.target.host}:${report.target.port} ${report.target.folder} (${report.target.messages} messages)`;
  return [
    `Heron bench, ${report.startedAt}: ${where}; ${report.machine.cpus} CPUs, Node ${report.machine.node}`,
    'Seconds; ratio = Heron median / peer median (below 1: Heron faster).',
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

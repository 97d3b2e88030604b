// Owns the list of benchmarks and running one: Heron first, then each available peer, alternating round by round.

import { imapEnvelopeFetch } from './benchmarks/imap-envelope-fetch';
import { imapFullDownload } from './benchmarks/imap-full-download';
import { imapLoginFolders } from './benchmarks/imap-login-folders';
import { mailWindow } from './benchmarks/mail-window';
import { pop3Download } from './benchmarks/pop3-download';
import { searchLatency } from './benchmarks/search-latency';
import { smtpSend } from './benchmarks/smtp-send';
import type { BenchmarkDefinition, BenchmarkFactory } from './benchmarks/types';
import type { MeasureOptions, NamedContender } from './measure';
import { measureAlternating, toContender } from './measure';
import type { BenchResult } from './report';
import { buildResults, HERON } from './report';

/** A benchmark by the name of its own row (BenchmarkDefinition.name), known before its factory does any set-up. */
export interface BenchmarkEntry {
  name: string;
  factory: BenchmarkFactory;
}

/** In the order they run. POP3 goes last: Dovecot marks what a POP3 session retrieved \Seen, which the IMAP rows would see. */
export const BENCHMARKS: readonly BenchmarkEntry[] = [
  { name: 'imap-envelope-fetch', factory: imapEnvelopeFetch },
  { name: 'imap-login-folders', factory: imapLoginFolders },
  { name: 'imap-full-download', factory: imapFullDownload },
  { name: 'search-latency', factory: searchLatency },
  { name: 'list-first-paint', factory: mailWindow },
  { name: 'smtp-send-200', factory: smtpSend },
  { name: 'pop3-download', factory: pop3Download },
];

/**
 * HERON_BENCH_ONLY: comma-separated benchmark names; unset or empty runs them all. The benchmarks keep the suite's
 * order, and an unknown name stops the bench before anything starts (a typo must not quietly measure nothing).
 */
export function selectBenchmarks(only: string | undefined, all: readonly BenchmarkEntry[] = BENCHMARKS): BenchmarkEntry[] {
  const names = (only ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return [...all];
  const unknown = names.filter((name) => !all.some((entry) => entry.name === name));
  if (unknown.length > 0) throw new Error(`HERON_BENCH_ONLY names no such benchmark: ${unknown.join(', ')} (there are ${all.map((entry) => entry.name).join(', ')})`);
  return all.filter((entry) => names.includes(entry.name));
}

/** Heron (when it can) and every peer that is available, in alternation order H, P1, P2. */
export function contendersOf(definition: BenchmarkDefinition): NamedContender[] {
  const contenders: NamedContender[] = [];
  if (definition.heron) contenders.push({ name: HERON, ...toContender(definition.heron) });
  for (const peer of definition.peers) {
    if ((peer.name as string) === HERON) throw new Error(`a peer cannot be named ${HERON}`);
    if (peer.runnable) contenders.push({ name: peer.name, ...toContender(peer.runnable) });
  }
  return contenders;
}

/** The benchmark's rows: its own, plus any rows made from metrics Heron's runs reported (BenchmarkDefinition.heronRows). */
export async function runBenchmark(definition: BenchmarkDefinition, options: MeasureOptions): Promise<BenchResult[]> {
  const contenders = contendersOf(definition);
  // A row with nothing runnable (no Heron yet, peer not installed) still reports why, without measuring anything.
  const samples = contenders.length > 0 ? await measureAlternating(contenders, options) : new Map<string, number[]>();
  return buildResults(definition, samples, contenders.length > 0 ? options.runs : 0);
}

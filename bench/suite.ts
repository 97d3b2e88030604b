// Owns the list of benchmarks and running one: Heron first, then each available peer, alternating round by round.

import { imapEnvelopeFetch } from './benchmarks/imap-envelope-fetch';
import { imapFullDownload } from './benchmarks/imap-full-download';
import { imapLoginFolders } from './benchmarks/imap-login-folders';
import { searchLatency } from './benchmarks/search-latency';
import type { BenchmarkDefinition, BenchmarkFactory } from './benchmarks/types';
import type { MeasureOptions, NamedContender } from './measure';
import { measureAlternating, toContender } from './measure';
import type { BenchResult } from './report';
import { buildResults, HERON } from './report';

/** In the order they run; later issues append POP3 vs mpop and SMTP vs msmtp here. */
export const BENCHMARKS: readonly BenchmarkFactory[] = [imapEnvelopeFetch, imapLoginFolders, imapFullDownload, searchLatency];

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

// Finds server settings for an address: every source at once, each within its own time limit, the whole within one.

import { setMaxListeners } from 'node:events';
import type { DiscoveryResult, DiscoverySource } from '../../shared/setup';
import { parseAddress } from './address';
import { findAutoconfig } from './autoconfig-source';
import type { Candidate } from './candidate';
import type { SourceContext } from './context';
import { createResolver, HostAddresses } from './dns';
import { DiscoveryLog } from './log';
import { findByMx } from './mx-source';
import { resolveOptions, type DiscoveryOptions } from './options';
import { probeLikelyHosts } from './probe-source';
import { findInProviderTable } from './provider-source';
import { rankServers } from './ranking';
import { checkServer } from './server-check';
import { findSrvRecords } from './srv-source';

export type { DiscoveryOptions } from './options';

const SOURCES: Array<[DiscoverySource, (context: SourceContext) => Promise<void>]> = [
  ['srv', findSrvRecords],
  ['autoconfig', findAutoconfig],
  ['provider', findInProviderTable],
  ['mx', findByMx],
  ['probe', probeLikelyHosts],
];

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Rejects only for an address that is not one ('invalid-input'); whatever a source runs into is in the log. */
export async function discoverSettings(email: string, options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const address = parseAddress(email);
  const settings = resolveOptions(options);
  const log = new DiscoveryLog();
  const resolver = createResolver(settings);
  const hosts = new HostAddresses(resolver);
  const candidates: Candidate[] = [];
  const everything = new AbortController();
  // Every probe, request and log group listens for the stop; their number is bounded by the sources' plans.
  setMaxListeners(0, everything.signal);
  const deadline = setTimeout(() => everything.abort(new Error(`discovery's time limit of ${settings.timeoutMs} ms was reached`)), settings.timeoutMs);

  /** A server a source only named is connected to once (whichever sources named it), to see whether it answers. */
  const checks = new Map<string, Promise<Candidate['security'] | null>>();
  const check = async (candidate: Candidate): Promise<void> => {
    const key = `${candidate.protocol} ${candidate.host} ${candidate.port} ${candidate.security}`;
    let result = checks.get(key);
    if (!result) {
      result = checkServer({ settings, hosts, signal: everything.signal }, log.steps(candidate.source, everything.signal), candidate);
      checks.set(key, result);
    }
    const security = await result;
    if (security === null) return;
    candidate.verified = true;
    // The check's answer wins over the name: a STARTTLS port that offers none is plaintext; a "plain" one that offers it is not.
    candidate.security = security;
  };

  const runSource = async ([source, find]: (typeof SOURCES)[number]): Promise<void> => {
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(new Error(`no answer within ${settings.sourceTimeoutMs} ms`)), settings.sourceTimeoutMs);
    const signal = AbortSignal.any([limit.signal, everything.signal]);
    setMaxListeners(0, signal);
    const pendingChecks: Promise<void>[] = [];
    const context: SourceContext = {
      address,
      settings,
      resolver,
      hosts,
      step: log.steps(source, signal),
      signal,
      propose(candidate) {
        if (signal.aborted) return;
        candidates.push(candidate);
        if (source !== 'probe') pendingChecks.push(check(candidate));
      },
    };
    try {
      // Sources log what they run into; an exception escaping one is a bug, logged rather than losing the others' results.
      const found = find(context).catch((error: unknown) => context.step(`${source} source`).failed(`stopped by an unexpected error: ${String(error)}`));
      await Promise.race([found, whenAborted(signal)]);
    } finally {
      clearTimeout(timer);
    }
    await Promise.all(pendingChecks);
  };

  await Promise.race([Promise.all(SOURCES.map(runSource)), whenAborted(everything.signal)]);
  clearTimeout(deadline);
  const entries = log.finish(`discovery's time limit of ${settings.timeoutMs} ms was reached`);
  // Whatever still runs (a DNS query past its source's limit) is stopped; its step is already closed.
  everything.abort(new Error('discovery finished'));
  resolver.cancel();
  return { email: address.email, domain: address.domain, ...rankServers(candidates, settings.nominalPort), log: entries };
}

// DNS for the domain-health check: an injectable resolver (tests, a local DNS server) and TXT lookups that tell "no record" from a failure.

import { promises as dns } from 'node:dns';
import { HeronError } from '../../shared/errors';

/** Same shape as `dns.promises.resolve` and mailauth's `resolver` option, so one function serves both. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** Answers that mean "this name has no such record", as opposed to a DNS failure. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'EBADNAME']);

/**
 * A resolver asking `servers` (`ip` or `ip:port`), or the system's when none are given; each query bounded, since
 * Node's default retries can take a minute against a dead server.
 */
export function createDnsResolver(servers?: string[] | null): DnsResolver {
  const resolver = new dns.Resolver({ timeout: 5_000, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return (name, rrtype) => resolver.resolve(name, rrtype);
}

export function isNoRecord(error: unknown): boolean {
  return NO_RECORD.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** The TXT strings at `name`, each record's character-strings joined; [] when the name has none. */
export async function txtRecords(resolver: DnsResolver, name: string): Promise<string[]> {
  try {
    const rows = (await resolver(name, 'TXT')) as Array<string | string[]>;
    return rows.map((row) => (Array.isArray(row) ? row.join('') : String(row)));
  } catch (error) {
    if (isNoRecord(error)) return [];
    throw dnsFailure(name, error);
  }
}

export function dnsFailure(name: string, error: unknown): HeronError {
  if (error instanceof HeronError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  return new HeronError(code === 'ETIMEOUT' ? 'timeout' : 'offline', `The DNS lookup of ${name} failed (${code}). Check the internet connection and try again.`, { cause: code }, { cause: error });
}

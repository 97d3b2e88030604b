// DNS for discovery: one resolver (system servers, or injected ones for tests) and host addresses looked up through it.

import net from 'node:net';
import { Resolver } from 'node:dns/promises';
import type { DiscoverySettings } from './options';

/** Per try; two tries keep a lost UDP packet from costing the answer while staying well inside a source's limit. */
const DNS_TRY_TIMEOUT_MS = 2_000;
const DNS_TRIES = 2;

export function createResolver(settings: DiscoverySettings): Resolver {
  const resolver = new Resolver({ timeout: DNS_TRY_TIMEOUT_MS, tries: DNS_TRIES });
  if (settings.dnsServers) resolver.setServers(settings.dnsServers);
  return resolver;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The name does not exist, or has no record of the type asked for: an answer, not a failure. */
export function isNoRecord(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

export function dnsProblem(error: unknown): string {
  switch (codeOf(error)) {
    case 'ETIMEOUT':
      return 'the DNS server did not answer';
    case 'ECONNREFUSED':
      return 'the DNS server refused the connection';
    case 'EREFUSED':
      return 'the DNS server refused to answer';
    case 'ESERVFAIL':
      return 'the DNS server failed to answer (SERVFAIL)';
    case 'ECANCELLED':
      return 'the lookup was stopped';
    default:
      return `DNS lookup failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Host names resolved once per discovery through its resolver, never the system's getaddrinfo, so tests stay on loopback. */
export class HostAddresses {
  private readonly cache = new Map<string, Promise<string | null>>();

  constructor(private readonly resolver: Resolver) {}

  /** The host's first IPv4 address, else its first IPv6 address; null when it has neither; rejects when DNS fails. */
  of(host: string): Promise<string | null> {
    if (net.isIP(host)) return Promise.resolve(host);
    let address = this.cache.get(host);
    if (!address) {
      address = this.lookup(host);
      this.cache.set(host, address);
    }
    return address;
  }

  private async lookup(host: string): Promise<string | null> {
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(host), this.resolver.resolve6(host)]);
    if (v4.status === 'fulfilled' && v4.value[0]) return v4.value[0];
    if (v6.status === 'fulfilled' && v6.value[0]) return v6.value[0];
    const failure = [v4, v6].find((result) => result.status === 'rejected' && !isNoRecord(result.reason));
    if (failure?.status === 'rejected') throw failure.reason;
    return null;
  }
}

// Discovery's knobs: DNS servers, the HTTPS port and extra CAs, the test port map and the time limits.

import tls from 'node:tls';

export interface DiscoveryOptions {
  /** DNS servers as `ip` or `ip:port` (IPv6 as `[ip]:port`); default: the system's resolvers. */
  dnsServers?: string[];
  /** Port that autoconfig URLs without an explicit port are fetched from; default 443. */
  httpsPort?: number;
  /** CA certificates (PEM) trusted in addition to Node's bundled roots, for autoconfig and probes. */
  ca?: string[];
  /** Where a standard port really is, e.g. `{ 993: 16993 }`, so servers on private high ports look standard. */
  portMap?: Partial<Record<number, number>>;
  /** The whole discovery; default 8 s. */
  timeoutMs?: number;
  /** Each source (SRV, autoconfig, provider table, MX, probing); default 6 s. */
  sourceTimeoutMs?: number;
  /** Each connection to a server (probe or check); default 3 s. */
  probeTimeoutMs?: number;
}

export interface DiscoverySettings {
  dnsServers: string[] | null;
  httpsPort: number;
  /** Undefined: Node's bundled roots only. */
  ca: string[] | undefined;
  timeoutMs: number;
  sourceTimeoutMs: number;
  probeTimeoutMs: number;
  /** The port a standard port is really served on (itself unless mapped). */
  actualPort(port: number): number;
  /** The standard port an actual port stands for, so ranking treats mapped ports like the standard ones. */
  nominalPort(port: number): number;
}

const DEFAULT_TIMEOUT_MS = 8_000;
const DEFAULT_SOURCE_TIMEOUT_MS = 6_000;
const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
const HTTPS_PORT = 443;

/** The options with every default filled in. */
export function resolveOptions(options: DiscoveryOptions = {}): DiscoverySettings {
  const map = new Map<number, number>();
  for (const [standard, actual] of Object.entries(options.portMap ?? {})) if (actual !== undefined) map.set(Number(standard), actual);
  const reverse = new Map([...map].map(([standard, actual]) => [actual, standard]));
  return {
    dnsServers: options.dnsServers && options.dnsServers.length > 0 ? options.dnsServers : null,
    httpsPort: options.httpsPort ?? HTTPS_PORT,
    // Node's `ca` replaces its roots; adding to them keeps public servers trusted when a private CA is given.
    ca: options.ca && options.ca.length > 0 ? [...tls.rootCertificates, ...options.ca] : undefined,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    sourceTimeoutMs: options.sourceTimeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
    probeTimeoutMs: options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    actualPort: (port) => map.get(port) ?? port,
    nominalPort: (port) => reverse.get(port) ?? port,
  };
}

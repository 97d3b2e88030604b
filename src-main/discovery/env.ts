// Discovery options from HERON_DISCOVERY_* environment variables, so browser mode can be pointed at private servers.

import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import type { DiscoveryOptions } from './options';

function port(text: string, variable: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) throw new Error(`${variable}: "${text}" is not a port number from 1 to 65535.`);
  return value;
}

/**
 * HERON_DISCOVERY_DNS=127.0.0.1:5353[,…]    DNS servers instead of the system's
 * HERON_DISCOVERY_PORTS=993:16993,143:16143 where standard ports really are
 * HERON_DISCOVERY_HTTPS_PORT=8443           port for autoconfig URLs without one
 * HERON_DISCOVERY_CA=/path/ca.pem           a CA trusted in addition to the usual roots
 * Throws, naming the variable, when one is malformed: better at start than as a puzzling discovery later.
 */
export function discoveryOptionsFromEnv(env: NodeJS.ProcessEnv): DiscoveryOptions {
  const options: DiscoveryOptions = {};
  const dns = env.HERON_DISCOVERY_DNS?.trim();
  if (dns) {
    const servers = dns.split(',').map((server) => server.trim());
    try {
      // Node's own parser decides what a server address is.
      new Resolver().setServers(servers);
    } catch (error) {
      throw new Error(`HERON_DISCOVERY_DNS: ${(error as Error).message}`, { cause: error });
    }
    options.dnsServers = servers;
  }
  const ports = env.HERON_DISCOVERY_PORTS?.trim();
  if (ports) {
    options.portMap = {};
    for (const pair of ports.split(',')) {
      const [standard = '', actual = ''] = pair.trim().split(':');
      options.portMap[port(standard, 'HERON_DISCOVERY_PORTS')] = port(actual, 'HERON_DISCOVERY_PORTS');
    }
  }
  const httpsPort = env.HERON_DISCOVERY_HTTPS_PORT?.trim();
  if (httpsPort) options.httpsPort = port(httpsPort, 'HERON_DISCOVERY_HTTPS_PORT');
  const ca = env.HERON_DISCOVERY_CA?.trim();
  if (ca) options.ca = [readFileSync(ca, 'utf8')];
  return options;
}

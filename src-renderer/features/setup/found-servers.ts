// What discovery found, in words: each server's protocol, host, port and security, where it came from, and whose it is.

import type { IncomingSettings, OutgoingSettings } from '../../../shared/model';
import { PROTOCOL_LABELS, SECURITY_LABELS } from '../../../shared/security-classification';
import type { DiscoveredServer, DiscoveryLogEntry, DiscoverySource } from '../../../shared/setup';

const SOURCE_WORDS: Record<DiscoverySource, string> = {
  srv: 'a DNS SRV record',
  autoconfig: "the domain's autoconfig file",
  provider: "Heron's list of large providers",
  mx: "the domain's mail server (MX) provider",
  probe: 'trying likely servers',
};

export const LOG_SOURCE_LABELS: Record<DiscoverySource, string> = { srv: 'SRV', autoconfig: 'Autoconfig', provider: 'Provider', mx: 'MX', probe: 'Probe' };

export const LOG_OUTCOME: Record<DiscoveryLogEntry['outcome'], { mark: string; words: string }> = {
  found: { mark: '✓', words: 'found' },
  nothing: { mark: '–', words: 'nothing' },
  failed: { mark: '✗', words: 'failed' },
  skipped: { mark: '·', words: 'skipped' },
};

/** "IMAP at mail.example.com, port 993, SSL/TLS, user ann@example.com" */
export function describeSettings(settings: IncomingSettings | OutgoingSettings): string {
  const protocol = 'protocol' in settings ? PROTOCOL_LABELS[settings.protocol] : PROTOCOL_LABELS.smtp;
  const user = settings.username ? `, user ${settings.username}` : '';
  return `${protocol} at ${settings.host}, port ${settings.port}, ${SECURITY_LABELS[settings.security]}${user}`;
}

export function describeOrigin(server: DiscoveredServer<unknown>): string {
  return `Found through ${SOURCE_WORDS[server.source]}; ${server.verified ? 'the server answered.' : 'not yet checked.'}`;
}

/**
 * Hosts outside the address's domain. DNS answers (SRV, MX) are not authenticated, so before the password goes to
 * someone else's server the person should see that it would.
 */
export function foreignHosts(domain: string, hosts: string[]): string[] {
  const d = domain.toLowerCase();
  const own = (host: string) => {
    const h = host.toLowerCase().replace(/\.$/, '');
    return h === d || h.endsWith(`.${d}`);
  };
  return [...new Set(hosts.filter((h) => h && !own(h)))];
}

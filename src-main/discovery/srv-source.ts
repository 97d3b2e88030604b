// The SRV source (RFC 6186, RFC 8314): _imaps/_imap/_pop3s/_pop3/_submissions/_submission records for the domain.

import type { SrvRecord } from 'node:dns';
import type { Protocol, Security } from '../../shared/model';
import { describeServer } from './candidate';
import type { SourceContext } from './context';
import { dnsProblem, isNoRecord } from './dns';

/** The plain-port services say STARTTLS: RFC 6186 leaves it open, and Heron never continues without it (fail-closed). */
const SERVICES: Array<{ service: string; protocol: Protocol; security: Security }> = [
  { service: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { service: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { service: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { service: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { service: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { service: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
];

/** RFC 2782 "." target, which Node reports as an empty name: the service is decidedly not offered. */
function notOffered(record: SrvRecord): boolean {
  return record.name === '' || record.name === '.';
}

/**
 * Lowest priority first; within a priority the heaviest first. RFC 2782 picks by weighted chance to spread many
 * clients' load; one person's wizard shows a list, which should not reshuffle each time it is opened.
 */
export function orderSrvRecords(records: readonly SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

export async function findSrvRecords(context: SourceContext): Promise<void> {
  const { address } = context;
  await Promise.all(
    SERVICES.map(async ({ service, protocol, security }) => {
      const name = `${service}.${address.domain}`;
      const step = context.step(`${name} SRV`);
      let records: SrvRecord[];
      try {
        records = await context.resolver.resolveSrv(name);
      } catch (error) {
        if (isNoRecord(error)) step.nothing('no record');
        else step.failed(dnsProblem(error));
        return;
      }
      if (records.some(notOffered)) {
        step.nothing('the domain says this service is not offered (target ".")');
        return;
      }
      const servers = orderSrvRecords(records)
        .filter((record) => record.port > 0)
        .map((record, order) => ({ protocol, host: record.name.toLowerCase().replace(/\.$/, ''), port: record.port, security, order }));
      if (servers.length === 0) {
        step.nothing('no usable record (port 0)');
        return;
      }
      for (const server of servers) context.propose({ ...server, username: address.email, source: 'srv', verified: false });
      // RFC 6186 section 6: DNS without DNSSEC can be forged, so a server outside the domain deserves a second look.
      const inDomain = (host: string) => host === address.domain || host.endsWith(`.${address.domain}`);
      const outside = servers.filter((server) => !inDomain(server.host)).map((server) => server.host);
      const warning = outside.length > 0 ? ` (outside ${address.domain}: ${[...new Set(outside)].join(', ')}; check that you trust it)` : '';
      step.found(`${servers.map((server) => describeServer(server)).join('; ')}${warning}`);
    }),
  );
}

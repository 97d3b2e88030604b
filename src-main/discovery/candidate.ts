// A server setting one source proposed, and how discovery names servers in its log.

import type { Protocol, Security } from '../../shared/model';
import type { DiscoverySource } from '../../shared/setup';

export interface ServerSpec {
  protocol: Protocol;
  host: string;
  /** The port to connect to (after the test port map, see options.ts). */
  port: number;
  security: Security;
}

export interface Candidate extends ServerSpec {
  username: string;
  source: DiscoverySource;
  /** The server answered during discovery; named-only otherwise. */
  verified: boolean;
  /** Position among its source's proposals (SRV priority and weight, the autoconfig file's order): lower is better. */
  order: number;
}

export const PROTOCOL_LABEL: Record<Protocol, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };
export const SECURITY_LABEL: Record<Security, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'no encryption' };

/** "IMAP imap.example.com:993 SSL/TLS", the form the log uses everywhere. */
export function describeServer(server: ServerSpec): string {
  return `${PROTOCOL_LABEL[server.protocol]} ${server.host}:${server.port} ${SECURITY_LABEL[server.security]}`;
}

// Standard ports for each protocol and security mode (RFC 8314, RFC 6186), so changing one proposes the other.

import type { Protocol, Security } from './model';

const STANDARD: Record<Protocol, Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
  smtp: { tls: 465, starttls: 587, none: 587 },
};

export function standardPort(protocol: Protocol, security: Security): number {
  return STANDARD[protocol][security];
}

/** The security mode a standard port implies, or null for a port with no standard meaning. */
export function securityForPort(protocol: Protocol, port: number): Security | null {
  if (port === STANDARD[protocol].tls) return 'tls';
  if (port === STANDARD[protocol].starttls || (protocol === 'smtp' && (port === 25 || port === 2525))) return 'starttls';
  return null;
}

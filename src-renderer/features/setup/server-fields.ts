// One server's fields as typed in the wizard, and how a change to security, port or protocol proposes the others.

import type { IncomingProtocol, IncomingSettings, OutgoingSettings, Protocol, Security } from '../../../shared/model';
import { securityForPort, standardPort } from '../../../shared/ports';

export interface ServerFields {
  host: string;
  /** As typed, so a half-typed port is not turned into a number too early. */
  port: string;
  security: Security;
  username: string;
}

export interface IncomingFields extends ServerFields {
  protocol: IncomingProtocol;
}

/** A port the person has not made their own: empty, or one of the protocol's standard ports. */
function portIsOurs(protocol: Protocol, port: string): boolean {
  return port.trim() === '' || securityForPort(protocol, Number(port)) !== null;
}

/** New security; the port follows it when it was a standard one (or empty), so a port the person typed stays. */
export function withSecurity<F extends ServerFields>(fields: F, protocol: Protocol, security: Security): F {
  const port = portIsOurs(protocol, fields.port) ? String(standardPort(protocol, security)) : fields.port;
  return { ...fields, security, port };
}

/**
 * Called when the person leaves the port field (not on every keystroke: typing 1430 passes through 143): a
 * standard port proposes its security. None is never proposed, and 143/110/587 serve both None and STARTTLS,
 * so a deliberate None stays None there.
 */
export function proposeSecurity<F extends ServerFields>(fields: F, protocol: Protocol): F {
  const proposed = securityForPort(protocol, Number(fields.port));
  if (proposed === null || proposed === fields.security) return fields;
  if (proposed === 'starttls' && fields.security === 'none') return fields;
  return { ...fields, security: proposed };
}

/** IMAP and POP3 have different standard ports: a standard (or empty) port moves to the new protocol's. */
export function withProtocol(fields: IncomingFields, protocol: IncomingProtocol): IncomingFields {
  const port = portIsOurs(fields.protocol, fields.port) ? String(standardPort(protocol, fields.security)) : fields.port;
  return { ...fields, protocol, port };
}

export function toIncomingSettings(fields: IncomingFields): IncomingSettings {
  return { protocol: fields.protocol, host: fields.host.trim(), port: Number(fields.port), security: fields.security, username: fields.username.trim() };
}

/** No outgoing host means the account only receives mail. */
export function toOutgoingSettings(fields: ServerFields): OutgoingSettings | null {
  const host = fields.host.trim();
  return host ? { host, port: Number(fields.port), security: fields.security, username: fields.username.trim() } : null;
}

export function incomingFields(settings: IncomingSettings): IncomingFields {
  return { ...serverFields(settings), protocol: settings.protocol };
}

export function serverFields(settings: OutgoingSettings): ServerFields {
  return { host: settings.host, port: String(settings.port), security: settings.security, username: settings.username };
}

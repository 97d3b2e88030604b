// Port and security classification for IMAP, POP3 and SMTP: what travels encrypted, what would be exposed, and likely mistakes.

import type { Protocol, Security } from './model';
import { securityForPort, standardPort } from './ports';

/** What an unencrypted connection would let anyone on the network path read. */
export type Exposed = 'password' | 'mail';

export type MistakeCode =
  /** SSL/TLS chosen on a port that starts in plain text (143, 110, 587, 25): the handshake will fail. */
  | 'tls-on-starttls-port'
  /** STARTTLS chosen on an implicit-TLS port (993, 995, 465): the server expects TLS from the first byte. */
  | 'starttls-on-tls-port'
  /** No encryption chosen on an implicit-TLS port: the server expects TLS from the first byte. */
  | 'none-on-tls-port'
  /** SMTP on port 25: the port servers relay mail on, not the one mail programs submit on. */
  | 'relay-port'
  /** The port belongs to another of the mail protocols (for example 465 for IMAP). */
  | 'other-protocol-port'
  /** No mail protocol uses this port by default; it may still be right if the provider says so. */
  | 'unusual-port';

export interface Mistake {
  code: MistakeCode;
  message: string;
}

export interface Classification {
  passwordEncrypted: boolean;
  mailEncrypted: boolean;
  /** Empty when everything travels encrypted. */
  exposed: Exposed[];
  /** In a person's words: what this setting does with the password and the mail. */
  explanation: string;
  mistakes: Mistake[];
}

export const SECURITY_LABELS: Record<Security, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'None (unencrypted)' };
export const PROTOCOL_LABELS: Record<Protocol, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };

const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3', 'smtp'];

/**
 * Only the security mode decides encryption: Heron's STARTTLS never continues in plain text (it stops when the
 * server does not offer it), and a port by itself encrypts nothing.
 */
export function travelsUnencrypted(security: Security): boolean {
  return security === 'none';
}

/** The start of each explanation, e.g. "STARTTLS on IMAP port 143". */
const MODE_WORDS: Record<Security, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'No encryption' };

function explain(protocol: Protocol, port: number, security: Security): string {
  const where = `${MODE_WORDS[security]} on ${PROTOCOL_LABELS[protocol]} port ${port}`;
  switch (security) {
    case 'tls':
      return `${where}: the connection is encrypted from its first byte, so your password and your mail travel encrypted. This is the setting RFC 8314 recommends.`;
    case 'starttls':
      return `${where}: the connection starts in plain text and switches to encryption before your password is sent. Heron stops if the server does not offer encryption, so your password and your mail travel encrypted.`;
    case 'none':
      return `${where}: your password and your mail travel in plain text. Anyone on the network path (a public Wi-Fi, a router, an internet provider) can read them and change them.`;
  }
}

function mistakesOf(protocol: Protocol, port: number, security: Security): Mistake[] {
  const name = PROTOCOL_LABELS[protocol];
  const tlsPort = standardPort(protocol, 'tls');
  const starttlsPort = standardPort(protocol, 'starttls');
  const portSecurity = securityForPort(protocol, port);
  const mistakes: Mistake[] = [];
  if (portSecurity === 'starttls' && security === 'tls') {
    mistakes.push({
      code: 'tls-on-starttls-port',
      message: `Port ${port} starts in plain text and upgrades with STARTTLS; SSL/TLS there will most likely fail. Choose STARTTLS, or use port ${tlsPort} for SSL/TLS.`,
    });
  }
  if (portSecurity === 'tls' && security === 'starttls') {
    mistakes.push({
      code: 'starttls-on-tls-port',
      message: `Port ${port} expects SSL/TLS from the first byte; STARTTLS there will most likely fail. Choose SSL/TLS, or use port ${starttlsPort} for STARTTLS.`,
    });
  }
  if (portSecurity === 'tls' && security === 'none') {
    mistakes.push({ code: 'none-on-tls-port', message: `Port ${port} expects SSL/TLS from the first byte; an unencrypted connection will fail. Choose SSL/TLS.` });
  }
  if (protocol === 'smtp' && port === 25) {
    mistakes.push({
      code: 'relay-port',
      message: `Port 25 is where mail servers pass mail to each other, not where a mail program sends it: many internet providers block it, and it usually accepts no login. Use port ${tlsPort} (SSL/TLS) or ${starttlsPort} (STARTTLS).`,
    });
  }
  if (portSecurity === null) {
    const owners = PROTOCOLS.filter((other) => other !== protocol && securityForPort(other, port) !== null);
    mistakes.push(
      owners.length > 0
        ? {
            code: 'other-protocol-port',
            message: `Port ${port} is ${owners.map((o) => PROTOCOL_LABELS[o]).join(' and ')}'s port, not ${name}'s. ${name} uses ${tlsPort} (SSL/TLS) or ${starttlsPort} (STARTTLS).`,
          }
        : {
            code: 'unusual-port',
            message: `Port ${port} is not a usual ${name} port (${tlsPort} for SSL/TLS, ${starttlsPort} for STARTTLS). It may still be right if your provider says so.`,
          },
    );
  }
  return mistakes;
}

export function classifyConnection(protocol: Protocol, port: number, security: Security): Classification {
  const encrypted = !travelsUnencrypted(security);
  return {
    passwordEncrypted: encrypted,
    mailEncrypted: encrypted,
    exposed: encrypted ? [] : ['password', 'mail'],
    explanation: explain(protocol, port, security),
    mistakes: mistakesOf(protocol, port, security),
  };
}

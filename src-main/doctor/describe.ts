// One-line summaries of what a step found: the server's notable capabilities and the TLS session.

import type { Protocol } from '../../shared/model';
import type { TlsInfo } from '../../shared/setup';
import type { ServerFeatures } from './dialogue';

/** The capabilities Heron makes use of, per protocol: worth naming when present. */
const NOTABLE: Record<Protocol, string[]> = {
  imap: ['IDLE', 'CONDSTORE', 'QRESYNC', 'MOVE', 'UIDPLUS', 'SASL-IR'],
  pop3: ['UIDL', 'TOP', 'PIPELINING', 'USER'],
  smtp: ['SIZE', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'CHUNKING'],
};

/** e.g. "STARTTLS offered; login methods: PLAIN LOGIN; has IDLE, MOVE, UIDPLUS". */
export function describeFeatures(protocol: Protocol, features: ServerFeatures, beforeTls: boolean): string {
  const parts: string[] = [];
  if (beforeTls) parts.push(features.startTls ? `${protocol === 'pop3' ? 'STLS' : 'STARTTLS'} offered` : `${protocol === 'pop3' ? 'STLS' : 'STARTTLS'} not offered`);
  if (features.loginDisabled) parts.push('no password login before encryption (LOGINDISABLED)');
  else parts.push(features.authMechanisms.length ? `login methods: ${features.authMechanisms.join(' ')}` : 'no login methods announced');
  const has = notable(protocol, features);
  if (has) parts.push(has);
  return parts.join('; ');
}

/** e.g. "has IDLE, CONDSTORE, QRESYNC", or '' when none of the notable capabilities is there. */
export function notable(protocol: Protocol, features: ServerFeatures): string {
  const words = new Set(features.capabilities.map((c) => (c.split(/[\s=]/)[0] ?? '').toUpperCase()));
  const has = NOTABLE[protocol].filter((name) => words.has(name));
  return has.length ? `has ${has.join(', ')}` : '';
}

/** e.g. "TLSv1.3, TLS_AES_256_GCM_SHA384; certificate verified (CN=mail.example.com), valid until 2026-01-01". */
export function describeTls(info: TlsInfo, pinned: boolean): string {
  const trust = pinned ? 'certificate matches the one you trusted' : 'certificate verified';
  return `${info.version}, ${info.cipher}; ${trust} (${info.subject || 'no subject'}), valid until ${info.validTo.slice(0, 10)}`;
}

// Which of an account's servers would travel unencrypted, the warning that names what is exposed, and its acknowledgement.

import type { IncomingSettings, OutgoingSettings, Protocol } from '../../../shared/model';
import { classifyConnection, PROTOCOL_LABELS, type Exposed } from '../../../shared/security-classification';

export interface UnencryptedServer {
  role: 'incoming' | 'outgoing';
  protocol: Protocol;
  host: string;
  port: number;
  exposed: Exposed[];
}

export function unencryptedServers(incoming: IncomingSettings, outgoing: OutgoingSettings | null): UnencryptedServer[] {
  const servers = [
    { role: 'incoming' as const, protocol: incoming.protocol, settings: incoming },
    ...(outgoing ? [{ role: 'outgoing' as const, protocol: 'smtp' as const, settings: outgoing }] : []),
  ];
  return servers.flatMap(({ role, protocol, settings }) => {
    const { exposed } = classifyConnection(protocol, settings.port, settings.security);
    return exposed.length === 0 ? [] : [{ role, protocol, host: settings.host, port: settings.port, exposed }];
  });
}

const EXPOSED_WORDS: Record<Exposed, string> = { password: 'your password', mail: 'your mail' };

function and(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function exposedWords(servers: UnencryptedServer[]): string[] {
  return [...new Set(servers.flatMap((s) => s.exposed))].map((e) => EXPOSED_WORDS[e]);
}

function serverWords(servers: UnencryptedServer[]): string {
  return and(servers.map((s) => `the ${s.role} server (${PROTOCOL_LABELS[s.protocol]}, ${s.host || 'no host yet'} port ${s.port})`));
}

/** The warning shown before anything is sent: which servers, and exactly what anyone on the way could read. */
export function unencryptedWarning(servers: UnencryptedServer[]): string | null {
  if (servers.length === 0) return null;
  const exposed = exposedWords(servers);
  const them = exposed.length > 1 ? 'them' : 'it';
  return `Not encrypted: ${and(exposed)} would be sent in plain text to ${serverWords(servers)}. Anyone on the network path can read ${them} and change ${them}. Choose SSL/TLS or STARTTLS if the server offers it.`;
}

/** What a saved account's "Unencrypted" badge stands for. */
export function unencryptedNote(servers: UnencryptedServer[]): string | null {
  if (servers.length === 0) return null;
  const exposed = exposedWords(servers);
  const words = and(exposed);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${exposed.length > 1 ? 'travel' : 'travels'} in plain text to ${serverWords(servers)}.`;
}

/**
 * What the person acknowledged: which connections go unencrypted. Another one becoming unencrypted (the outgoing
 * server too, or POP3 instead of IMAP) needs a new acknowledgement; fixing a typo in the host name does not.
 */
export function acknowledgementKey(servers: UnencryptedServer[]): string {
  return servers.map((s) => `${s.role}:${s.protocol}`).join('|');
}

/** Nothing to acknowledge, or exactly this set was acknowledged. */
export function isAcknowledged(servers: UnencryptedServer[], acknowledged: string | null): boolean {
  return servers.length === 0 || acknowledged === acknowledgementKey(servers);
}

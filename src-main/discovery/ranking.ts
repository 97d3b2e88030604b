// Merges what the sources proposed and ranks it: encrypted first, implicit TLS before STARTTLS (RFC 8314), answered before named.

import type { IncomingProtocol, IncomingSettings, OutgoingSettings, Protocol, Security } from '../../shared/model';
import { standardPort } from '../../shared/ports';
import type { DiscoveredServer, DiscoverySource } from '../../shared/setup';
import type { Candidate } from './candidate';

const SECURITY_ORDER: Security[] = ['tls', 'starttls', 'none'];
/** IMAP keeps mail on the server for every device; POP3 downloads it to one. */
const PROTOCOL_ORDER: Protocol[] = ['imap', 'pop3', 'smtp'];
/** The domain's own statements first, then Heron's knowledge, then guesses. */
const SOURCE_ORDER: DiscoverySource[] = ['autoconfig', 'srv', 'provider', 'mx', 'probe'];

/**
 * The ranking, key by key: encrypted before plaintext; implicit TLS before STARTTLS; answered before named-only;
 * IMAP before POP3; a standard port before an unusual one (SMTP 25 is a relay port, not submission); the more
 * authoritative source; the source's own order. `nominalPort` undoes a test port map.
 */
export function compareCandidates(a: Candidate, b: Candidate, nominalPort: (port: number) => number = (port) => port): number {
  const unusual = (c: Candidate): number => (standardPort(c.protocol, c.security) === nominalPort(c.port) ? 0 : 1);
  return (
    SECURITY_ORDER.indexOf(a.security) - SECURITY_ORDER.indexOf(b.security) ||
    Number(b.verified) - Number(a.verified) ||
    PROTOCOL_ORDER.indexOf(a.protocol) - PROTOCOL_ORDER.indexOf(b.protocol) ||
    unusual(a) - unusual(b) ||
    SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) ||
    a.order - b.order
  );
}

/** One entry per server and security mode: the most authoritative source's proposal, verified if any check answered. */
export function mergeCandidates<C extends Candidate>(candidates: readonly C[]): C[] {
  const merged = new Map<string, C>();
  for (const candidate of candidates) {
    const key = `${candidate.protocol} ${candidate.host.toLowerCase()} ${candidate.port} ${candidate.security}`;
    const known = merged.get(key);
    if (!known) {
      merged.set(key, { ...candidate });
      continue;
    }
    const better = SOURCE_ORDER.indexOf(candidate.source) < SOURCE_ORDER.indexOf(known.source) ? candidate : known;
    merged.set(key, { ...better, verified: known.verified || candidate.verified });
  }
  return [...merged.values()];
}

/** Best first; plaintext only when nothing encrypted was found at all (discovery never picks it by itself). */
function best<C extends Candidate>(candidates: C[], nominalPort: (port: number) => number): C[] {
  const sorted = mergeCandidates(candidates).sort((a, b) => compareCandidates(a, b, nominalPort));
  const encrypted = sorted.filter((candidate) => candidate.security !== 'none');
  return encrypted.length > 0 ? encrypted : sorted;
}

export function rankServers(
  candidates: readonly Candidate[],
  nominalPort: (port: number) => number = (port) => port,
): { incoming: DiscoveredServer<IncomingSettings>[]; outgoing: DiscoveredServer<OutgoingSettings>[] } {
  const isIncoming = (c: Candidate): c is Candidate & { protocol: IncomingProtocol } => c.protocol !== 'smtp';
  const incoming = best(candidates.filter(isIncoming), nominalPort).map(
    (c): DiscoveredServer<IncomingSettings> => ({
      settings: { protocol: c.protocol, host: c.host, port: c.port, security: c.security, username: c.username },
      source: c.source,
      verified: c.verified,
    }),
  );
  const outgoing = best(candidates.filter((c) => c.protocol === 'smtp'), nominalPort).map(
    (c): DiscoveredServer<OutgoingSettings> => ({
      settings: { host: c.host, port: c.port, security: c.security, username: c.username },
      source: c.source,
      verified: c.verified,
    }),
  );
  return { incoming, outgoing };
}

// Ranking discovered servers: encrypted first, implicit TLS before STARTTLS, answered before named, plaintext only alone.

import assert from 'node:assert/strict';
import type { SrvRecord } from 'node:dns';
import { describe, it } from 'node:test';
import type { Candidate } from '../../src-main/discovery/candidate';
import { compareCandidates, mergeCandidates, rankServers } from '../../src-main/discovery/ranking';
import { orderSrvRecords } from '../../src-main/discovery/srv-source';

function candidate(overrides: Partial<Candidate>): Candidate {
  return { protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', username: 'jane@example.com', source: 'probe', verified: true, order: 0, ...overrides };
}

const label = (c: Candidate) => `${c.protocol} ${c.host}:${c.port} ${c.security} ${c.source}${c.verified ? ' verified' : ''}`;

describe('ranking', () => {
  it('orders by security, then answered, then protocol, standard port, source and the source’s order', () => {
    const candidates = [
      candidate({ port: 143, security: 'none' }),
      candidate({ protocol: 'pop3', port: 110, security: 'starttls' }),
      candidate({ port: 143, security: 'starttls' }),
      candidate({ protocol: 'pop3', port: 995 }),
      candidate({ host: 'named.example.com', source: 'srv', verified: false }),
      candidate({ host: 'other.example.com', port: 10993 }),
      candidate({ host: 'second.example.com', source: 'autoconfig', order: 1 }),
      candidate({ host: 'first.example.com', source: 'autoconfig', order: 0 }),
      candidate({ host: 'table.example.com', source: 'provider' }),
      candidate({}),
    ];
    assert.deepEqual(candidates.sort((a, b) => compareCandidates(a, b)).map(label), [
      'imap first.example.com:993 tls autoconfig verified',
      'imap second.example.com:993 tls autoconfig verified',
      'imap table.example.com:993 tls provider verified',
      'imap imap.example.com:993 tls probe verified',
      'imap other.example.com:10993 tls probe verified',
      'pop3 imap.example.com:995 tls probe verified',
      'imap named.example.com:993 tls srv',
      'imap imap.example.com:143 starttls probe verified',
      'pop3 imap.example.com:110 starttls probe verified',
      'imap imap.example.com:143 none probe verified',
    ]);
  });

  it('puts SMTP submission (587) before the relay port 25, and treats mapped test ports as the standard ones', () => {
    const smtp = [candidate({ protocol: 'smtp', port: 25, security: 'starttls' }), candidate({ protocol: 'smtp', port: 587, security: 'starttls' })];
    assert.deepEqual(smtp.sort((a, b) => compareCandidates(a, b)).map((c) => c.port), [587, 25]);
    const mapped = [candidate({ protocol: 'smtp', port: 20025, security: 'starttls' }), candidate({ protocol: 'smtp', port: 20587, security: 'starttls' })];
    const nominal = (port: number) => ({ 20025: 25, 20587: 587 })[port] ?? port;
    assert.deepEqual(mapped.sort((a, b) => compareCandidates(a, b, nominal)).map((c) => c.port), [20587, 20025]);
  });

  it('merges one server named by several sources: the most authoritative source, answered if any check answered', () => {
    const merged = mergeCandidates([
      candidate({ source: 'probe', verified: true, username: 'guess@example.com' }),
      candidate({ host: 'IMAP.example.com', source: 'autoconfig', verified: false, username: 'jane' }),
      candidate({ security: 'starttls', port: 143 }),
    ]);
    assert.deepEqual(merged.map((c) => [label(c), c.username]), [
      ['imap IMAP.example.com:993 tls autoconfig verified', 'jane'],
      ['imap imap.example.com:143 starttls probe verified', 'jane@example.com'],
    ]);
  });

  it('never lists plaintext next to something encrypted, and lists it last when it is all there is', () => {
    const mixed = rankServers([
      candidate({ port: 143, security: 'none' }),
      candidate({ protocol: 'pop3', port: 995, source: 'srv', verified: false }),
      candidate({ protocol: 'smtp', port: 587, security: 'none' }),
      candidate({ protocol: 'smtp', port: 25, security: 'none' }),
    ]);
    assert.deepEqual(mixed.incoming, [
      { settings: { protocol: 'pop3', host: 'imap.example.com', port: 995, security: 'tls', username: 'jane@example.com' }, source: 'srv', verified: false },
    ]);
    assert.deepEqual(mixed.outgoing.map((s) => [s.settings.port, s.settings.security]), [[587, 'none'], [25, 'none']]);
    assert.equal('protocol' in (mixed.outgoing[0]?.settings ?? {}), false);
    assert.deepEqual(rankServers([]), { incoming: [], outgoing: [] });
  });
});

describe('SRV order (RFC 2782)', () => {
  it('lowest priority first, heaviest weight first within a priority', () => {
    const records: SrvRecord[] = [
      { name: 'c', port: 993, priority: 10, weight: 100 },
      { name: 'b', port: 993, priority: 0, weight: 1 },
      { name: 'a', port: 993, priority: 0, weight: 5 },
      { name: 'd', port: 993, priority: 20, weight: 0 },
    ];
    assert.deepEqual(orderSrvRecords(records).map((r) => r.name), ['a', 'b', 'c', 'd']);
  });
});

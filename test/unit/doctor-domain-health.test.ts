// Domain health with an injected DNS resolver: SPF (missing, syntax, the 10-lookup limit, -all vs ~all), DMARC policies and DKIM keys.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { DnsResolver } from '../../src-main/doctor/dns-records';
import { checkDomainHealth, normalizeDomain } from '../../src-main/doctor/domain-health';

/** A zone of TXT records; any other name answers NXDOMAIN like a real server (ENOTFOUND in Node). */
function zone(records: Record<string, string[]>, failing: Record<string, string> = {}): { resolver: DnsResolver; asked: string[] } {
  const asked: string[] = [];
  const resolver: DnsResolver = async (name, rrtype) => {
    asked.push(`${name} ${rrtype}`);
    const failure = failing[name];
    if (failure) throw Object.assign(new Error(`query ${failure}`), { code: failure });
    const found = rrtype === 'TXT' ? records[name] : undefined;
    if (!found) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    // Node returns each TXT record as its character-strings; split long ones to prove they are joined.
    return found.map((text) => (text.length > 40 ? [text.slice(0, 40), text.slice(40)] : [text]));
  };
  return { resolver, asked };
}

const spf = (domain: string, text: string) => ({ [domain]: [text] });

/** A chain of includes: the top record includes n1..nN, each a plain record with one `a` lookup of its own. */
function includes(domain: string, count: number, innerLookups = 0): Record<string, string[]> {
  const records: Record<string, string[]> = { [domain]: [`v=spf1 ${Array.from({ length: count }, (_, i) => `include:n${i}.${domain}`).join(' ')} -all`] };
  for (let i = 0; i < count; i++) records[`n${i}.${domain}`] = [`v=spf1 ip4:192.0.2.${i} ${'a '.repeat(innerLookups)}~all`];
  return records;
}

describe('domain health: SPF', () => {
  it('reports a missing record with advice, and a missing DMARC too, without blocking', async () => {
    const health = await checkDomainHealth('nothing.example', null, zone({}).resolver);
    assert.deepEqual(health.spf, { verdict: 'missing', record: null, lookups: 0, all: null });
    assert.equal(health.dmarc.record, null);
    assert.equal(health.dkim, null);
    assert.ok(health.advice.some((line) => /no SPF record/.test(line)));
    assert.ok(health.advice.some((line) => /no DMARC record/.test(line)));
  });

  it('passes a record within the limit and reads its qualifier: -all says nothing more, ~all gets advice', async () => {
    const strict = await checkDomainHealth('strict.example', null, zone(spf('strict.example', 'v=spf1 mx a:out.strict.example -all')).resolver);
    assert.deepEqual(strict.spf, { verdict: 'pass', record: 'v=spf1 mx a:out.strict.example -all', lookups: 2, all: '-' });
    assert.ok(!strict.advice.some((line) => /all/.test(line) && /SPF/.test(line)), strict.advice.join('\n'));
    const soft = await checkDomainHealth('soft.example', null, zone(spf('soft.example', 'v=spf1 ip4:192.0.2.0/24 ~all')).resolver);
    assert.equal(soft.spf.verdict, 'pass');
    assert.equal(soft.spf.all, '~');
    assert.equal(soft.spf.lookups, 0);
    assert.ok(soft.advice.some((line) => /~all/.test(line) && /-all is stricter/.test(line)));
  });

  it('warns about +all, ?all and a missing all', async () => {
    for (const [ending, pattern] of [['+all', /every server in the world/], ['?all', /neutral/], ['', /no "all" term/]] as const) {
      const health = await checkDomainHealth('q.example', null, zone(spf('q.example', `v=spf1 mx ${ending}`.trim())).resolver);
      assert.ok(health.advice.some((line) => pattern.test(line)), `${ending}: ${health.advice.join(' | ')}`);
    }
  });

  it('counts lookups through nested includes: 10 is allowed, 11 is a permerror (RFC 7208 §4.6.4)', async () => {
    const ten = await checkDomainHealth('ten.example', null, zone(includes('ten.example', 5, 1)).resolver);
    assert.equal(ten.spf.lookups, 10);
    assert.equal(ten.spf.verdict, 'pass');
    const eleven = await checkDomainHealth('eleven.example', null, zone(includes('eleven.example', 11)).resolver);
    assert.equal(eleven.spf.lookups, 11);
    assert.equal(eleven.spf.verdict, 'permerror');
    assert.ok(eleven.advice.some((line) => /needs 11 DNS lookups; the limit is 10/.test(line)));
    const nested = await checkDomainHealth('deep.example', null, zone(includes('deep.example', 4, 2)).resolver);
    assert.equal(nested.spf.lookups, 12, 'each include costs one, and its own a terms count too');
    assert.equal(nested.spf.verdict, 'permerror');
  });

  it('follows redirect= for the lookup count and takes the qualifier of the record it points to', async () => {
    const health = await checkDomainHealth('r.example', null, zone({ 'r.example': ['v=spf1 redirect=_spf.r.example'], '_spf.r.example': ['v=spf1 mx a ~all'] }).resolver);
    assert.equal(health.spf.lookups, 3);
    assert.equal(health.spf.all, '~');
    assert.equal(health.spf.verdict, 'pass');
  });

  it('makes a permerror of an include without a record, of a loop, and of two SPF records', async () => {
    const dangling = await checkDomainHealth('d.example', null, zone(spf('d.example', 'v=spf1 include:gone.example -all')).resolver);
    assert.equal(dangling.spf.verdict, 'permerror');
    assert.ok(dangling.advice.some((line) => /gone\.example finds no SPF record/.test(line)));
    const loop = await checkDomainHealth('l.example', null, zone({ 'l.example': ['v=spf1 include:m.example -all'], 'm.example': ['v=spf1 include:l.example -all'] }).resolver);
    assert.equal(loop.spf.verdict, 'permerror');
    assert.ok(loop.advice.some((line) => /loop: l\.example → m\.example → l\.example/.test(line)), loop.advice.join(' | '));
    const two = await checkDomainHealth('two.example', null, zone({ 'two.example': ['v=spf1 mx -all', 'v=spf1 a -all', 'google-site-verification=x'] }).resolver);
    assert.equal(two.spf.verdict, 'permerror');
    assert.ok(two.advice.some((line) => /2 SPF records/.test(line)));
  });

  it('reports a syntax error as invalid, and does not follow macro includes', async () => {
    const bad = await checkDomainHealth('bad.example', null, zone(spf('bad.example', 'v=spf1 ip4:192.0.2 -all')).resolver);
    assert.equal(bad.spf.verdict, 'invalid');
    assert.ok(bad.advice.some((line) => /syntax error/.test(line)));
    const { resolver, asked } = zone(spf('m.example', 'v=spf1 include:%{d}.spf.m.example -all'));
    const macro = await checkDomainHealth('m.example', null, resolver);
    assert.equal(macro.spf.lookups, 1);
    assert.ok(!asked.some((query) => query.includes('%')), asked.join(', '));
  });

  it('turns a DNS failure of the domain itself into a Heron error, but only advice for a nested one', async () => {
    await assert.rejects(checkDomainHealth('slow.example', null, zone({}, { 'slow.example': 'ETIMEOUT' }).resolver), (error: unknown) => error instanceof HeronError && error.code === 'timeout');
    const nested = await checkDomainHealth('n.example', null, zone(spf('n.example', 'v=spf1 include:flaky.example -all'), { 'flaky.example': 'ESERVFAIL' }).resolver);
    assert.equal(nested.spf.verdict, 'pass');
    assert.ok(nested.advice.some((line) => /Could not read the SPF record of flaky\.example/.test(line)));
  });
});

describe('domain health: DMARC', () => {
  for (const policy of ['none', 'quarantine', 'reject'] as const) {
    it(`reports p=${policy} and the report addresses`, async () => {
      const record = `v=DMARC1; p=${policy}; rua=mailto:agg@p.example, mailto:copy@reports.example`;
      const health = await checkDomainHealth('p.example', null, zone({ '_dmarc.p.example': [record] }).resolver);
      assert.equal(health.dmarc.policy, policy);
      assert.equal(health.dmarc.record, record);
      assert.deepEqual(health.dmarc.reports, ['mailto:agg@p.example', 'mailto:copy@reports.example']);
      const dmarcAdvice = health.advice.filter((line) => /DMARC/.test(line));
      if (policy === 'reject') assert.deepEqual(dmarcAdvice, []);
      else assert.ok(dmarcAdvice.some((line) => line.includes(`p=${policy}`)), dmarcAdvice.join(' | '));
    });
  }

  it('says when no reports are asked for, and finds the organizational domain\'s record for a subdomain', async () => {
    const health = await checkDomainHealth('mail.o.example', null, zone({ '_dmarc.o.example': ['v=DMARC1; p=reject'] }).resolver);
    assert.equal(health.dmarc.policy, 'reject');
    assert.deepEqual(health.dmarc.reports, []);
    assert.ok(health.advice.some((line) => /no rua=/.test(line) && /inherited from o\.example/.test(line)), health.advice.join(' | '));
  });
});

describe('domain health: DKIM', () => {
  const key = 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwv8';
  const records = { 's1._domainkey.k.example': [key], 'old._domainkey.k.example': ['v=DKIM1; p='] };

  it('finds a published key', async () => {
    const health = await checkDomainHealth('k.example', 's1', zone(records).resolver);
    assert.deepEqual(health.dkim, { selector: 's1', record: key, hasKey: true });
    assert.ok(!health.advice.some((line) => /DKIM key/.test(line)), health.advice.join(' | '));
  });

  it('says an empty p= is a revoked key, and a missing record points at the selector', async () => {
    const revoked = await checkDomainHealth('k.example', 'old', zone(records).resolver);
    assert.deepEqual(revoked.dkim, { selector: 'old', record: 'v=DKIM1; p=', hasKey: false });
    assert.ok(revoked.advice.some((line) => /revoked/.test(line)));
    const missing = await checkDomainHealth('k.example', 'nope', zone(records).resolver);
    assert.deepEqual(missing.dkim, { selector: 'nope', record: null, hasKey: false });
    assert.ok(missing.advice.some((line) => /No DKIM key is published at nope\._domainkey\.k\.example/.test(line)));
  });
});

describe('domain health: input', () => {
  it('takes the domain of an address, ignores case and a trailing dot, and refuses what is not a domain or selector', async () => {
    assert.equal(normalizeDomain(' Alice@Example.COM. '), 'example.com');
    assert.throws(() => normalizeDomain('not a domain'), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
    await assert.rejects(checkDomainHealth('example.com', 'bad selector', zone({}).resolver), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
  });
});

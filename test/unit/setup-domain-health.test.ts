// The sending domain's health in words: SPF verdicts, lookups and the `all` qualifier, DMARC policies and reports, DKIM keys.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainHealth } from '../../shared/setup';
import { allWords, healthSections, type HealthSection } from '../../src-renderer/features/setup/domain-health';

const healthy: DomainHealth = {
  domain: 'example.test',
  spf: { verdict: 'pass', record: 'v=spf1 mx -all', lookups: 1, all: '-' },
  dmarc: { record: 'v=DMARC1; p=reject; rua=mailto:d@example.test', policy: 'reject', reports: ['mailto:d@example.test'] },
  dkim: null,
  advice: [],
};

function section(health: DomainHealth, title: HealthSection['title']): HealthSection {
  const found = healthSections(health).find((s) => s.title === title);
  assert.ok(found, `no ${title} section`);
  return found;
}

const fact = (s: HealthSection, term: string) => s.facts.find(([t]) => t === term)?.[1];

describe('domain health in words', () => {
  it('a strict SPF record and DMARC p=reject with reports are good, with their facts', () => {
    const spf = section(healthy, 'SPF');
    assert.equal(spf.tone, 'good');
    assert.equal(spf.verdict, 'Published and valid');
    assert.equal(fact(spf, 'Record'), 'v=spf1 mx -all');
    assert.equal(fact(spf, 'DNS lookups'), '1 of at most 10');
    assert.match(fact(spf, 'Other servers') ?? '', /^-all \(fail\): .* rejected$/);
    const dmarc = section(healthy, 'DMARC');
    assert.equal(dmarc.tone, 'good');
    assert.match(dmarc.verdict, /^p=reject: .* refused$/);
    assert.equal(fact(dmarc, 'Reports (rua)'), 'mailto:d@example.test');
  });

  it('says every all-qualifier in words', () => {
    assert.match(allWords('~'), /soft fail.*suspicious, not rejected/);
    assert.match(allWords('?'), /neutral/);
    assert.match(allWords('+'), /every server in the world/);
    assert.match(allWords(null), /No "all" term/);
  });

  it('~all is advice; +all and ?all are problems', () => {
    assert.equal(section({ ...healthy, spf: { ...healthy.spf, all: '~' } }, 'SPF').tone, 'advice');
    assert.equal(section({ ...healthy, spf: { ...healthy.spf, all: '+' } }, 'SPF').tone, 'problem');
    assert.equal(section({ ...healthy, spf: { ...healthy.spf, all: '?' } }, 'SPF').tone, 'problem');
  });

  it('over the lookup limit: permerror, with the count named as too many', () => {
    const spf = section({ ...healthy, spf: { verdict: 'permerror', record: 'v=spf1 include:… -all', lookups: 11, all: '-' } }, 'SPF');
    assert.equal(spf.tone, 'problem');
    assert.match(spf.verdict, /permerror/);
    assert.equal(fact(spf, 'DNS lookups'), '11 of at most 10: too many');
  });

  it('a missing or unreadable SPF record shows no lookup count', () => {
    const missing = section({ ...healthy, spf: { verdict: 'missing', record: null, lookups: 0, all: null } }, 'SPF');
    assert.match(missing.verdict, /^Missing/);
    assert.deepEqual(missing.facts, []);
    const invalid = section({ ...healthy, spf: { verdict: 'invalid', record: 'v=spf1 bogus:x', lookups: 0, all: null } }, 'SPF');
    assert.match(invalid.verdict, /Syntax error/);
    assert.deepEqual(invalid.facts, [['Record', 'v=spf1 bogus:x']]);
  });

  it('DMARC none and quarantine are advice; none requested reports is said', () => {
    const none = section({ ...healthy, dmarc: { record: 'v=DMARC1; p=none', policy: 'none', reports: [] } }, 'DMARC');
    assert.equal(none.tone, 'advice');
    assert.match(none.verdict, /^p=none: monitoring only/);
    assert.match(fact(none, 'Reports (rua)') ?? '', /^None requested/);
    const quarantine = section({ ...healthy, dmarc: { record: 'v=DMARC1; p=quarantine; rua=mailto:a@x.test', policy: 'quarantine', reports: ['mailto:a@x.test', 'mailto:b@y.test'] } }, 'DMARC');
    assert.match(quarantine.verdict, /^p=quarantine: .* spam$/);
    assert.equal(fact(quarantine, 'Reports (rua)'), 'mailto:a@x.test, mailto:b@y.test');
  });

  it('a missing DMARC record, and one without a valid policy, are problems', () => {
    assert.match(section({ ...healthy, dmarc: { record: null, policy: null, reports: [] } }, 'DMARC').verdict, /^Missing/);
    const noPolicy = section({ ...healthy, dmarc: { record: 'v=DMARC1; p=maybe', policy: null, reports: [] } }, 'DMARC');
    assert.equal(noPolicy.tone, 'problem');
    assert.match(noPolicy.verdict, /No valid policy/);
  });

  it('DKIM appears only for a selector: published, revoked or missing', () => {
    assert.deepEqual(healthSections(healthy).map((s) => s.title), ['SPF', 'DMARC']);
    const key = section({ ...healthy, dkim: { selector: 'mail', record: 'v=DKIM1; p=MIIB', hasKey: true } }, 'DKIM');
    assert.equal(key.tone, 'good');
    assert.equal(key.verdict, 'Key published at mail._domainkey.example.test');
    const revoked = section({ ...healthy, dkim: { selector: 'old', record: 'v=DKIM1; p=', hasKey: false } }, 'DKIM');
    assert.match(revoked.verdict, /empty: it was revoked/);
    const missing = section({ ...healthy, dkim: { selector: 'none', record: null, hasKey: false } }, 'DKIM');
    assert.equal(missing.verdict, 'No key published at none._domainkey.example.test');
  });
});

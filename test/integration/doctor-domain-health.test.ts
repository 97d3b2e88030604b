// Domain health through the engine against a real DNS server (the lab's dnsmasq on loopback): SPF over the lookup
// limit, DMARC none/quarantine/reject, and a DKIM selector with and without a key.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { startDns, type DnsZone, type LabDns } from '../lab/dns';

let dns: LabDns;
let profile: string;
let engine: Engine;

const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu2cXvdU4Yq0Jg8Jr0N8tQIDAQAB';

/** Eleven includes, each a record of its own: one lookup over the RFC 7208 limit. */
const tooMany: NonNullable<DnsZone['txt']> = [
  { name: 'many.heron.test', text: `v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:s${i}.many.heron.test`).join(' ')} -all` },
  ...Array.from({ length: 11 }, (_, i) => ({ name: `s${i}.many.heron.test`, text: `v=spf1 ip4:192.0.2.${i} -all` })),
];

before(async () => {
  dns = await startDns({
    txt: [
      ...tooMany,
      { name: '_dmarc.many.heron.test', text: 'v=DMARC1; p=none; rua=mailto:dmarc@many.heron.test' },
      { name: 'soft.heron.test', text: 'v=spf1 mx ~all' },
      { name: '_dmarc.soft.heron.test', text: 'v=DMARC1; p=quarantine; rua=mailto:a@soft.heron.test,mailto:b@reports.heron.test' },
      { name: 'strict.heron.test', text: 'v=spf1 ip4:192.0.2.0/24 -all' },
      { name: '_dmarc.strict.heron.test', text: 'v=DMARC1; p=reject' },
      { name: 'mail2026._domainkey.strict.heron.test', text: ['v=DKIM1; k=rsa; ', `p=${KEY}`] },
      { name: 'old._domainkey.strict.heron.test', text: 'v=DKIM1; p=' },
    ],
  });
  profile = await mkdtemp(path.join(os.tmpdir(), 'heron-domain-health-'));
  engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test', discovery: { dnsServers: [dns.server] } });
});

after(async () => {
  await engine?.shutdown();
  await dns?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('domain health against a local DNS server', () => {
  it('an SPF record needing more than 10 lookups is a permerror; DMARC p=none is reported with its reports address', async () => {
    const health = await engine.api.checkDomainHealth('many.heron.test');
    assert.equal(health.spf.verdict, 'permerror');
    assert.equal(health.spf.lookups, 11);
    assert.equal(health.spf.all, '-');
    assert.equal(health.dmarc.policy, 'none');
    assert.deepEqual(health.dmarc.reports, ['mailto:dmarc@many.heron.test']);
    assert.ok(health.advice.some((line) => /the limit is 10/.test(line)));
  });

  it('~all and DMARC p=quarantine with two report addresses', async () => {
    const health = await engine.api.checkDomainHealth('alice@soft.heron.test');
    assert.equal(health.domain, 'soft.heron.test');
    assert.deepEqual(health.spf, { verdict: 'pass', record: 'v=spf1 mx ~all', lookups: 1, all: '~' });
    assert.equal(health.dmarc.policy, 'quarantine');
    assert.deepEqual(health.dmarc.reports, ['mailto:a@soft.heron.test', 'mailto:b@reports.heron.test']);
  });

  it('-all, DMARC p=reject, and a DKIM selector with a key, a revoked one and a missing one', async () => {
    const withKey = await engine.api.checkDomainHealth('strict.heron.test', 'mail2026');
    assert.equal(withKey.spf.all, '-');
    assert.equal(withKey.dmarc.policy, 'reject');
    assert.deepEqual(withKey.dkim, { selector: 'mail2026', record: `v=DKIM1; k=rsa; p=${KEY}`, hasKey: true });
    const revoked = await engine.api.checkDomainHealth('strict.heron.test', 'old');
    assert.equal(revoked.dkim?.hasKey, false);
    assert.equal(revoked.dkim?.record, 'v=DKIM1; p=');
    const missing = await engine.api.checkDomainHealth('strict.heron.test', 'nope');
    assert.deepEqual(missing.dkim, { selector: 'nope', record: null, hasKey: false });
  });

  it('a domain with no records at all: SPF missing and no DMARC, as advice', async () => {
    const health = await engine.api.checkDomainHealth('empty.heron.test');
    assert.equal(health.spf.verdict, 'missing');
    assert.equal(health.dmarc.record, null);
    assert.ok(health.advice.length >= 2);
  });
});

// Discovery's options: the test port map both ways, the HERON_DISCOVERY_* variables, and a log that leaves nothing out.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import { discoveryOptionsFromEnv } from '../../src-main/discovery/env';
import { DiscoveryLog } from '../../src-main/discovery/log';
import { resolveOptions } from '../../src-main/discovery/options';

describe('discovery settings', () => {
  it('maps standard ports to actual ones and back, and leaves other ports alone', () => {
    const settings = resolveOptions({ portMap: { 993: 16993, 587: 16587 } });
    assert.equal(settings.actualPort(993), 16993);
    assert.equal(settings.actualPort(143), 143);
    assert.equal(settings.nominalPort(16587), 587);
    assert.equal(settings.nominalPort(2525), 2525);
  });

  it('defaults to the system resolver, port 443, Node’s roots and bounded time', () => {
    const settings = resolveOptions();
    assert.equal(settings.dnsServers, null);
    assert.equal(settings.httpsPort, 443);
    assert.equal(settings.ca, undefined);
    assert.ok(settings.timeoutMs > 0 && settings.sourceTimeoutMs <= settings.timeoutMs && settings.probeTimeoutMs <= settings.sourceTimeoutMs);
  });

  it('adds an extra CA to the usual roots rather than replacing them', () => {
    const ca = resolveOptions({ ca: ['PEM'] }).ca ?? [];
    assert.equal(ca.length, tls.rootCertificates.length + 1);
    assert.equal(ca.at(-1), 'PEM');
  });
});

describe('HERON_DISCOVERY_* variables', () => {
  it('are read when set and ignored when not', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-discovery-env-'));
    try {
      const caFile = path.join(dir, 'ca.pem');
      await writeFile(caFile, 'CA PEM');
      assert.deepEqual(discoveryOptionsFromEnv({}), {});
      assert.deepEqual(
        discoveryOptionsFromEnv({
          HERON_DISCOVERY_DNS: '127.0.0.1:5353, [::1]:5353',
          HERON_DISCOVERY_PORTS: '993:16993,143:16143',
          HERON_DISCOVERY_HTTPS_PORT: '8443',
          HERON_DISCOVERY_CA: caFile,
        }),
        { dnsServers: ['127.0.0.1:5353', '[::1]:5353'], portMap: { 993: 16993, 143: 16143 }, httpsPort: 8443, ca: ['CA PEM'] },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('name the variable when a value is malformed', () => {
    assert.throws(() => discoveryOptionsFromEnv({ HERON_DISCOVERY_DNS: 'dns.example.com' }), /^Error: HERON_DISCOVERY_DNS/);
    assert.throws(() => discoveryOptionsFromEnv({ HERON_DISCOVERY_PORTS: '993=16993' }), /HERON_DISCOVERY_PORTS: "993=16993" is not a port/);
    assert.throws(() => discoveryOptionsFromEnv({ HERON_DISCOVERY_PORTS: '993:70000' }), /HERON_DISCOVERY_PORTS: "70000"/);
    assert.throws(() => discoveryOptionsFromEnv({ HERON_DISCOVERY_HTTPS_PORT: 'x' }), /HERON_DISCOVERY_HTTPS_PORT/);
  });
});

describe('discovery log', () => {
  it('records each step once, closes a stopped source’s steps with the reason, and the rest at the end', () => {
    const log = new DiscoveryLog();
    const stop = new AbortController();
    const srv = log.steps('srv', stop.signal);
    const probe = log.steps('probe', new AbortController().signal);
    const answered = srv('_imaps._tcp.example.com SRV');
    answered.found('imap.example.com:993');
    answered.failed('ignored: a step ends once');
    srv('_imap._tcp.example.com SRV');
    probe('imap.example.com address');
    stop.abort(new Error('no answer within 10 ms'));
    srv('_pop3._tcp.example.com SRV');
    const entries = log.finish('time is up');
    assert.deepEqual(entries.map((e) => [e.source, e.what, e.outcome, e.detail]), [
      ['srv', '_imaps._tcp.example.com SRV', 'found', 'imap.example.com:993'],
      ['srv', '_imap._tcp.example.com SRV', 'failed', 'no answer within 10 ms'],
      ['srv', '_pop3._tcp.example.com SRV', 'failed', 'no answer within 10 ms'],
      ['probe', 'imap.example.com address', 'failed', 'time is up'],
    ]);
    assert.ok(entries.every((e) => Number.isInteger(e.ms) && e.ms >= 0));
  });
});

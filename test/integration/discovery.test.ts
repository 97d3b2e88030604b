// Settings discovery against real parts on loopback: dnsmasq serving SRV, MX and host records, an HTTPS server serving
// autoconfig XML, and the lab's Dovecot and Postfix for probing (some behind the fault proxy, to strip STARTTLS and to
// read what the client sent). Every name lives under .test and resolves only through the private dnsmasq.

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { DiscoveredServer, DiscoveryLogEntry, DiscoveryResult } from '../../shared/setup';
import type { ServerSettings } from '../../shared/model';
import { discoverSettings, type DiscoveryOptions } from '../../src-main/discovery/discover';
import { createEngine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { startDns, type LabDns } from '../lab/dns';
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';
import { findFreePorts, LOOPBACK } from '../lab/ports';
import { run } from '../lab/processes';

/** Names the test HTTPS server's certificate is issued for; autoconfig.badcert.test is left out on purpose. */
const CERTIFICATE_NAMES = ['autoconfig.auto.test', 'auto.test', 'wellknown.test', 'autoconfig.redirect.test', 'autoconfig.plainhttp.test', 'autoconfig.huge.test'];

const AUTO_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- As Thunderbird's ISPDB publishes them: placeholders, an unsupported server type, entities. -->
<clientConfig version="1.1">
  <emailProvider id="auto.test">
    <domain>auto.test</domain>
    <displayName>Auto &amp; Co</displayName>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="exchange">
      <hostname>ews.%EMAILDOMAIN%</hostname>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%EMAILDOMAIN%</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`;

const WELL_KNOWN_XML = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="wellknown.test">
  <incomingServer type="imap"><hostname>mail.wellknown.test</hostname><port>143</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></incomingServer>
</emailProvider></clientConfig>
`;

let lab: Lab;
let dns: LabDns;
let scratch: string;
let caPem: string;
let httpsServer: https.Server;
let httpsPort: number;
let plainHttp: http.Server;
let plainHttpRequests = 0;
let stall: net.Server;
const stalledSockets = new Set<net.Socket>();
let stallPort: number;
let silentDns: dgram.Socket;
let closedPort: number;
const proxies: FaultProxy[] = [];
const proxyPorts: Partial<Record<number, number>> = {};

function labPortMap(): Partial<Record<number, number>> {
  const p = lab.ports;
  return { 993: p.imaps, 143: p.imap, 995: p.pop3s, 110: p.pop3, 465: p.smtps, 587: p.submission, 25: p.smtp };
}

function options(extra: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  return { dnsServers: [dns.server], httpsPort, ca: [caPem], portMap: labPortMap(), ...extra };
}

/** A server in one line, so a whole ranking compares at a glance. */
function line(server: DiscoveredServer<ServerSettings>): string {
  const { host, port, security, username } = server.settings;
  const protocol = 'protocol' in server.settings ? `${String(server.settings.protocol)} ` : '';
  return `${protocol}${host}:${port} ${security} ${username} ${server.source}${server.verified ? ' verified' : ''}`;
}

function entry(result: DiscoveryResult, what: string): DiscoveryLogEntry {
  const found = result.log.filter((e) => e.what === what);
  assert.equal(found.length, 1, `exactly one log entry "${what}"; log:\n${result.log.map((e) => `${e.source} ${e.what}: ${e.outcome} ${e.detail}`).join('\n')}`);
  return found[0] as DiscoveryLogEntry;
}

/** A CA:TRUE certificate for the test host names, made the way the lab makes its own (test/lab/certificate.ts). */
async function makeCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const config = path.join(dir, 'openssl.cnf');
  await writeFile(
    config,
    `[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n[dn]\nCN = ${CERTIFICATE_NAMES[0]}\n[v3]\n` +
      `basicConstraints = critical,CA:TRUE\nkeyUsage = critical,digitalSignature,keyCertSign\nextendedKeyUsage = serverAuth\n` +
      `subjectAltName = ${CERTIFICATE_NAMES.map((name) => `DNS:${name}`).join(',')}\n`,
  );
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-config', config, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2']);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve((server.address() as net.AddressInfo).port));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The autoconfig web server: answers by Host header, like virtual hosts would. */
function autoconfigSite(request: http.IncomingMessage, response: http.ServerResponse): void {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  const route = `${host}${request.url ?? ''}`;
  const xml = (body: string) => response.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  if (route === 'autoconfig.auto.test/mail/config-v1.1.xml') xml(AUTO_XML);
  else if (route === 'wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml') xml(WELL_KNOWN_XML);
  else if (route === 'autoconfig.redirect.test/mail/config-v1.1.xml') response.writeHead(302, { location: 'https://autoconfig.auto.test/mail/config-v1.1.xml' }).end();
  else if (route === 'autoconfig.plainhttp.test/mail/config-v1.1.xml')
    response.writeHead(301, { location: `http://autoconfig.plainhttp.test:${(plainHttp.address() as net.AddressInfo).port}/mail/config-v1.1.xml` }).end();
  else if (route === 'autoconfig.huge.test/mail/config-v1.1.xml') xml(`${AUTO_XML}<!--${'x'.repeat(200_000)}-->`);
  else response.writeHead(404).end();
}

before(async () => {
  lab = await startLab();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'heron-discovery-'));
  const certificate = await makeCertificate(scratch);
  caPem = certificate.cert;
  httpsServer = https.createServer({ key: certificate.key, cert: certificate.cert }, autoconfigSite);
  httpsPort = await listen(httpsServer);
  plainHttp = http.createServer((_request, response) => {
    plainHttpRequests++;
    response.writeHead(200, { 'content-type': 'application/xml' }).end(AUTO_XML);
  });
  await listen(plainHttp);
  // Accepts and never says a word: a TLS handshake or a greeting waits forever. It reads (and drops) what comes, or
  // it would never see the client close.
  stall = net.createServer((socket) => {
    socket.resume();
    stalledSockets.add(socket);
    socket.on('close', () => stalledSockets.delete(socket));
  });
  stallPort = await listen(stall);
  // A DNS server that receives every query and answers none.
  silentDns = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silentDns.bind(0, LOOPBACK, () => resolve()));
  [closedPort = 0] = await findFreePorts(1);
  // Plain ports with STARTTLS/STLS stripped: what a server without encryption looks like; the proxies also record
  // every byte the client sent.
  const strip = async (standard: number, port: number, word: string) => {
    const proxy = await startFaultProxy({ target: { host: LOOPBACK, port }, stripCapabilities: [word] });
    proxies.push(proxy);
    proxyPorts[standard] = proxy.port;
  };
  await strip(143, lab.ports.imap, 'STARTTLS');
  await strip(110, lab.ports.pop3, 'STLS');
  await strip(587, lab.ports.submission, 'STARTTLS');
  await strip(25, lab.ports.smtp, 'STARTTLS');

  const local = (name: string) => ({ name, address: LOOPBACK });
  dns = await startDns({
    srv: [
      { name: '_imaps._tcp.srv.test', target: 'imap-b.srv.test', port: lab.ports.imaps, priority: 10, weight: 0 },
      { name: '_imaps._tcp.srv.test', target: 'imap-c.srv.test', port: lab.ports.imaps, priority: 0, weight: 1 },
      { name: '_imaps._tcp.srv.test', target: 'imap-a.srv.test', port: lab.ports.imaps, priority: 0, weight: 5 },
      { name: '_imap._tcp.srv.test', target: 'imap-a.srv.test', port: lab.ports.imap },
      { name: '_pop3s._tcp.srv.test' },
      { name: '_pop3._tcp.srv.test', target: 'pop.elsewhere.test', port: lab.ports.pop3 },
      { name: '_submissions._tcp.srv.test', target: 'out.srv.test', port: lab.ports.smtps },
      { name: '_submission._tcp.srv.test', target: 'out.srv.test', port: lab.ports.submission },
      { name: '_imaps._tcp.stall.test', target: 'imap.stall.test', port: lab.ports.imaps },
    ],
    mx: [
      { name: 'workspace.test', host: 'alt1.aspmx.l.google.com', preference: 5 },
      { name: 'workspace.test', host: 'aspmx.l.google.com', preference: 1 },
      { name: 'm365.test', host: 'm365-test.mail.protection.outlook.com' },
      { name: 'other.test', host: 'mx.other-hoster.test' },
    ],
    hosts: [
      ...['imap-a.srv.test', 'imap-b.srv.test', 'imap-c.srv.test', 'out.srv.test', 'pop.elsewhere.test'].map(local),
      ...['autoconfig.auto.test', 'wellknown.test', 'autoconfig.redirect.test', 'autoconfig.plainhttp.test', 'autoconfig.huge.test', 'autoconfig.badcert.test'].map(local),
      ...['imap.probe.test', 'pop.probe.test', 'smtp.probe.test'].map(local),
      ...['imap.plain.test', 'pop.plain.test', 'smtp.plain.test'].map(local),
      ...['imap.stall.test', 'autoconfig.stall.test'].map(local),
    ],
  });
});

after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  for (const socket of stalledSockets) socket.destroy();
  await Promise.all([httpsServer, plainHttp, stall].filter(Boolean).map(close));
  silentDns?.close();
  await lab?.stop();
  if (dns) {
    await dns.stop();
    assert.deepEqual(await dns.processes(), [], 'no dnsmasq process is left after stop()');
  }
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('settings discovery', () => {
  it('finds SRV records, orders them by priority then weight, checks each server, and logs every step', async () => {
    const result = await discoverSettings('jane@srv.test', options());
    const { imaps, imap, pop3, smtps, submission } = lab.ports;
    assert.deepEqual(result.incoming.map(line), [
      `imap imap-a.srv.test:${imaps} tls jane@srv.test srv verified`,
      `imap imap-c.srv.test:${imaps} tls jane@srv.test srv verified`,
      `imap imap-b.srv.test:${imaps} tls jane@srv.test srv verified`,
      `imap imap-a.srv.test:${imap} starttls jane@srv.test srv verified`,
      `pop3 pop.elsewhere.test:${pop3} starttls jane@srv.test srv verified`,
    ]);
    assert.deepEqual(result.outgoing.map(line), [
      `out.srv.test:${smtps} tls jane@srv.test srv verified`,
      `out.srv.test:${submission} starttls jane@srv.test srv verified`,
    ]);
    assert.equal(result.domain, 'srv.test');
    assert.match(entry(result, '_pop3s._tcp.srv.test SRV').detail, /not offered/);
    assert.match(entry(result, '_pop3._tcp.srv.test SRV').detail, /outside srv\.test: pop\.elsewhere\.test; check that you trust it/);
    assert.equal(entry(result, '_submissions._tcp.srv.test SRV').outcome, 'found');
    assert.equal(entry(result, '_imaps._tcp.srv.test SRV').outcome, 'found');
    assert.equal(entry(result, `IMAP imap-a.srv.test:993 SSL/TLS (at port ${imaps})`).source, 'srv');
    assert.equal(entry(result, 'https://autoconfig.srv.test/mail/config-v1.1.xml').outcome, 'nothing');
    assert.equal(entry(result, 'https://srv.test/.well-known/autoconfig/mail/config-v1.1.xml').outcome, 'nothing');
    assert.equal(entry(result, 'built-in settings for srv.test').outcome, 'nothing');
    assert.equal(entry(result, 'srv.test MX').outcome, 'nothing');
    for (const host of ['imap', 'pop', 'pop3', 'smtp', 'mail'].map((prefix) => `${prefix}.srv.test`).concat('srv.test'))
      assert.match(entry(result, `${host} address`).detail, /no such host/);
    for (const e of result.log) {
      assert.ok(['found', 'nothing', 'failed', 'skipped'].includes(e.outcome), e.what);
      assert.ok(Number.isInteger(e.ms) && e.ms >= 0, e.what);
    }
    assert.equal(result.log.filter((e) => e.source === 'srv' && e.what.endsWith(' SRV')).length, 6);
  });

  it('reads autoconfig from autoconfig.<domain> with placeholders filled in, and follows an HTTPS redirect', async () => {
    const [auto, redirected] = await Promise.all([discoverSettings('jane@auto.test', options()), discoverSettings('joe@redirect.test', options())]);
    const map = labPortMap();
    assert.deepEqual(auto.incoming.map(line), [
      `imap imap.auto.test:${map[993]} tls jane autoconfig`,
      `pop3 pop.auto.test:${map[995]} tls jane@auto.test autoconfig`,
    ]);
    assert.deepEqual(auto.outgoing.map(line), [`smtp.auto.test:${map[587]} starttls jane@auto.test autoconfig`]);
    const found = entry(auto, 'https://autoconfig.auto.test/mail/config-v1.1.xml');
    assert.equal(found.outcome, 'found');
    assert.match(found.detail, /left out: incomingServer of type "exchange"/);
    // The servers it names have no address here: checked, not reached, so named-only.
    assert.match(entry(auto, `IMAP imap.auto.test:993 SSL/TLS (at port ${map[993]})`).detail, /has no address/);
    assert.equal(entry(auto, 'https://auto.test/.well-known/autoconfig/mail/config-v1.1.xml').outcome, 'nothing');

    assert.deepEqual(redirected.incoming.map(line).slice(0, 1), [`imap imap.redirect.test:${map[993]} tls joe autoconfig`]);
    assert.match(entry(redirected, 'https://autoconfig.redirect.test/mail/config-v1.1.xml').detail, /redirected to https:\/\/autoconfig\.auto\.test\//);
  });

  it('reads autoconfig from <domain>/.well-known', async () => {
    const result = await discoverSettings('jane@wellknown.test', options());
    const map = labPortMap();
    assert.equal(entry(result, 'https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml').outcome, 'found');
    assert.ok(
      result.incoming.map(line).includes(`imap mail.wellknown.test:${map[143]} starttls jane@wellknown.test autoconfig`),
      result.incoming.map(line).join('\n'),
    );
  });

  it('takes autoconfig over verified HTTPS only: no redirect to http, no untrusted certificate, no oversized file', async () => {
    const [plain, badCertificate, huge] = await Promise.all(
      ['plainhttp.test', 'badcert.test', 'huge.test'].map((domain) => discoverSettings(`jane@${domain}`, options())),
    );
    const plainEntry = entry(plain as DiscoveryResult, 'https://autoconfig.plainhttp.test/mail/config-v1.1.xml');
    assert.equal(plainEntry.outcome, 'failed');
    assert.match(plainEntry.detail, /refused to follow a redirect to http:\/\//);
    assert.equal(plainHttpRequests, 0, 'the plain http URL was never requested');
    const certificateEntry = entry(badCertificate as DiscoveryResult, 'https://autoconfig.badcert.test/mail/config-v1.1.xml');
    assert.equal(certificateEntry.outcome, 'failed');
    assert.match(certificateEntry.detail, /certificate is not trusted: it was issued for another name/);
    const hugeEntry = entry(huge as DiscoveryResult, 'https://autoconfig.huge.test/mail/config-v1.1.xml');
    assert.equal(hugeEntry.outcome, 'failed');
    assert.match(hugeEntry.detail, /larger than/);
    for (const result of [plain, badCertificate, huge] as DiscoveryResult[]) {
      assert.deepEqual([...result.incoming, ...result.outgoing].filter((server) => server.source === 'autoconfig'), []);
    }
  });

  it('knows the largest providers from its own table, username rules included', async () => {
    // No port map and no records for these names: nothing is connected to, the servers stay named-only.
    const noProbes = { dnsServers: [dns.server] };
    const [gmail, icloud] = await Promise.all([discoverSettings('jane@gmail.com', noProbes), discoverSettings('jane.doe@icloud.com', noProbes)]);
    assert.deepEqual(gmail.incoming.map(line), ['imap imap.gmail.com:993 tls jane@gmail.com provider', 'pop3 pop.gmail.com:995 tls jane@gmail.com provider']);
    assert.deepEqual(gmail.outgoing.map(line), ['smtp.gmail.com:465 tls jane@gmail.com provider', 'smtp.gmail.com:587 starttls jane@gmail.com provider']);
    const table = entry(gmail, 'built-in settings for gmail.com');
    assert.equal(table.outcome, 'found');
    assert.match(table.detail, /Google.*app password/);
    assert.match(entry(gmail, 'IMAP imap.gmail.com:993 SSL/TLS').detail, /has no address/);
    assert.deepEqual(icloud.incoming.map(line), ['imap imap.mail.me.com:993 tls jane.doe provider']);
    assert.deepEqual(icloud.outgoing.map(line), ['smtp.mail.me.com:587 starttls jane.doe@icloud.com provider']);
  });

  it('recognises a provider by the domain’s MX hosts', async () => {
    const noProbes = { dnsServers: [dns.server] };
    const [workspace, m365, other] = await Promise.all(
      ['workspace.test', 'm365.test', 'other.test'].map((domain) => discoverSettings(`jane@${domain}`, noProbes)),
    );
    assert.deepEqual((workspace as DiscoveryResult).incoming.map(line), ['imap imap.gmail.com:993 tls jane@workspace.test mx', 'pop3 pop.gmail.com:995 tls jane@workspace.test mx']);
    assert.match(entry(workspace as DiscoveryResult, 'workspace.test MX').detail, /aspmx\.l\.google\.com, which is Google Workspace/);
    assert.deepEqual((m365 as DiscoveryResult).incoming.map(line)[0], 'imap outlook.office365.com:993 tls jane@m365.test mx');
    assert.deepEqual((m365 as DiscoveryResult).outgoing.map(line), ['smtp.office365.com:587 starttls jane@m365.test mx']);
    const unknown = entry(other as DiscoveryResult, 'other.test MX');
    assert.equal(unknown.outcome, 'nothing');
    assert.match(unknown.detail, /mx\.other-hoster\.test, which is no provider Heron knows/);
    assert.deepEqual([...(other as DiscoveryResult).incoming, ...(other as DiscoveryResult).outgoing], []);
  });

  it('probes likely hosts on the lab: implicit TLS first, then STARTTLS, SMTP port 25 after 587', async () => {
    const result = await discoverSettings('jane@probe.test', options());
    const { imaps, imap, pop3s, pop3, smtps, submission, smtp } = lab.ports;
    assert.deepEqual(result.incoming.map(line), [
      `imap imap.probe.test:${imaps} tls jane@probe.test probe verified`,
      `pop3 pop.probe.test:${pop3s} tls jane@probe.test probe verified`,
      `imap imap.probe.test:${imap} starttls jane@probe.test probe verified`,
      `pop3 pop.probe.test:${pop3} starttls jane@probe.test probe verified`,
    ]);
    assert.deepEqual(result.outgoing.map(line), [
      `smtp.probe.test:${smtps} tls jane@probe.test probe verified`,
      `smtp.probe.test:${submission} starttls jane@probe.test probe verified`,
      `smtp.probe.test:${smtp} starttls jane@probe.test probe verified`,
    ]);
    // The lab's certificate names localhost, not imap.probe.test: reported, not hidden, and not a reason to drop it.
    assert.match(entry(result, `IMAP imap.probe.test:993 SSL/TLS (at port ${imaps})`).detail, /certificate is not trusted/);
    assert.equal(entry(result, `IMAP imap.probe.test:143 plain, looking for STARTTLS (at port ${imap})`).detail, 'answered and offers STARTTLS');
    for (const host of ['pop3.probe.test', 'mail.probe.test', 'probe.test']) assert.equal(entry(result, `${host} address`).outcome, 'nothing');
  });

  it('lists plaintext only when nothing encrypted answers, says so, and never sends a credential', async () => {
    const result = await discoverSettings(
      'jane@plain.test',
      options({ portMap: { 993: closedPort, 995: closedPort, 465: closedPort, ...proxyPorts } }),
    );
    assert.deepEqual(result.incoming.map(line), [
      `imap imap.plain.test:${proxyPorts[143]} none jane@plain.test probe verified`,
      `pop3 pop.plain.test:${proxyPorts[110]} none jane@plain.test probe verified`,
    ]);
    assert.deepEqual(result.outgoing.map(line), [
      `smtp.plain.test:${proxyPorts[587]} none jane@plain.test probe verified`,
      `smtp.plain.test:${proxyPorts[25]} none jane@plain.test probe verified`,
    ]);
    assert.match(entry(result, `IMAP imap.plain.test:143 plain, looking for STARTTLS (at port ${proxyPorts[143]})`).detail, /travel unencrypted/);
    assert.equal(entry(result, `IMAP imap.plain.test:993 SSL/TLS (at port ${closedPort})`).detail, 'connection refused');
    const sent = proxies.flatMap((proxy) => proxy.clientSent()).map((chunk) => chunk.toString('latin1')).join('');
    assert.match(sent, /CAPABILITY/);
    assert.match(sent, /CAPA\r\n/);
    assert.match(sent, /EHLO /);
    assert.doesNotMatch(sent, /LOGIN|AUTHENTICATE|\bAUTH\b|\bUSER\b|\bPASS\b|\bAPOP\b/i);
  });

  it('a source that stalls runs out of time without holding up the others, and lets go of its connections', async () => {
    const result = await discoverSettings(
      'jane@stall.test',
      options({ httpsPort: stallPort, portMap: { ...labPortMap(), 143: stallPort }, sourceTimeoutMs: 1_500, probeTimeoutMs: 1_000 }),
    );
    assert.equal(line(result.incoming[0] as DiscoveredServer<ServerSettings>), `imap imap.stall.test:${lab.ports.imaps} tls jane@stall.test srv verified`);
    const autoconfig = entry(result, 'https://autoconfig.stall.test/mail/config-v1.1.xml');
    assert.equal(autoconfig.outcome, 'failed');
    assert.equal(autoconfig.detail, 'no answer within 1500 ms');
    const probe = entry(result, `IMAP imap.stall.test:143 plain, looking for STARTTLS (at port ${stallPort})`);
    assert.equal(probe.outcome, 'failed');
    assert.equal(probe.detail, 'no answer within 1000 ms');
    // Both stalled connections were closed by discovery, not left open.
    while (stalledSockets.size > 0) await new Promise((resolve) => [...stalledSockets][0]?.once('close', resolve));
  });

  it('ends at its own time limit when DNS never answers, keeping what the built-in table knew', async () => {
    const silent = `${LOOPBACK}:${(silentDns.address() as net.AddressInfo).port}`;
    const result = await discoverSettings('jane@gmail.com', { dnsServers: [silent], timeoutMs: 1_500 });
    assert.equal(line(result.incoming[0] as DiscoveredServer<ServerSettings>), 'imap imap.gmail.com:993 tls jane@gmail.com provider');
    const limit = "discovery's time limit of 1500 ms was reached";
    assert.equal(entry(result, 'gmail.com MX').detail, limit);
    assert.equal(entry(result, '_imaps._tcp.gmail.com SRV').detail, limit);
    assert.equal(entry(result, 'https://autoconfig.gmail.com/mail/config-v1.1.xml').detail, limit);
    assert.equal(entry(result, 'imap.gmail.com address').detail, limit);
    assert.equal(entry(result, 'built-in settings for gmail.com').outcome, 'found');
  });

  it('is what the engine answers, with the engine’s discovery options; a non-address is invalid input', async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-discovery-engine-'));
    const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test', discovery: options() });
    try {
      const result = await engine.api.discoverSettings('  jane@srv.test ');
      assert.equal(result.email, 'jane@srv.test');
      assert.equal(line(result.incoming[0] as DiscoveredServer<ServerSettings>), `imap imap-a.srv.test:${lab.ports.imaps} tls jane@srv.test srv verified`);
      await assert.rejects(engine.api.discoverSettings('jane.srv.test'), (error: unknown) => error instanceof HeronError && error.code === 'invalid-input');
    } finally {
      await engine.shutdown();
      await rm(profile, { recursive: true, force: true });
    }
  });
});

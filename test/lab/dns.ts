// Owns the lab's private DNS server: dnsmasq on 127.0.0.1 and a free high port, answering only the records a test gives.
//
// Facts checked on this machine (dnsmasq 2.90, run as root):
// - `--no-daemon` keeps dnsmasq in the foreground and as root (it switches to `nobody` only when it daemonizes), so no
//   `--user=` is needed; it then writes no pid file, answers TCP in the same process, and logs to stderr.
// - Without upstream servers dnsmasq answers REFUSED for names it was not given; `--local=/#/` makes that NXDOMAIN, as
//   an authoritative server would say, so "no such name" looks like the real thing to resolvers.
// - On the command line quotes are taken literally (a TXT value with a comma would split); in a config file quoted
//   strings with backslash escapes work. So the records go into a config file, which also keeps /etc/dnsmasq.conf out.
//   TXT strings longer than 255 bytes are split by dnsmasq itself.
// - It binds UDP and TCP on one port, while findFreePorts checks only TCP: a UDP clash makes it exit with "Address
//   already in use", and startDns retries on another port.
import { randomUUID } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureSystemPackages } from './packages';
import { findFreePorts, LOOPBACK } from './ports';
import type { Daemon } from './processes';
import { findProcesses, logTail, processTree, spawnDaemon, terminate, waitFor } from './processes';

const DNSMASQ = '/usr/sbin/dnsmasq';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
/** A TXT record only this server knows: readiness means this very dnsmasq answers, not some other process on the port. */
const READY_NAME = 'heron-dns-ready.invalid';

export interface DnsZone {
  /** SRV records; without a target the record says "not offered" (target "."). */
  srv?: Array<{ name: string; target?: string; port?: number; priority?: number; weight?: number }>;
  mx?: Array<{ name: string; host: string; preference?: number }>;
  /** TXT records; each string is one character-string of the record (dnsmasq splits those over 255 bytes). */
  txt?: Array<{ name: string; text: string | string[] }>;
  /** A or AAAA records (with the matching PTR). */
  hosts?: Array<{ name: string; address: string }>;
}

export interface LabDns {
  host: '127.0.0.1';
  port: number;
  /** `127.0.0.1:<port>`, as `Resolver#setServers` and discovery's `dnsServers` take it. */
  server: string;
  stateDir: string;
  /** Every live process of this server (the reaper and dnsmasq); tests assert it is empty after stop(). */
  processes(): Promise<number[]>;
  stop(): Promise<void>;
}

function name(value: string): string {
  // dnsmasq separates fields with commas and lines with newlines; such a name would silently mean something else.
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error(`dns: ${JSON.stringify(value)} is not a DNS name dnsmasq can be given`);
  return value;
}

function address(value: string): string {
  if (!net.isIP(value)) throw new Error(`dns: ${JSON.stringify(value)} is not an IP address`);
  return value;
}

function quoted(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`dns: TXT text may not contain a line break: ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The zone as dnsmasq config lines (the long-option names without "--"). */
function zoneConfig(zone: DnsZone): string {
  const lines = [
    ...(zone.srv ?? []).map((record) =>
      record.target === undefined || record.target === '.'
        ? `srv-host=${name(record.name)}`
        : `srv-host=${name(record.name)},${name(record.target)},${record.port ?? 0},${record.priority ?? 0},${record.weight ?? 0}`,
    ),
    ...(zone.mx ?? []).map((record) => `mx-host=${name(record.name)},${name(record.host)},${record.preference ?? 10}`),
    ...(zone.txt ?? []).map((record) => `txt-record=${name(record.name)},${[record.text].flat().map(quoted).join(',')}`),
    ...(zone.hosts ?? []).map((record) => `host-record=${name(record.name)},${address(record.address)}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function answersReady(port: number, token: string): Promise<boolean> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`${LOOPBACK}:${port}`]);
  try {
    return (await resolver.resolveTxt(READY_NAME)).some((strings) => strings.join('') === token);
  } catch {
    return false;
  }
}

async function stopServer(daemon: Daemon): Promise<void> {
  if (daemon.exit) return;
  // SIGTERM to the reaper and dnsmasq alike (the reaper forwards it too); dnsmasq exits at once, then the reaper.
  await terminate(await processTree(daemon.pid), STOP_TIMEOUT_MS);
  await waitFor(
    async () => (daemon.exit ? true : undefined),
    STOP_TIMEOUT_MS,
    async () => `the dnsmasq reaper (pid ${daemon.pid}) was not reaped within ${STOP_TIMEOUT_MS} ms`,
  );
}

/** Starts dnsmasq serving `zone` (and nothing else) and resolves once it answers. Call stop() when done. */
export async function startDns(zone: DnsZone = {}): Promise<LabDns> {
  await ensureSystemPackages(['dnsmasq']);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'heron-dns-'));
  const configFile = path.join(stateDir, 'zone.conf');
  const output = path.join(stateDir, 'dnsmasq.log');
  const processes = (): Promise<number[]> => findProcesses(({ commandLine }) => commandLine.includes(`${stateDir}/`));
  try {
    const token = randomUUID();
    await writeFile(configFile, `${zoneConfig(zone)}txt-record=${READY_NAME},${quoted(token)}\n`);
    for (let attempt = 1; ; attempt++) {
      const [port = 0] = await findFreePorts(1);
      const daemon = await spawnDaemon(
        DNSMASQ,
        [
          '--no-daemon', '--no-resolv', '--no-hosts', '--local=/#/', '--log-queries',
          `--port=${port}`, `--listen-address=${LOOPBACK}`, '--bind-interfaces', `--conf-file=${configFile}`,
        ],
        output,
      );
      try {
        await waitFor(
          async () => {
            if (daemon.exit) throw new Error(`dnsmasq exited during start-up (exit code ${String(daemon.exit.code)}). Output ${output}:\n${await logTail(output)}`);
            return (await answersReady(port, token)) ? true : undefined;
          },
          START_TIMEOUT_MS,
          async () => `dnsmasq did not answer on ${LOOPBACK}:${port} within ${START_TIMEOUT_MS} ms. Output ${output}:\n${await logTail(output)}`,
        );
      } catch (error) {
        await stopServer(daemon);
        if (attempt < PORT_ATTEMPTS && /Address already in use/i.test((error as Error).message)) continue;
        throw error;
      }
      let stopped = false;
      return {
        host: LOOPBACK,
        port,
        server: `${LOOPBACK}:${port}`,
        stateDir,
        processes,
        async stop() {
          if (stopped) return;
          stopped = true;
          await stopServer(daemon);
          await rm(stateDir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await terminate(await processes(), STOP_TIMEOUT_MS);
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

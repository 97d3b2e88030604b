// Owns the lab's TCP ports: picking free loopback ports and waiting until a server greets on one.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { delay } from './processes';

export const LOOPBACK = '127.0.0.1';

/** imap = plaintext+STARTTLS, imaps = implicit TLS, pop3 = plaintext+STLS, pop3s, submission = STARTTLS required then AUTH, smtps = implicit TLS + AUTH, smtp = plain port. */
export interface LabPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
  submission: number;
  smtps: number;
  smtp: number;
}

/** One attempt to read a greeting may take this long before it counts as a failed attempt and is retried. */
const GREETING_ATTEMPT_TIMEOUT_MS = 2_000;

/** Fallback when /proc cannot be read: Linux's default ephemeral range. */
const DEFAULT_EPHEMERAL_START = 32768;
/** Lowest port the lab picks: clear of well-known and most registered service ports used on developer machines. */
const LOWEST_LAB_PORT = 10000;

/** First port of the kernel's ephemeral range (outgoing connections take their source ports from it). */
async function ephemeralStart(): Promise<number> {
  try {
    const [start] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/);
    const port = Number(start);
    return Number.isInteger(port) && port > 1024 ? port : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

function listen(server: net.Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(true));
  });
}

/**
 * Picks `count` distinct free ports on 127.0.0.1, below the kernel's ephemeral range: a port inside it could be
 * taken as the source port of some outgoing connection between our check and the daemon's bind. Candidates are
 * random, so concurrent labs rarely try the same ones, and each is test-bound; all stay bound until every port is
 * known, then are released for the daemons. Should another process still take one in that gap, the daemon fails
 * to bind and startLab() retries with new ports.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    const high = (await ephemeralStart()) - 1;
    const low = high - LOWEST_LAB_PORT > 1000 ? LOWEST_LAB_PORT : 1025;
    for (let attempt = 0; ports.length < count && attempt < count * 50; attempt++) {
      const candidate = randomInt(low, high + 1);
      if (ports.includes(candidate)) continue;
      const server = net.createServer();
      if (await listen(server, candidate)) {
        servers.push(server);
        ports.push(candidate);
      }
    }
    // A crowded range (unlikely): let the kernel choose the rest.
    while (ports.length < count) {
      const server = net.createServer();
      if (!(await listen(server, 0))) throw new Error('cannot bind any port on 127.0.0.1');
      servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export interface GreetingProbe {
  port: number;
  /** Implicit TLS: the probe does the handshake, trusting only this CA, before reading the greeting. */
  tls?: { ca: string; servername: string };
  /** The greeting must start with this (`* OK`, `+OK`, `220`). */
  expect: string;
}

/** Connects once, reads the first line, and closes. Rejects on refusal, TLS failure, an unexpected line or a timeout. */
export function readGreeting(probe: GreetingProbe, timeoutMs = GREETING_ATTEMPT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = probe.tls
      ? tls.connect({ host: LOOPBACK, port: probe.port, ca: probe.tls.ca, servername: probe.tls.servername })
      : net.connect({ host: LOOPBACK, port: probe.port });
    let buffered = '';
    const finish = (error: Error | undefined, line?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(line as string);
    };
    const timer = setTimeout(() => finish(new Error(`no greeting on port ${probe.port} within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      const line = buffered.slice(0, end).replace(/\r$/, '');
      if (line.startsWith(probe.expect)) finish(undefined, line);
      else finish(new Error(`port ${probe.port} greeted with ${JSON.stringify(line)}, expected ${probe.expect}…`));
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`port ${probe.port} closed before greeting`)));
  });
}

/**
 * Retries `readGreeting` until it succeeds or `timeoutMs` passes; then throws an error built by `explain`, which
 * should name the daemon's log file and quote its tail, since that is where the reason is.
 */
export async function waitForGreeting(probe: GreetingProbe, timeoutMs: number, explain: (lastError: string) => Promise<string>): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    try {
      return await readGreeting(probe, Math.min(GREETING_ATTEMPT_TIMEOUT_MS, Math.max(100, deadline - Date.now())));
    } catch (error) {
      lastError = (error as Error).message;
    }
    await delay(50);
  }
  throw new Error(await explain(lastError));
}

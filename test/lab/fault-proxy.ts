// A fault-injecting TCP proxy for tests: relays to a loopback mail server, records both directions, and cuts,
// stalls or corrupts the stream on cue. Pieces: fault-proxy-pipe (faults), -capabilities/-protocols (stripping).
import net, { type Socket } from 'node:net';
import { CapabilityStripper } from './fault-proxy-capabilities';
import { FaultLedger, FaultPipe } from './fault-proxy-pipe';
import type { Fault, FaultProxy, FaultProxyOptions } from './fault-proxy-types';

export type { Direction, Fault, FaultAction, FaultProxy, FaultProxyOptions, FaultTrigger } from './fault-proxy-types';

const DEFAULT_WAIT_MS = 5000;

/** Start a proxy on 127.0.0.1 (ephemeral port) in front of `options.target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  assertLoopbackTarget(options.target);
  const faults = options.faults ?? [];
  assertFaults(faults);
  const server = new ProxyServer(options.target, new FaultLedger(faults), options.stripCapabilities ?? []);
  await server.listen();
  return server.api();
}

/** This workplace forbids traffic beyond the machine, so the proxy refuses to forward anywhere else. */
function assertLoopbackTarget({ host, port }: FaultProxyOptions['target']): void {
  const loopback = host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
  if (!loopback) throw new Error(`fault proxy: target host ${host} is not loopback (127.0.0.0/8, ::1, localhost)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`fault proxy: bad target port ${port}`);
}

/** A typo in a fault should fail the test that wrote it, not silently never fire. */
function assertFaults(faults: readonly Fault[]): void {
  for (const fault of faults) {
    const problem = faultProblem(fault);
    if (problem !== undefined) throw new TypeError(`fault proxy: ${problem} in ${JSON.stringify(fault)}`);
  }
}

function faultProblem({ trigger, action, connection }: Fault): string | undefined {
  const isCount = (n: unknown, min: number): boolean => Number.isInteger(n) && (n as number) >= min;
  if ('afterBytes' in trigger && !isCount(trigger.afterBytes, 0)) return 'afterBytes must be an integer >= 0';
  if ('onText' in trigger && trigger.onText === '') return 'onText must not be empty';
  if ('onText' in trigger && trigger.nth !== undefined && !isCount(trigger.nth, 1)) return 'nth must be an integer >= 1';
  if ('onText' in trigger && trigger.thenBytes !== undefined && !isCount(trigger.thenBytes, 0)) return 'thenBytes must be an integer >= 0';
  if (action.kind === 'corrupt' && action.bytes !== undefined && !isCount(action.bytes, 1)) {
    return 'corrupt bytes must be an integer >= 1';
  }
  if (action.kind === 'stall' && action.ms !== undefined && !isCount(action.ms, 0)) {
    return 'stall ms must be an integer >= 0';
  }
  if (connection !== undefined && !isCount(connection, 1)) return 'connection must be an integer >= 1';
  return undefined;
}

/** What the proxy recorded on one connection, chunk by chunk as received. */
interface Recording {
  client: Buffer[];
  server: Buffer[];
}

interface Waiter {
  count: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class ProxyServer {
  private readonly listener = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
  private readonly recordings: Recording[] = [];
  private readonly relays = new Set<Relay>();
  private readonly waiters = new Set<Waiter>();
  private closedCount = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly target: FaultProxyOptions['target'],
    private readonly ledger: FaultLedger,
    private readonly stripWords: readonly string[],
  ) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(0, '127.0.0.1', () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
  }

  api(): FaultProxy {
    const address = this.listener.address();
    if (address === null || typeof address === 'string') throw new Error('fault proxy: listener has no TCP address');
    return {
      host: '127.0.0.1',
      port: address.port,
      clientSent: () => this.recordings.map((recording) => Buffer.concat(recording.client)),
      serverSent: () => this.recordings.map((recording) => Buffer.concat(recording.server)),
      fired: () => this.ledger.history(),
      connections: () => this.recordings.length,
      dropConnections: () => {
        for (const relay of this.relays) relay.destroy();
      },
      setFaults: (faults) => {
        assertFaults(faults);
        this.ledger.replace(faults);
      },
      waitForClosed: (count, timeoutMs = DEFAULT_WAIT_MS) => this.waitForClosed(count, timeoutMs),
      close: () => this.close(),
    };
  }

  private accept(client: Socket): void {
    if (this.closing !== undefined) {
      client.destroy();
      return;
    }
    const recording: Recording = { client: [], server: [] };
    this.recordings.push(recording);
    const stripper = this.stripWords.length > 0 ? new CapabilityStripper(this.stripWords) : undefined;
    const relay = new Relay(this.recordings.length, client, this.target, this.ledger, recording, stripper);
    this.relays.add(relay);
    void relay.closed.then(() => {
      this.relays.delete(relay);
      this.closedCount++;
      this.settleWaiters();
    });
  }

  private waitForClosed(count: number, timeoutMs: number): Promise<void> {
    if (this.closedCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`fault proxy: ${this.closedCount} of ${count} connections closed within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private settleWaiters(failure?: Error): void {
    for (const waiter of this.waiters) {
      if (this.closedCount < waiter.count && failure === undefined) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      if (this.closedCount >= waiter.count) waiter.resolve();
      else waiter.reject(failure ?? new Error('fault proxy: closed'));
    }
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      const listenerClosed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
      const relays = [...this.relays];
      for (const relay of relays) relay.destroy();
      await Promise.all([listenerClosed, ...relays.map((relay) => relay.closed)]);
      this.settleWaiters(new Error(`fault proxy: closed with only ${this.closedCount} connections closed`));
    })();
    return this.closing;
  }
}

/** One client connection and its connection to the target, joined by a fault pipe each way. */
class Relay {
  readonly closed: Promise<void>;
  private readonly upstream: Socket;
  private readonly toServer: FaultPipe;
  private readonly toClient: FaultPipe;

  constructor(
    id: number,
    private readonly client: Socket,
    target: FaultProxyOptions['target'],
    ledger: FaultLedger,
    recording: Recording,
    stripper: CapabilityStripper | undefined,
  ) {
    // Half-open sockets let each side's end travel through the pipe, behind the bytes sent before it.
    this.upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const common = { connection: id, ledger };
    this.toServer = new FaultPipe({
      ...common,
      direction: 'client-to-server',
      source: client,
      destination: this.upstream,
      onCut: () => this.toClient.stop(),
    });
    this.toClient = new FaultPipe({
      ...common,
      direction: 'server-to-client',
      source: this.upstream,
      destination: client,
      onCut: () => this.toServer.stop(),
    });
    this.closed = Promise.all([onceClosed(client), onceClosed(this.upstream)]).then(() => undefined);

    client.on('data', (chunk: Buffer) => {
      recording.client.push(chunk);
      stripper?.fromClient(chunk);
      this.toServer.push(chunk);
    });
    client.on('end', () => this.toServer.end());
    this.upstream.on('data', (chunk: Buffer) => {
      recording.server.push(chunk);
      const out = stripper === undefined ? chunk : stripper.fromServer(chunk);
      if (out.length > 0) this.toClient.push(out);
    });
    this.upstream.on('end', () => {
      const held = stripper?.flush();
      if (held !== undefined && held.length > 0) this.toClient.push(held);
      this.toClient.end();
    });
    // A reset or a refused connection on either side ends the whole relay abruptly, as it would without us.
    client.on('error', () => this.destroy());
    this.upstream.on('error', () => this.destroy());
  }

  destroy(): void {
    this.toServer.stop();
    this.toClient.stop();
    this.client.destroy();
    this.upstream.destroy();
  }
}

function onceClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

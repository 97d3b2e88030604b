// Owns the bare-imapflow peer: a client with the same TLS trust Heron uses but none of Heron's code, and a folder size check.

import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/** What a peer needs to reach the server; a subset of BenchTarget so this module does not depend on how it was opened. */
export interface ImapEndpoint {
  host: string;
  port: number;
  servername: string;
  user: string;
  password: string;
  caPem: string;
  folder: string;
}

/**
 * Plain imapflow with implicit TLS trusting the target's certificate as its CA; Heron trusts the same certificate by
 * pinning it. Auto-IDLE is off on both sides, since an IDLE after the last command would only add a round trip.
 */
export function peerImapOptions(endpoint: ImapEndpoint): ImapFlowOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: true,
    auth: { user: endpoint.user, pass: endpoint.password },
    tls: { ca: [endpoint.caPem], servername: endpoint.servername, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    logger: false,
    disableAutoIdle: true,
  };
}

/**
 * Connects, runs `work`, logs out. An abort (the run's time limit) closes the socket, which fails whatever command is
 * waiting, so the run settles instead of hanging.
 */
export async function withPeerClient<T>(endpoint: ImapEndpoint, signal: AbortSignal | undefined, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(peerImapOptions(endpoint));
  // imapflow also emits socket failures as 'error' events; unhandled, they would crash the bench.
  client.on('error', () => undefined);
  const abort = (): void => client.close();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    await client.connect();
    const result = await work(client);
    await client.logout();
    return result;
  } finally {
    signal?.removeEventListener('abort', abort);
    client.close();
  }
}

/** The folder's message count by STATUS, which is how the bench knows what every full fetch must return. */
export async function folderMessageCount(endpoint: ImapEndpoint): Promise<number> {
  return withPeerClient(endpoint, undefined, async (client) => {
    const status = await client.status(endpoint.folder, { messages: true });
    if (!status || status.messages === undefined) throw new Error(`STATUS ${endpoint.folder} returned no message count`);
    return status.messages;
  });
}

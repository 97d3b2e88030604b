// Network probes the doctor runs around the dialogue: name lookup, TCP connect over each address, "does this port speak TLS?".

import { promises as dns } from 'node:dns';
import type net from 'node:net';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { HeronError } from '../../shared/errors';
import { failures, type AdviceContext } from './advice';
import { connectTcp } from './line-channel';

/** The host's addresses as the system resolver sees them (what a real connection would use). */
export async function resolveHost(ctx: AdviceContext, waitMs: number): Promise<string[]> {
  if (isIP(ctx.host)) return [ctx.host];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HeronError('timeout', `Looking up ${ctx.host} took longer than ${waitMs / 1000} s.`)), waitMs);
  });
  try {
    const found = await Promise.race([dns.lookup(ctx.host, { all: true }), deadline]);
    return found.map((entry) => entry.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'ENODATA') throw failures.hostNotFound(ctx);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Connects to the first address that accepts; when none does, the failure of the last one says why. */
export async function connectAny(ctx: AdviceContext, addresses: string[], waitMs: number): Promise<{ socket: net.Socket; address: string }> {
  let last: unknown = new HeronError('host-not-found');
  for (const address of addresses) {
    try {
      return { socket: await connectTcp(address, ctx.port, waitMs), address };
    } catch (error) {
      last = error;
    }
  }
  const code = (last as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') throw failures.connectionRefused(ctx);
  if (last instanceof HeronError && last.code === 'timeout') throw failures.connectTimeout(ctx);
  throw last;
}

/**
 * Whether a TLS handshake succeeds on a fresh connection: tells a silent implicit-TLS port (which waits for the
 * client's hello) from a server that is merely stuck. Any certificate will do; nothing is sent after the handshake.
 */
export async function speaksTls(address: string, port: number, servername: string, waitMs: number, signal?: AbortSignal): Promise<boolean> {
  let socket: net.Socket;
  try {
    socket = await connectTcp(address, port, waitMs);
  } catch {
    return false;
  }
  if (signal?.aborted) {
    socket.destroy();
    return false;
  }
  return new Promise((resolve) => {
    const options: tls.ConnectionOptions = { socket, rejectUnauthorized: false };
    if (!isIP(servername)) options.servername = servername;
    const secure = tls.connect(options);
    const done = (result: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      secure.destroy();
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), waitMs);
    signal?.addEventListener('abort', onAbort);
    secure.once('secureConnect', () => done(true)).once('error', () => done(false)).once('close', () => done(false));
  });
}

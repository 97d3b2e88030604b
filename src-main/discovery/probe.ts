// Talks to one server without logging in: reads its greeting and capabilities (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO).

import net from 'node:net';
import tls from 'node:tls';
import type { Protocol, Security } from '../../shared/model';
import { certificateProblem } from './certificate-problem';
import { stopReason } from './log';

export interface ProbeTarget {
  protocol: Protocol;
  /** The name: SNI and the certificate check use it. */
  host: string;
  /** Where to connect, resolved through discovery's resolver. */
  address: string;
  port: number;
  /** 'tls': implicit TLS. Otherwise a plain connection that only reads whether STARTTLS is offered. */
  security: Security;
}

export interface ProbeOptions {
  ca: string[] | undefined;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ProbeAnswer {
  /** Implicit TLS whose certificate is not trusted for the host: why, in words. */
  untrustedCertificate?: string;
  /** STARTTLS (IMAP, SMTP) or STLS (POP3) was offered on the plain connection. */
  offersStartTls: boolean;
}

/** 'absent': nothing listens there (refused, unreachable). 'failed': something answered wrongly or not at all. */
export class ProbeFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'absent' | 'failed',
  ) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

/** More than this from a server that was only asked for its capabilities is not a mail server talking. */
const MAX_RECEIVED_BYTES = 256 * 1024;
/** After LOGOUT/QUIT the server closes; one that does not is cut off after this. */
const CLOSE_GRACE_MS = 1_000;

interface Wire {
  next(): Promise<string>;
  send(line: string): void;
}

function wireOf(socket: net.Socket): Wire {
  const lines: string[] = [];
  let partial = '';
  let received = 0;
  let failure: Error | null = null;
  let waiter: { resolve(line: string): void; reject(error: Error): void } | null = null;
  const wake = (): void => {
    const current = waiter;
    if (!current) return;
    const line = lines.shift();
    if (line !== undefined) current.resolve(line);
    else if (failure) current.reject(failure);
    else return;
    waiter = null;
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk.length;
    if (received > MAX_RECEIVED_BYTES) {
      socket.destroy(new ProbeFailure('sent far more than a greeting and capabilities', 'failed'));
      return;
    }
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.map((line) => line.replace(/\r$/, '')));
    wake();
  });
  socket.on('error', (error) => {
    failure ??= error;
    wake();
  });
  socket.on('close', () => {
    failure ??= new ProbeFailure('closed the connection before answering', 'failed');
    wake();
  });
  return {
    next: () =>
      new Promise<string>((resolve, reject) => {
        waiter = { resolve, reject };
        wake();
      }),
    send: (line) => {
      socket.write(`${line}\r\n`);
    },
  };
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean).map((word) => word.toUpperCase());
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

function notA(protocol: Protocol, line: string): ProbeFailure {
  const name = { imap: 'an IMAP', pop3: 'a POP3', smtp: 'an SMTP' }[protocol];
  return new ProbeFailure(`answered, but not as ${name} server: ${quote(line)}`, 'failed');
}

async function imapCapabilities(wire: Wire): Promise<string[]> {
  const greeting = await wire.next();
  if (/^\* BYE\b/i.test(greeting)) throw new ProbeFailure(`turned the connection away: ${quote(greeting)}`, 'failed');
  if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw notA('imap', greeting);
  let capabilities = words(/\[CAPABILITY ([^\]]*)\]/i.exec(greeting)?.[1] ?? '');
  wire.send('H1 CAPABILITY');
  for (let line = await wire.next(); !/^H1 /i.test(line); line = await wire.next()) {
    if (/^\* CAPABILITY /i.test(line)) capabilities = words(line.slice('* CAPABILITY '.length));
  }
  wire.send('H2 LOGOUT');
  return capabilities;
}

async function pop3Capabilities(wire: Wire): Promise<string[]> {
  const greeting = await wire.next();
  if (/^-ERR\b/i.test(greeting)) throw new ProbeFailure(`turned the connection away: ${quote(greeting)}`, 'failed');
  if (!/^\+OK\b/i.test(greeting)) throw notA('pop3', greeting);
  wire.send('CAPA');
  const capabilities: string[] = [];
  // A server without CAPA (RFC 1939 only) answers -ERR: it announces nothing, so no STLS either.
  if (/^\+OK\b/i.test(await wire.next())) {
    for (let line = await wire.next(); line !== '.'; line = await wire.next()) capabilities.push(line.trim().toUpperCase());
  }
  wire.send('QUIT');
  return capabilities;
}

async function smtpReply(wire: Wire): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  for (;;) {
    const line = await wire.next();
    if (!/^\d{3}(?:[ -]|$)/.test(line)) throw notA('smtp', line);
    lines.push(line);
    if (line[3] !== '-') return { code: Number(line.slice(0, 3)), lines };
  }
}

async function smtpCapabilities(wire: Wire, helo: () => string): Promise<string[]> {
  const greeting = await smtpReply(wire);
  if (greeting.code !== 220) throw new ProbeFailure(`turned the connection away: ${quote(greeting.lines.join(' '))}`, 'failed');
  wire.send(`EHLO ${helo()}`);
  const ehlo = await smtpReply(wire);
  wire.send('QUIT');
  // A server that knows only HELO announces no extensions, so no STARTTLS either.
  return ehlo.code === 250 ? ehlo.lines.slice(1).map((line) => line.slice(4).trim().toUpperCase()) : [];
}

/** EHLO names the client by its address literal (RFC 5321 4.1.3): Heron has no host name of its own to claim. */
function heloName(socket: net.Socket): string {
  // Read once connected; the fallback only covers a socket that closed in between.
  const local = socket.localAddress ?? '127.0.0.1';
  return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
}

function offersStartTls(protocol: Protocol, capabilities: string[]): boolean {
  const keyword = protocol === 'pop3' ? 'STLS' : 'STARTTLS';
  return capabilities.some((capability) => capability.split(' ')[0] === keyword);
}

function authorizationCode(socket: tls.TLSSocket): string | undefined {
  // Node stores the verify error's code as a string although the typings say Error.
  const error: unknown = socket.authorizationError;
  if (typeof error === 'string') return error;
  return error instanceof Error ? ((error as { code?: string }).code ?? error.message) : undefined;
}

function asProbeFailure(error: unknown): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return new ProbeFailure('connection refused', 'absent');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new ProbeFailure('the host cannot be reached', 'absent');
  if (code === 'ECONNRESET') return new ProbeFailure('the server reset the connection', 'failed');
  if (typeof code === 'string' && code.startsWith('ERR_SSL')) return new ProbeFailure(`the TLS handshake failed (${code}): this port may not use SSL/TLS`, 'failed');
  return new ProbeFailure(message, 'failed');
}

/** Connects, reads greeting and capabilities, says goodbye. Never sends a username or password. */
export async function probeServer(target: ProbeTarget, options: ProbeOptions): Promise<ProbeAnswer> {
  const socket =
    target.security === 'tls'
      ? tls.connect({
          host: target.address,
          port: target.port,
          ca: options.ca,
          ...(net.isIP(target.host) ? {} : { servername: target.host }),
          // A probe sends no credentials, and an untrusted certificate is reported, not hidden: the person confirms
          // it (or not) when Heron really connects, which fails closed.
          rejectUnauthorized: false,
        })
      : net.connect({ host: target.address, port: target.port });
  const stop = (): void => {
    socket.destroy(new ProbeFailure(stopReason(options.signal), 'failed'));
  };
  const timer = setTimeout(() => socket.destroy(new ProbeFailure(`no answer within ${options.timeoutMs} ms`, 'failed')), options.timeoutMs);
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  const wire = wireOf(socket);
  try {
    const capabilities = await (target.protocol === 'imap'
      ? imapCapabilities(wire)
      : target.protocol === 'pop3'
        ? pop3Capabilities(wire)
        : smtpCapabilities(wire, () => heloName(socket)));
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    const answer: ProbeAnswer = { offersStartTls: target.security !== 'tls' && offersStartTls(target.protocol, capabilities) };
    if (socket instanceof tls.TLSSocket && !socket.authorized) answer.untrustedCertificate = certificateProblem(authorizationCode(socket)) ?? `it could not be verified (${authorizationCode(socket) ?? 'unknown reason'})`;
    return answer;
  } catch (error) {
    socket.destroy();
    throw asProbeFailure(error);
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', stop);
  }
}

// Server certificates: fetching one for the person to inspect, and TLS options that trust exactly a pinned one.

import { createHash, X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateDetail } from '../../shared/errors';
import { HeronError } from '../../shared/errors';
import type { Protocol, Security } from '../../shared/model';
import type { PinnedCertificate } from './accounts';

/** How long fetching a certificate may take in all (connect, greeting, STARTTLS, handshake). */
export const CERTIFICATE_FETCH_TIMEOUT_MS = 15_000;

export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

export function fingerprintOf(der: Buffer): string {
  return normalizeFingerprint(createHash('sha256').update(der).digest('hex'));
}

function toPem(der: Buffer): string {
  const body = der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/**
 * TLS options for a connection to `host`. Without a pin the system's CAs decide and the host name must
 * match. With a pin, the pinned certificate is the only trust anchor and its fingerprint must match
 * exactly; the host name is not checked, because the person trusted this very certificate.
 */
export function tlsOptionsFor(host: string, pinned: PinnedCertificate | null): tls.ConnectionOptions {
  const base: tls.ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  if (!net.isIP(host)) base.servername = host;
  if (!pinned) return base;
  const expected = normalizeFingerprint(pinned.fingerprint256);
  return {
    ...base,
    ca: [pinned.pem],
    checkServerIdentity: (_host, cert) => {
      if (normalizeFingerprint(cert.fingerprint256) === expected) return undefined;
      const error = new Error(`The server's certificate (${cert.fingerprint256}) is not the one you trusted (${expected}).`);
      (error as NodeJS.ErrnoException).code = 'ERR_HERON_PIN_MISMATCH';
      return error;
    },
  };
}

export interface FetchedCertificate extends CertificateDetail {
  pem: string;
}

/** The plaintext exchange before a STARTTLS upgrade, per protocol: what to send and what reply means "go". */
const STARTTLS_DIALOG: Record<Protocol, { greet?: string; upgrade: string; ready: RegExp }> = {
  imap: { upgrade: 'h1 STARTTLS\r\n', ready: /^h1 OK/im },
  pop3: { upgrade: 'STLS\r\n', ready: /^\+OK/im },
  smtp: { greet: 'EHLO heron.invalid\r\n', upgrade: 'STARTTLS\r\n', ready: /^220 /m },
};

/** Connects without trusting anything, only to show the person the certificate the server presents. */
export async function fetchCertificate(
  server: { protocol: Protocol; host: string; port: number; security: Security },
  timeoutMs = CERTIFICATE_FETCH_TIMEOUT_MS,
): Promise<FetchedCertificate> {
  if (server.security === 'none') throw new HeronError('invalid-input', 'This setting does not use TLS, so there is no certificate.');
  const plain = net.connect({ host: server.host, port: server.port });
  // One deadline for the whole exchange: destroying the socket fails whichever step is waiting.
  plain.setTimeout(timeoutMs, () => plain.destroy(new HeronError('timeout')));
  try {
    if (server.security === 'starttls') await startTls(plain, STARTTLS_DIALOG[server.protocol]);
    const secure = await upgrade(plain, server.host);
    const peer = secure.getPeerCertificate(true);
    if (!peer?.raw) throw new HeronError('tls-failed', 'The server presented no certificate.');
    const x509 = new X509Certificate(peer.raw);
    return {
      host: server.host,
      reason: secure.authorizationError ? String(secure.authorizationError) : 'not trusted',
      subject: x509.subject.replace(/\n/g, ', '),
      issuer: x509.issuer.replace(/\n/g, ', '),
      validFrom: new Date(x509.validFrom).toISOString(),
      validTo: new Date(x509.validTo).toISOString(),
      fingerprint256: fingerprintOf(peer.raw),
      altNames: x509.subjectAltName ?? '',
      pem: toPem(peer.raw),
    };
  } finally {
    plain.destroy();
  }
}

async function startTls(socket: net.Socket, dialog: (typeof STARTTLS_DIALOG)[Protocol]): Promise<void> {
  await readUntil(socket, /\r?\n/);
  if (dialog.greet) {
    socket.write(dialog.greet);
    await readUntil(socket, /^250 /m);
  }
  socket.write(dialog.upgrade);
  await readUntil(socket, dialog.ready);
}

function upgrade(socket: net.Socket, host: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const options: tls.ConnectionOptions = { socket, rejectUnauthorized: false };
    if (!net.isIP(host)) options.servername = host;
    const secure = tls.connect(options, () => resolve(secure));
    secure.once('error', reject);
    socket.once('error', reject);
    socket.once('close', () => reject(new HeronError('connection-lost')));
  });
}

function readUntil(socket: net.Socket, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (pattern.test(text)) done(() => resolve(text));
      else if (text.length > 64 * 1024) done(() => reject(new HeronError('protocol-error', 'The server sent too much before starting TLS.')));
    };
    const onError = (error: Error) => done(() => reject(error));
    const onClose = () => done(() => reject(new HeronError('connection-lost')));
    const done = (settle: () => void) => {
      socket.off('data', onData).off('error', onError).off('close', onClose);
      settle();
    };
    socket.on('data', onData).on('error', onError).on('close', onClose);
  });
}

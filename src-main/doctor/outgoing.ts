// Proving outgoing settings: connect to the submission server with nodemailer, upgrade as configured, log in, send nothing.

import nodemailer from 'nodemailer';
import { HeronError } from '../../shared/errors';
import type { OutgoingSettings } from '../../shared/model';
import type { OutgoingReport } from '../../shared/setup';
import type { PinnedCertificate } from '../engine/accounts';
import { fetchCertificate, normalizeFingerprint } from '../engine/certificate';
import { mapProtocolError } from '../engine/error-map';
import { SMTP_WAITS, smtpTransportOptions, type SmtpWaits } from '../smtp/transport';

type LogEntry = { tnx?: string };
type LogFn = (entry: LogEntry, message: string, ...args: unknown[]) => void;

/** The certificate to pin, only if the server still presents the very one whose fingerprint the person confirmed. */
export async function pinOutgoing(settings: OutgoingSettings, fingerprint256: string): Promise<PinnedCertificate> {
  const presented = await fetchCertificate({ ...settings, protocol: 'smtp' });
  if (presented.fingerprint256 !== normalizeFingerprint(fingerprint256)) {
    const { pem: _pem, ...detail } = presented;
    throw new HeronError('certificate-untrusted', 'The server now presents a different certificate from the one you confirmed.', detail);
  }
  return { fingerprint256: presented.fingerprint256, pem: presented.pem };
}

/** Adds the certificate the server presents, so the person can compare its fingerprint before trusting it. */
async function withCertificate(error: HeronError, settings: OutgoingSettings): Promise<HeronError> {
  try {
    const { pem: _pem, ...detail } = await fetchCertificate({ ...settings, protocol: 'smtp' });
    return new HeronError('certificate-untrusted', error.message, detail, { cause: error });
  } catch {
    return error;
  }
}

/**
 * Logs in without sending. nodemailer bounds the greeting as a whole but each later reply only by silence, which a server
 * answering one byte or one line at a time never leaves; so the whole check gets one deadline: connecting, the greeting
 * and one per-reply wait together.
 */
export async function checkOutgoing(settings: OutgoingSettings, password: string, pinned: PinnedCertificate | null, waits: SmtpWaits = SMTP_WAITS): Promise<OutgoingReport> {
  // nodemailer's protocol log is read only for two facts: the last EHLO reply, and whether STARTTLS was asked for.
  // It masks credentials itself, and nothing of it is kept.
  let lastClient = '';
  let ehlo: string[] = [];
  let startTlsSent = false;
  let upgraded = false;
  const observe: LogFn = (entry, message) => {
    if (entry.tnx === 'client') {
      lastClient = message;
      if (/^STARTTLS\b/i.test(message)) startTlsSent = true;
    } else if (entry.tnx === 'server' && /^EHLO\b/i.test(lastClient) && message.startsWith('250')) {
      ehlo = message.split(/\r?\n/).slice(1).map((line) => line.replace(/^250[ -]/, '').trim()).filter(Boolean);
    } else if (/upgraded with STARTTLS/i.test(message)) {
      upgraded = true;
    }
  };
  const ignore: LogFn = () => undefined;
  // The same options the outbox sends with (fail-closed STARTTLS, the pinned certificate, every wait bounded), unpooled.
  const transport = nodemailer.createTransport({
    ...smtpTransportOptions(settings, password, pinned, waits),
    pool: false,
    logger: { level: ignore, trace: ignore, debug: observe, info: observe, warn: ignore, error: ignore, fatal: ignore },
    debug: true,
  });
  const limitMs = waits.connectionMs + waits.greetingMs + waits.socketMs;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HeronError('timeout', `The server did not finish the login within ${limitMs / 1000} s.`)), limitMs);
  });
  try {
    await Promise.race([transport.verify(), deadline]);
    return { ok: true, encrypted: settings.security !== 'none', capabilities: ehlo };
  } catch (error) {
    const mapped = mapProtocolError(error, settings);
    // Cut off after Heron asked for STARTTLS and before encryption (a server or a man in the middle refusing it).
    if (settings.security === 'starttls' && startTlsSent && !upgraded && mapped.code === 'connection-lost') {
      throw new HeronError('starttls-unavailable', 'The connection ended when Heron asked for encryption (STARTTLS), so no password was sent.', undefined, { cause: error });
    }
    if (mapped.code === 'certificate-untrusted' && !mapped.detail) throw await withCertificate(mapped, settings);
    throw mapped;
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

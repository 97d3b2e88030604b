// One account's SMTP submission: a pooled nodemailer transport (one connection, reused), and what it saw of each attempt.

import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { OutgoingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { tlsOptionsFor } from '../engine/certificate';
import type { Envelope } from './build-message';
import type { AttemptFacts, SmtpInfo } from './send-outcome';

/** Connect, greeting and per-reply waits: a server that stops answering must not hold the outbox forever. */
const SMTP_CONNECTION_TIMEOUT_MS = 15_000;
const SMTP_GREETING_TIMEOUT_MS = 15_000;
const SMTP_SOCKET_TIMEOUT_MS = 60_000;
/** The connect, greeting and per-reply waits, by name; tests against scripted servers pass shorter ones. */
export interface SmtpWaits {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const SMTP_WAITS: SmtpWaits = { connectionMs: SMTP_CONNECTION_TIMEOUT_MS, greetingMs: SMTP_GREETING_TIMEOUT_MS, socketMs: SMTP_SOCKET_TIMEOUT_MS };

/** Closed before the server's own idle limit (Postfix: 300 s), so a reused connection is rarely found dead. */
const SMTP_IDLE_MS = 60_000;

/**
 * nodemailer options for a submission server. STARTTLS is fail-closed: `requireTLS` makes nodemailer ask for it
 * even when EHLO does not offer it (stripped on the way) and stop if it fails; 'none' never upgrades. The account's
 * pinned certificate, if any, is the only one trusted.
 */
export function smtpTransportOptions(settings: OutgoingSettings, password: string, pinned: PinnedCertificate | null, waits: SmtpWaits = SMTP_WAITS): SMTPPool.Options {
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: { user: settings.username, pass: password },
    tls: tlsOptionsFor(settings.host, pinned),
    connectionTimeout: waits.connectionMs,
    greetingTimeout: waits.greetingMs,
    socketTimeout: waits.socketMs,
  };
}

export type SendResult = { ok: true; info: SmtpInfo } | { ok: false; error: unknown; facts: AttemptFacts };

export interface SmtpSender {
  /** One message at a time: the facts of an attempt are read from a log the connection shares with the next one. */
  send(raw: Buffer, envelope: Envelope): Promise<SendResult>;
  close(): void;
}

type LogFn = (entry: { tnx?: string } | undefined, message: string) => void;

export function createSmtpSender(settings: OutgoingSettings, password: string, pinned: PinnedCertificate | null, waits: SmtpWaits = SMTP_WAITS): SmtpSender {
  let startTlsAsked = false;
  let upgraded = false;
  let handedOver = false;
  // nodemailer's transaction log (commands and replies, never the message or the password) is read for three facts.
  const observe: LogFn = (entry, message) => {
    if (entry?.tnx === 'network' && /established/.test(message)) {
      startTlsAsked = false;
      upgraded = false;
    } else if (entry?.tnx === 'client' && /^STARTTLS\b/i.test(message)) {
      startTlsAsked = true;
    } else if (/upgraded with STARTTLS/i.test(message)) {
      upgraded = true;
    } else if (entry?.tnx === 'message') {
      // Logged when the DATA stream ended, that is when the final dot was written to the socket.
      handedOver = true;
    }
  };
  const ignore: LogFn = () => undefined;
  const transport = nodemailer.createTransport({
    ...smtpTransportOptions(settings, password, pinned, waits),
    pool: true as const,
    maxConnections: 1,
    // The outbox decides about every retry: a requeue inside nodemailer could resend a message the server took.
    maxRequeues: 0,
    idleTimeout: SMTP_IDLE_MS,
    transactionLog: true,
    logger: { level: ignore, trace: ignore, debug: observe, info: observe, warn: ignore, error: ignore, fatal: ignore },
  });

  return {
    async send(raw, envelope) {
      handedOver = false;
      try {
        const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
        return { ok: true, info };
      } catch (error) {
        return { ok: false, error, facts: { handedOver, startTlsBlocked: startTlsAsked && !upgraded } };
      }
    },
    close: () => transport.close(),
  };
}

// What the doctor tells a person for each failure: what happened, in plain words, and what to change.

import { ERROR_MESSAGES, HeronError, type CertificateDetail, type ErrorCode, type ErrorDetail } from '../../shared/errors';
import type { Protocol, Security } from '../../shared/model';
import { standardPort } from '../../shared/ports';
import { mapProtocolError } from '../engine/error-map';
import { DoctorFailure } from './dialogue';

export interface AdviceContext {
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  username?: string;
}

const PROTOCOL_NAMES: Record<Protocol, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };
export const SECURITY_NAMES: Record<Security, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'None' };

export function protocolName(protocol: Protocol): string {
  return PROTOCOL_NAMES[protocol];
}

/** e.g. "IMAP normally uses port 993 with SSL/TLS, or 143 with STARTTLS". */
function usualPorts(protocol: Protocol): string {
  return `${PROTOCOL_NAMES[protocol]} normally uses port ${standardPort(protocol, 'tls')} with SSL/TLS, or ${standardPort(protocol, 'starttls')} with STARTTLS`;
}

/** Which protocol a server's first line belongs to, to name a wrong port precisely. 'tls' is a TLS record, not text. */
export function greetingProtocol(line: string): Protocol | 'tls' | null {
  if (/^\* (OK|PREAUTH|BYE)\b/i.test(line)) return 'imap';
  if (/^[+-](OK|ERR)\b/.test(line)) return 'pop3';
  if (/^\d{3}([ -]|$)/.test(line)) return 'smtp';
  // A TLS record header: content type 20-23 (alert, handshake, ...), then major version 3.
  const type = line.charCodeAt(0);
  if (type >= 0x14 && type <= 0x17 && line.charCodeAt(1) === 0x03) return 'tls';
  return null;
}

function fail<C extends ErrorCode>(code: C, message: string, advice: string, detail?: ErrorDetail<C>): DoctorFailure {
  return new DoctorFailure(new HeronError(code, message, detail), advice);
}

export const failures = {
  hostNotFound: (ctx: AdviceContext) =>
    fail(
      'host-not-found',
      `"${ctx.host}" was not found in DNS.`,
      `Check the spelling of the server name (often imap., pop., smtp. or mail. followed by your domain) and that this computer is online.`,
    ),
  connectionRefused: (ctx: AdviceContext) =>
    fail(
      'connection-refused',
      `${ctx.host} refused the connection on port ${ctx.port}.`,
      `Nothing accepts connections on that port. Check the port number: ${usualPorts(ctx.protocol)}.`,
    ),
  connectTimeout: (ctx: AdviceContext) =>
    fail(
      'timeout',
      `${ctx.host} did not answer on port ${ctx.port}.`,
      `A firewall may be dropping the connection, or the server is down. Check the port number (${usualPorts(ctx.protocol)}), or try from another network.`,
    ),
  silentServer: (ctx: AdviceContext) =>
    fail(
      'timeout',
      `The server accepted the connection but did not say anything in time.`,
      `The server may be overloaded or stuck; try again later. If it keeps happening, check that port ${ctx.port} is really the ${PROTOCOL_NAMES[ctx.protocol]} port: ${usualPorts(ctx.protocol)}.`,
    ),
  plaintextOnTlsHandshake: (ctx: AdviceContext, greeting: string) =>
    fail(
      'tls-failed',
      `The server answered in plain text ("${greeting.slice(0, 80)}") instead of starting TLS.`,
      `Port ${ctx.port} does not use SSL/TLS from the first byte. Choose STARTTLS for this port, or keep SSL/TLS and use port ${standardPort(ctx.protocol, 'tls')}.`,
    ),
  tlsPortSpokenPlain: (ctx: AdviceContext) =>
    fail(
      'tls-failed',
      `The server on port ${ctx.port} waits for a TLS handshake: it speaks SSL/TLS from the first byte, so it never greeted in plain text.`,
      `Choose SSL/TLS for port ${ctx.port}${ctx.security === 'starttls' ? `, or keep STARTTLS and use port ${standardPort(ctx.protocol, 'starttls')}` : ''}.`,
    ),
  wrongProtocol: (ctx: AdviceContext, greeting: string, spoken: Protocol | 'tls' | null) =>
    fail(
      'protocol-error',
      `The server's first words were not ${PROTOCOL_NAMES[ctx.protocol]}: "${greeting.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}".`,
      spoken === 'tls'
        ? `The server sent TLS data: port ${ctx.port} expects SSL/TLS. Choose SSL/TLS for this port.`
        : `${spoken ? `This port speaks ${PROTOCOL_NAMES[spoken]}. ` : ''}Check the port: ${usualPorts(ctx.protocol)}.`,
    ),
  starttlsNotOffered: (ctx: AdviceContext) =>
    fail(
      'starttls-unavailable',
      `The server did not offer ${ctx.protocol === 'pop3' ? 'STLS (STARTTLS for POP3)' : 'STARTTLS'}, so Heron refuses to continue in plain text and sent no password.`,
      `Someone between you and the server may have removed the offer, or the server has no encryption on this port. Choose SSL/TLS (port ${standardPort(ctx.protocol, 'tls')}) if the server has it; otherwise ask your provider why encryption is missing.`,
    ),
  starttlsRefused: (ctx: AdviceContext, reply: string) =>
    fail(
      'starttls-unavailable',
      `The server refused to start TLS ("${reply.slice(0, 120)}"), so Heron stopped before sending any password.`,
      `Choose SSL/TLS (port ${standardPort(ctx.protocol, 'tls')}) if the server has it; otherwise ask your provider why encryption fails.`,
      { serverResponse: reply },
    ),
  certificateUntrusted: (_ctx: AdviceContext, detail: CertificateDetail) =>
    new DoctorFailure(
      new HeronError('certificate-untrusted', certificateMessage(detail), detail),
      detail.reason === 'HOSTNAME_MISMATCH'
        ? `The certificate was issued for ${detail.altNames || detail.subject}, not for this host name. Use the host name on the certificate, or trust this certificate only after checking its SHA-256 fingerprint (${detail.fingerprint256}) with your provider.`
        : `Compare its SHA-256 fingerprint (${detail.fingerprint256}) with the one your provider publishes, and trust exactly this certificate only if they match. Heron sent no password.`,
    ),
  authFailed: (ctx: AdviceContext, reply: string) =>
    fail(
      'auth-failed',
      `The server rejected the username or password${reply ? ` ("${reply.slice(0, 160)}")` : ''}.`,
      `Check the password${ctx.username && !ctx.username.includes('@') ? `, and try your full email address as the username instead of "${ctx.username}"` : ' and the username (usually your full email address)'}. Some providers (Gmail, iCloud, Yahoo, Outlook with two-step verification) require an app password instead of your normal one.`,
      { serverResponse: reply },
    ),
  loginDisabled: () =>
    fail(
      'server-rejected',
      'The server does not accept passwords on an unencrypted connection (LOGINDISABLED).',
      'Choose SSL/TLS or STARTTLS, so your password travels encrypted.',
    ),
  noLoginMethod: (ctx: AdviceContext, offered: string[]) =>
    fail(
      'unsupported',
      `The server offers no login method Heron can use here${offered.length ? ` (it offers ${offered.join(', ')})` : ''}.`,
      ctx.security === 'none'
        ? 'Many servers only offer login after encryption: choose SSL/TLS or STARTTLS.'
        : 'Check with your provider which login method this server expects.',
    ),
  serverRefused: (ctx: AdviceContext, reply: string) =>
    fail(
      'server-rejected',
      `The server turned the connection away: "${reply.slice(0, 160)}".`,
      `The server may be busy or may not accept connections from your network. Try again later, or ask your provider (${PROTOCOL_NAMES[ctx.protocol]} on ${ctx.host}:${ctx.port}).`,
      { serverResponse: reply },
    ),
  preauthWithoutTls: () =>
    fail(
      'starttls-unavailable',
      'The server logged the session in before encryption (PREAUTH), which makes STARTTLS impossible; Heron refuses to continue in plain text.',
      'Choose SSL/TLS for this server; a server that pre-authenticates an unencrypted connection should be reported to its operator.',
    ),
};

function certificateMessage(detail: CertificateDetail): string {
  if (detail.reason === 'ERR_HERON_PIN_MISMATCH') return `The server's certificate is not the one you trusted for this account.`;
  if (detail.reason === 'HOSTNAME_MISMATCH') return `The server's certificate does not name this host.`;
  return `${ERROR_MESSAGES['certificate-untrusted']} (${detail.reason})`;
}

/** Any other failure, mapped through the one error vocabulary, with the advice for its code. */
export function explain(error: unknown, ctx: AdviceContext): DoctorFailure {
  if (error instanceof DoctorFailure) return error;
  const mapped = mapProtocolError(error, ctx);
  const advice: Partial<Record<string, string>> = {
    'tls-failed': `The TLS handshake failed. Check that the security setting matches the port: ${usualPorts(ctx.protocol)}. A server offering only TLS older than 1.2 is refused too.`,
    timeout: `The server stopped answering. Try again later; if it keeps happening, check the port: ${usualPorts(ctx.protocol)}.`,
    'connection-lost': `The server closed the connection. It may limit connections from your network; try again later, and check the port: ${usualPorts(ctx.protocol)}.`,
    'protocol-error': `The server's reply was not what ${PROTOCOL_NAMES[ctx.protocol]} expects. Check that port ${ctx.port} is the ${PROTOCOL_NAMES[ctx.protocol]} port: ${usualPorts(ctx.protocol)}.`,
    offline: 'This computer has no route to the server. Check the network connection.',
  };
  return new DoctorFailure(mapped, advice[mapped.code] ?? 'Try again; if it keeps failing, copy the transcript below for your provider or for a bug report.');
}

// Turns what Node, imapflow and nodemailer throw into Heron's one error vocabulary.

import { ERROR_MESSAGES, HeronError, type ErrorCode } from '../../shared/errors';

/** Node / OpenSSL codes meaning "the certificate itself is not trusted" (as opposed to a broken handshake). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'CERT_SIGNATURE_FAILURE',
  'ERR_HERON_PIN_MISMATCH',
]);

const CODE_BY_ERRNO: Record<string, ErrorCode> = {
  ECONNREFUSED: 'connection-refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  EAI_FAIL: 'host-not-found',
  ETIMEDOUT: 'timeout',
  ETIMEOUT: 'timeout',
  CONNECT_TIMEOUT: 'timeout',
  GREETING_TIMEOUT: 'timeout',
  UPGRADE_TIMEOUT: 'timeout',
  ECONNRESET: 'connection-lost',
  EPIPE: 'connection-lost',
  NoConnection: 'connection-lost',
  EConnectionClosed: 'connection-lost',
  ECONNECTION: 'connection-lost',
  ClosedAfterConnectText: 'connection-lost',
  ClosedAfterConnectTLS: 'tls-failed',
  ENETUNREACH: 'offline',
  EHOSTUNREACH: 'offline',
  ENETDOWN: 'offline',
  EAUTH: 'auth-failed',
  ETLS: 'tls-failed',
  EPROTO: 'tls-failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls-failed',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'tls-failed',
};

const STARTTLS_INJECTION =
  'The server sent data after agreeing to start TLS, before encryption began; someone may be tampering with the connection, so Heron stopped.';

/** A reply broken or past a size limit (imapflow's parser limits, nodemailer's maxResponseSize): a broken or hostile server. */
const PROTOCOL_CODES = new Set([
  'InvalidResponse',
  'UnexpectedTag',
  'MissingTag',
  'LineTooLarge',
  'LiteralTooLarge',
  'ResponseTooLarge',
  'TooManyTokens',
  'TooManyResponses',
  'MAX_IMAP_NESTING_REACHED',
  'EPROTOCOL',
]);

interface LibraryError {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  responseStatus?: string;
  response?: string;
  executedCommand?: string;
  command?: string;
  reason?: string;
  cause?: unknown;
  /** nodemailer reports socket failures as ESOCKET and keeps Node's or OpenSSL's own code here. */
  originalCode?: string;
}

function codeOf(e: LibraryError): string | undefined {
  return e.code === 'ESOCKET' && e.originalCode ? e.originalCode : e.code;
}

export function isCertificateError(error: unknown): boolean {
  const e = error as LibraryError | undefined;
  if (!e) return false;
  const code = codeOf(e);
  // nodemailer's STARTTLS upgrade keeps only the TLS error's text ("Error initiating TLS - self-signed certificate").
  const startTlsCertificate = e.code === 'ETLS' && /certificate/i.test(e.message ?? '');
  return Boolean((code && CERTIFICATE_CODES.has(code)) || (e.reason && /certificate/i.test(e.reason)) || startTlsCertificate);
}

/**
 * The Heron error for a failure of a mail protocol session. Certificate failures come back without
 * detail: the caller fetches the certificate (see certificate.ts) so the person can inspect it.
 */
export function mapProtocolError(error: unknown, server: { host: string; port: number }): HeronError {
  if (error instanceof HeronError) return error;
  const e = (error ?? {}) as LibraryError;
  const where = `${server.host}:${server.port}`;
  if (e.authenticationFailed || e.code === 'EAUTH') {
    const serverResponse = e.responseText ?? e.response;
    return new HeronError('auth-failed', ERROR_MESSAGES['auth-failed'], serverResponse ? { serverResponse } : {}, { cause: error });
  }
  // Checked before tlsFailed, which imapflow sets on every failed STARTTLS upgrade, an untrusted certificate's included.
  if (isCertificateError(error)) return new HeronError('certificate-untrusted', undefined, undefined, { cause: error });
  const code = codeOf(e);
  // Bytes after the STARTTLS go-ahead (imapflow also sets tlsFailed): tampering, not a server without STARTTLS.
  if (code === 'STARTTLS_INJECTION') return new HeronError('tls-failed', `${STARTTLS_INJECTION} (${where})`, { cause: code }, { cause: error });
  // imapflow's tlsFailed; nodemailer's ETLS with the server's reply to STARTTLS (a refusal, not a broken handshake), and
  // its refusal to fall back to HELO when EHLO fails under requireTLS (HELO cannot offer STARTTLS).
  if (e.tlsFailed || (e.code === 'ETLS' && e.command === 'STARTTLS' && e.response) || (e.code === 'ECONNECTION' && /HELO does not support required STARTTLS/.test(e.message ?? ''))) {
    return new HeronError('starttls-unavailable', undefined, undefined, { cause: error });
  }
  const byCode = code ? CODE_BY_ERRNO[code] : undefined;
  if (byCode) return new HeronError(byCode, `${ERROR_MESSAGES[byCode]} (${where})`, { cause: code }, { cause: error });
  if (code?.startsWith('ERR_SSL') || /ssl|tls/i.test(e.message ?? '')) return new HeronError('tls-failed', undefined, { cause: e.message ?? '' }, { cause: error });
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') {
    return new HeronError('server-rejected', undefined, { serverResponse: e.responseText ?? e.message ?? '', command: e.executedCommand ?? '' }, { cause: error });
  }
  if (e.code?.startsWith('ParserError') || PROTOCOL_CODES.has(e.code ?? '')) {
    return new HeronError('protocol-error', undefined, { cause: e.message ?? e.code }, { cause: error });
  }
  return new HeronError('internal', undefined, { cause: e.message ?? String(error) }, { cause: error });
}

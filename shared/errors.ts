// The one error vocabulary: every failure in Heron becomes {code, message, detail?} plain data.

/** Every error code Heron reports. Add a code here, then its message below; nothing else invents codes. */
export const ERROR_CODES = [
  'auth-failed',
  'tls-failed',
  'starttls-unavailable',
  'certificate-untrusted',
  'connection-refused',
  'host-not-found',
  'timeout',
  'connection-lost',
  'server-rejected',
  'protocol-error',
  'offline',
  'store-failed',
  'not-found',
  'invalid-input',
  'unsupported',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the UI needs to show a certificate and let the person decide to trust exactly that one. */
export interface CertificateDetail {
  host: string;
  /** Why the certificate was not trusted, in the TLS library's words (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  reason: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, upper-case hex pairs joined by ':' (the form browsers show). */
  fingerprint256: string;
  altNames?: string;
}

/** The server's own words, so the person can read exactly what it said. */
export interface ServerRejectedDetail {
  serverResponse: string;
  command?: string;
}

export interface ErrorDetails {
  'certificate-untrusted': CertificateDetail;
  'server-rejected': ServerRejectedDetail;
  'auth-failed': Partial<ServerRejectedDetail>;
}

export type ErrorDetail<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : Record<string, unknown>;

/** An error as it crosses IPC or a WebSocket: plain data only, since Error objects lose their fields there. */
export interface HeronErrorData<C extends ErrorCode = ErrorCode> {
  code: C;
  message: string;
  detail?: ErrorDetail<C>;
}

/** The sentence a person sees for each code: what happened and what to do next. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  'auth-failed': 'The server did not accept the username or password. Check both and try again.',
  'tls-failed':
    'A secure connection could not be set up. Check that the port matches the security setting (SSL/TLS or STARTTLS).',
  'starttls-unavailable':
    'The server did not offer STARTTLS, so Heron stopped before sending your password. Choose SSL/TLS, or ask your provider why encryption is missing.',
  'certificate-untrusted':
    "The server's certificate is not trusted. Compare its fingerprint with the one your provider publishes before trusting it.",
  'connection-refused': 'The server refused the connection. Check the host name and port.',
  'host-not-found': 'The server name could not be found. Check the spelling of the host name and your internet connection.',
  timeout: 'The server did not answer in time. It may be down or blocked by a firewall; try again later.',
  'connection-lost': 'The connection to the server was lost. Heron will try again.',
  'server-rejected': 'The server rejected the request. Its reply is shown below.',
  'protocol-error': 'The server sent a reply Heron could not understand.',
  offline: 'You are offline. Changes are kept and will be sent when the connection is back.',
  'store-failed': 'The local mail store could not save the data (the disk may be full). Nothing was removed from the server.',
  'not-found': 'That item no longer exists.',
  'invalid-input': 'Some of the settings are not valid. Check the highlighted fields.',
  unsupported: 'The server does not support this operation.',
  internal: 'Something went wrong inside Heron. Try again; if it keeps happening, please report it.',
};

/** The Error subclass used inside each process; it turns into HeronErrorData at every boundary. */
export class HeronError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly detail?: ErrorDetail<C>;

  constructor(code: C, message: string = ERROR_MESSAGES[code], detail?: ErrorDetail<C>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeronError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toData(): HeronErrorData<C> {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromData<C extends ErrorCode>(data: HeronErrorData<C>): HeronError<C> {
    return new HeronError(data.code, data.message, data.detail);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function isHeronErrorData(value: unknown): value is HeronErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/**
 * Plain data for any thrown value. Unknown errors become 'internal' with their text in detail,
 * so nothing is swallowed, but no stack or object graph crosses the boundary.
 */
export function toErrorData(error: unknown): HeronErrorData {
  if (error instanceof HeronError) return error.toData();
  if (isHeronErrorData(error)) return { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: ERROR_MESSAGES.internal, detail: { cause: text } };
}

/** The reverse of toErrorData, for the receiving side of a boundary. */
export function toHeronError(error: unknown): HeronError {
  if (error instanceof HeronError) return error;
  return HeronError.fromData(toErrorData(error));
}

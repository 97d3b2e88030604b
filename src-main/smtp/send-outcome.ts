// What one SMTP attempt means for the outbox: accepted, try again by itself, wait for the person, or "may have been delivered".

import { HeronError, type ErrorCode } from '../../shared/errors';
import type { OutgoingSettings, RecipientRejection, SendReport } from '../../shared/model';
import { backoffDelay } from '../engine/account-session';
import { mapProtocolError } from '../engine/error-map';

/** What the transport saw of the attempt, beyond the error itself. */
export interface AttemptFacts {
  /** The whole message, final dot included, was handed to the connection: from here on the server may have taken it. */
  handedOver: boolean;
  /** Heron asked for STARTTLS on this connection and the upgrade never happened. */
  startTlsBlocked: boolean;
}

export interface Outcome {
  report: SendReport;
  /**
   * The connection or the login failed, not this message: the rest of the round would fail the same way (and a
   * wrong password would be tried once per queued message), so the round stops here.
   */
  stopsRound: boolean;
}

/** nodemailer's fields for one refused recipient, on info.rejectedErrors or on an EENVELOPE error. */
interface RecipientError {
  recipient?: string;
  response?: string;
  responseCode?: number;
}

/** The fields of a nodemailer error this module reads. */
interface SmtpError {
  code?: string;
  message?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejectedErrors?: RecipientError[];
}

/** What nodemailer's sendMail resolves with that the outbox keeps. */
export interface SmtpInfo {
  accepted: (string | { address: string })[];
  rejectedErrors?: RecipientError[];
  response: string;
}

/** Failures of the way to the server, not of the message: worth trying again by themselves. */
const TRANSIENT = new Set<ErrorCode>(['connection-lost', 'timeout', 'connection-refused', 'host-not-found', 'offline']);

const REFUSED = 'The server refused this message. Its reply is shown below.';
const UNCONFIRMED =
  'The connection broke after the whole message had gone out, before the server confirmed it, so it may have been delivered. ' +
  'Heron will not send it again by itself: check with a recipient, or send it again.';

export function rejectionsOf(errors: readonly RecipientError[] | undefined): RecipientRejection[] {
  return (errors ?? []).map((e) => ({
    address: e.recipient ?? '',
    response: e.response ?? '',
    temporary: e.responseCode !== undefined && e.responseCode < 500,
  }));
}

export function acceptedOutcome(info: SmtpInfo, at: number): Outcome {
  const accepted = info.accepted.map((a) => (typeof a === 'string' ? a : a.address));
  return { report: { kind: 'accepted', accepted, rejected: rejectionsOf(info.rejectedErrors), response: info.response, at }, stopsRound: false };
}

/** When a message that failed for a temporary reason is tried again: the account backoff (1 s doubling to 5 min, jittered). */
export function retryAt(attempts: number, now: number, random: () => number = Math.random): number {
  return now + backoffDelay(Math.max(1, attempts), random);
}

function describe(error: unknown, e: SmtpError, server: OutgoingSettings): HeronError {
  // MAIL FROM, RCPT TO, DATA or the reply to the final dot: the server judged this message, in its own words.
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
    return new HeronError('server-rejected', REFUSED, { serverResponse: e.response ?? e.message ?? '', command: e.command ?? '' }, { cause: error });
  }
  return mapProtocolError(error, server);
}

/**
 * Classifies a failed attempt. A reply code decides when the server gave one (4xx again later, 5xx never by itself);
 * when every recipient was refused, one deferred recipient is enough to try again. Without a reply, a connection that
 * broke before the final dot cannot have delivered anything, so the message is tried again; after it, the server may
 * have accepted it, so it is left for the person (RFC 1047). STARTTLS asked for and never done is reported as such.
 */
export function failedOutcome(error: unknown, facts: AttemptFacts, server: OutgoingSettings, attempts: number, now: number, random?: () => number): Outcome {
  const e = (error ?? {}) as SmtpError;
  const rejected = rejectionsOf(e.rejectedErrors);
  let heron = describe(error, e, server);
  if (facts.startTlsBlocked && heron.code === 'connection-lost') {
    heron = new HeronError('starttls-unavailable', 'The connection ended when Heron asked for encryption (STARTTLS), so nothing was sent, not even the password.', undefined, { cause: error });
  }
  const messageLevel = (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421;
  const stopsRound = !messageLevel;
  const retry = (): Outcome => ({ report: { kind: 'retry', error: heron.toData(), nextAttemptAt: retryAt(attempts, now, random) }, stopsRound });
  const fail = (): Outcome => ({ report: { kind: 'failed', error: heron.toData(), rejected }, stopsRound });
  if (e.responseCode !== undefined && e.responseCode > 0) return e.responseCode < 500 || rejected.some((r) => r.temporary) ? retry() : fail();
  if (!TRANSIENT.has(heron.code)) return fail();
  if (facts.handedOver) return { report: { kind: 'unconfirmed', error: { code: heron.code, message: UNCONFIRMED } }, stopsRound };
  return retry();
}

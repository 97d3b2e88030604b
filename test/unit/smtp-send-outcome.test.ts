// What an SMTP attempt means for the outbox: each kind of nodemailer failure, before and after the final dot, and the retry backoff.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutgoingSettings, SendReport } from '../../shared/model';
import { acceptedOutcome, failedOutcome, retryAt, type AttemptFacts } from '../../src-main/smtp/send-outcome';

const server: OutgoingSettings = { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'ann' };
const NOW = 1_750_000_000_000;
const BEFORE_DOT: AttemptFacts = { handedOver: false, startTlsBlocked: false };
const AFTER_DOT: AttemptFacts = { handedOver: true, startTlsBlocked: false };
/** jitter factor 1 (0.5 + 0.5): the plain exponential delay. */
const noJitter = () => 0.5;

/** An error shaped as nodemailer builds them. */
const smtpError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
const rcpt = (recipient: string, responseCode: number, text: string) => ({ recipient, responseCode, response: `${responseCode} ${text}` });

function classify(error: unknown, facts = BEFORE_DOT, attempts = 1) {
  return failedOutcome(error, facts, server, attempts, NOW, noJitter);
}

function kindOf(report: SendReport): string {
  return report.kind === 'retry' || report.kind === 'failed' || report.kind === 'unconfirmed' ? `${report.kind}:${report.error.code}` : report.kind;
}

describe('failedOutcome', () => {
  it('a refused login (535) fails for good with the server\'s words and ends the round', () => {
    const outcome = classify(smtpError('Invalid login', { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Error: authentication failed', command: 'AUTH PLAIN' }));
    assert.equal(kindOf(outcome.report), 'failed:auth-failed');
    assert.equal(outcome.stopsRound, true);
    assert.deepEqual(outcome.report.kind === 'failed' && outcome.report.error.detail, { serverResponse: '535 5.7.8 Error: authentication failed' });
  });

  it('every recipient refused for good (550) fails the message with each recipient\'s reply; the round goes on', () => {
    const error = smtpError("Can't send mail - all recipients were rejected", {
      code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 User unknown', command: 'RCPT TO',
      rejectedErrors: [rcpt('x@example.test', 550, '5.1.1 User unknown'), rcpt('y@example.test', 553, '5.7.1 Relay denied')],
    });
    const outcome = classify(error);
    assert.equal(kindOf(outcome.report), 'failed:server-rejected');
    assert.equal(outcome.stopsRound, false);
    assert.deepEqual(outcome.report.kind === 'failed' && outcome.report.rejected, [
      { address: 'x@example.test', response: '550 5.1.1 User unknown', temporary: false },
      { address: 'y@example.test', response: '553 5.7.1 Relay denied', temporary: false },
    ]);
  });

  it('one deferred recipient (450) among refused ones is worth trying again', () => {
    const error = smtpError("Can't send mail - all recipients were rejected", {
      code: 'EENVELOPE', responseCode: 450, response: '450 4.2.0 Greylisted', command: 'RCPT TO',
      rejectedErrors: [rcpt('x@example.test', 550, 'no'), rcpt('y@example.test', 450, '4.2.0 Greylisted')],
    });
    assert.equal(kindOf(classify(error).report), 'retry:server-rejected');
  });

  it('the reply to the final dot decides: 554 fails, 451 is tried again; neither ends the round', () => {
    const refused = classify(smtpError('Message failed', { code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 Spam', command: 'DATA' }), AFTER_DOT);
    const deferred = classify(smtpError('Message failed', { code: 'EMESSAGE', responseCode: 451, response: '451 4.3.0 Try later', command: 'DATA' }), AFTER_DOT);
    assert.deepEqual([kindOf(refused.report), refused.stopsRound], ['failed:server-rejected', false]);
    assert.deepEqual([kindOf(deferred.report), deferred.stopsRound], ['retry:server-rejected', false]);
  });

  it('421 (the server is closing the connection) is about the connection: tried again, round ended', () => {
    const outcome = classify(smtpError('Mail command failed', { code: 'EENVELOPE', responseCode: 421, response: '421 4.3.2 Shutting down', command: 'MAIL FROM' }));
    assert.deepEqual([kindOf(outcome.report), outcome.stopsRound], ['retry:server-rejected', true]);
  });

  it('a connection that broke before the final dot is tried again: the server cannot have taken the message', () => {
    for (const error of [
      smtpError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }),
      smtpError('write EPIPE', { code: 'ESOCKET', originalCode: 'EPIPE', command: 'CONN' }),
      smtpError('connect ECONNREFUSED', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }),
      smtpError('Timeout', { code: 'ETIMEDOUT', command: 'CONN' }),
    ]) {
      const outcome = classify(error);
      assert.equal(outcome.report.kind, 'retry', error.message);
      assert.equal(outcome.stopsRound, true);
    }
  });

  it('a connection that broke after the final dot was handed over is unconfirmed: it may have been delivered', () => {
    for (const error of [smtpError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }), smtpError('Timeout', { code: 'ETIMEDOUT', command: 'DATA' })]) {
      const outcome = classify(error, AFTER_DOT);
      assert.equal(outcome.report.kind, 'unconfirmed', error.message);
      assert.match(outcome.report.kind === 'unconfirmed' ? outcome.report.error.message : '', /may have been delivered/);
    }
  });

  it('STARTTLS asked for and the connection cut instead: starttls-unavailable, for the person to look at', () => {
    const outcome = classify(smtpError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }), { handedOver: false, startTlsBlocked: true });
    assert.deepEqual([kindOf(outcome.report), outcome.stopsRound], ['failed:starttls-unavailable', true]);
  });

  it('an untrusted certificate fails until the person trusts it', () => {
    const outcome = classify(smtpError('self-signed certificate', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', command: 'CONN' }));
    assert.equal(kindOf(outcome.report), 'failed:certificate-untrusted');
  });

  it('backs off from 1 s, doubling per attempt, up to 5 minutes', () => {
    const retry = (attempts: number) => classify(smtpError('closed', { code: 'ECONNECTION' }), BEFORE_DOT, attempts).report;
    assert.deepEqual([1, 2, 3, 4].map((n) => (retry(n) as { nextAttemptAt: number }).nextAttemptAt - NOW), [1_000, 2_000, 4_000, 8_000]);
    assert.equal(retryAt(30, NOW, noJitter) - NOW, 5 * 60_000);
    assert.equal(retryAt(1, NOW, () => 0) - NOW, 500, 'jitter spreads accounts out');
  });
});

describe('acceptedOutcome', () => {
  it('keeps the accepted addresses, each refused one with its reply, and the server\'s answer', () => {
    const outcome = acceptedOutcome(
      { accepted: ['bob@maillab.test', { address: 'carol@maillab.test' }], rejectedErrors: [rcpt('nobody@maillab.test', 550, '5.1.1 User unknown')], response: '250 2.0.0 Ok: queued as ABC' },
      NOW,
    );
    assert.deepEqual(outcome.report, {
      kind: 'accepted',
      accepted: ['bob@maillab.test', 'carol@maillab.test'],
      rejected: [{ address: 'nobody@maillab.test', response: '550 5.1.1 User unknown', temporary: false }],
      response: '250 2.0.0 Ok: queued as ABC',
      at: NOW,
    });
  });
});

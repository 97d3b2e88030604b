// nodemailer's errors in Heron's vocabulary: socket errors behind ESOCKET, AUTH rejections, STARTTLS refusals, certificates.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapProtocolError } from '../../src-main/engine/error-map';

const server = { host: 'smtp.example.com', port: 587 };
/** An error shaped as nodemailer's SMTP connection builds them (code, command, response, originalCode). */
const smtpError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('error map: nodemailer (SMTP)', () => {
  it('reads the socket error kept in originalCode', () => {
    assert.equal(mapProtocolError(smtpError('connect ECONNREFUSED', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), server).code, 'connection-refused');
    assert.equal(mapProtocolError(smtpError('self-signed certificate', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', command: 'CONN' }), server).code, 'certificate-untrusted');
    assert.equal(mapProtocolError(smtpError('wrong version number', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', command: 'CONN' }), server).code, 'tls-failed');
  });

  it('maps a rejected AUTH to auth-failed with the server\'s words', () => {
    const error = mapProtocolError(smtpError('Invalid login: 535 5.7.8 Error: authentication failed', { code: 'EAUTH', response: '535 5.7.8 Error: authentication failed', responseCode: 535, command: 'AUTH PLAIN' }), server);
    assert.equal(error.code, 'auth-failed');
    assert.deepEqual(error.detail, { serverResponse: '535 5.7.8 Error: authentication failed' });
  });

  it('tells a refused STARTTLS from a certificate failure during the upgrade', () => {
    assert.equal(mapProtocolError(smtpError('Error upgrading connection with STARTTLS', { code: 'ETLS', response: '454 4.7.0 TLS not available', command: 'STARTTLS' }), server).code, 'starttls-unavailable');
    assert.equal(mapProtocolError(smtpError('Error initiating TLS - self-signed certificate', { code: 'ETLS', response: false, command: 'STARTTLS' }), server).code, 'certificate-untrusted');
  });

  it('maps a closed connection and a timeout', () => {
    assert.equal(mapProtocolError(smtpError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }), server).code, 'connection-lost');
    assert.equal(mapProtocolError(smtpError('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN' }), server).code, 'timeout');
  });
});

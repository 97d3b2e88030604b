// The doctor CLI's arguments: protocol, security and port inferred from each other; a password on the command line refused.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDoctorArgs, UsageError } from '../../src-main/doctor/cli-args';

describe('doctor CLI arguments', () => {
  it('infers protocol and security from a standard port', () => {
    const cases: Array<[string, string, string]> = [
      ['993', 'imap', 'tls'],
      ['143', 'imap', 'starttls'],
      ['995', 'pop3', 'tls'],
      ['110', 'pop3', 'starttls'],
      ['465', 'smtp', 'tls'],
      ['587', 'smtp', 'starttls'],
      ['25', 'smtp', 'starttls'],
    ];
    for (const [port, protocol, security] of cases) {
      const { target } = parseDoctorArgs(['mail.example.com', '--port', port]);
      assert.deepEqual(target, { protocol, host: 'mail.example.com', port: Number(port), security }, `port ${port}`);
    }
  });

  it('picks the standard port for a protocol and security, and IMAP over TLS when nothing is said', () => {
    assert.deepEqual(parseDoctorArgs(['h.example']).target, { protocol: 'imap', host: 'h.example', port: 993, security: 'tls' });
    assert.equal(parseDoctorArgs(['h.example', '--protocol', 'smtp', '--security', 'starttls']).target.port, 587);
    assert.equal(parseDoctorArgs(['h.example', '--protocol', 'pop3', '--security', 'none']).target.port, 110);
    // An unusual port keeps what was said, and defaults to encryption.
    assert.deepEqual(parseDoctorArgs(['h.example', '--port', '10993']).target, { protocol: 'imap', host: 'h.example', port: 10993, security: 'tls' });
  });

  it('takes the user, a CA file and the transcript switch', () => {
    const options = parseDoctorArgs(['h.example', '--user', 'alice@example.com', '--ca', '/tmp/ca.pem', '--transcript']);
    assert.equal(options.target.username, 'alice@example.com');
    assert.equal(options.caFile, '/tmp/ca.pem');
    assert.equal(options.transcript, true);
  });

  it('refuses a password on the command line, and other mistakes, with a usage error', () => {
    for (const argv of [['h', '--password', 'secret'], ['h', '--pass=secret'], [], ['h', '--port', '0'], ['h', '--security', 'ssl'], ['h', 'extra'], ['h', '--user']]) {
      assert.throws(() => parseDoctorArgs(argv), UsageError, argv.join(' '));
    }
    assert.throws(() => parseDoctorArgs(['h', '--password', 'secret']), /never taken from the command line/);
  });
});

// The unencrypted warning: which servers, what is exposed (the password and the mail), and what ticking the box covers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingSettings, OutgoingSettings } from '../../shared/model';
import { acknowledgementKey, isAcknowledged, unencryptedNote, unencryptedServers, unencryptedWarning } from '../../src-renderer/features/setup/unencrypted';

const imaps: IncomingSettings = { protocol: 'imap', host: 'mail.example.test', port: 993, security: 'tls', username: 'ann' };
const imapPlain: IncomingSettings = { ...imaps, port: 143, security: 'none' };
const submission: OutgoingSettings = { host: 'mail.example.test', port: 587, security: 'starttls', username: 'ann' };
const smtpPlain: OutgoingSettings = { ...submission, security: 'none' };

describe('unencrypted warning', () => {
  it('has nothing to say when everything is encrypted', () => {
    assert.deepEqual(unencryptedServers(imaps, submission), []);
    assert.equal(unencryptedWarning([]), null);
    assert.equal(unencryptedNote([]), null);
    assert.equal(isAcknowledged([], null), true);
  });

  it('names the password and the mail, and the server they would go to', () => {
    const servers = unencryptedServers(imapPlain, submission);
    assert.deepEqual(servers, [{ role: 'incoming', protocol: 'imap', host: 'mail.example.test', port: 143, exposed: ['password', 'mail'] }]);
    assert.equal(
      unencryptedWarning(servers),
      'Not encrypted: your password and your mail would be sent in plain text to the incoming server (IMAP, mail.example.test port 143). Anyone on the network path can read them and change them. Choose SSL/TLS or STARTTLS if the server offers it.',
    );
  });

  it('names both servers when both are plain, and the outgoing one alone', () => {
    const both = unencryptedWarning(unencryptedServers(imapPlain, smtpPlain)) ?? '';
    assert.match(both, /to the incoming server \(IMAP, mail\.example\.test port 143\) and the outgoing server \(SMTP, mail\.example\.test port 587\)/);
    const outgoing = unencryptedServers(imaps, { ...smtpPlain, port: 25 });
    assert.deepEqual(outgoing.map((s) => s.role), ['outgoing']);
    assert.match(unencryptedWarning(outgoing) ?? '', /your password and your mail .* outgoing server \(SMTP, mail\.example\.test port 25\)/);
  });

  it('an account without an outgoing server is judged on its incoming one', () => {
    assert.deepEqual(unencryptedServers(imaps, null), []);
    assert.equal(unencryptedServers({ ...imapPlain, protocol: 'pop3', port: 110 }, null)[0]?.protocol, 'pop3');
  });

  it('explains the saved account badge', () => {
    assert.equal(unencryptedNote(unencryptedServers({ ...imapPlain, protocol: 'pop3', port: 110 }, null)), 'Your password and your mail travel in plain text to the incoming server (POP3, mail.example.test port 110).');
  });

  it('an acknowledgement covers the same connections, not one more', () => {
    const incomingOnly = unencryptedServers(imapPlain, submission);
    const key = acknowledgementKey(incomingOnly);
    assert.equal(isAcknowledged(incomingOnly, key), true);
    assert.equal(isAcknowledged(incomingOnly, null), false);
    // A corrected host name or port is the same connection; the outgoing server going plain too is not.
    assert.equal(isAcknowledged(unencryptedServers({ ...imapPlain, host: 'imap.example.test', port: 10143 }, submission), key), true);
    assert.equal(isAcknowledged(unencryptedServers(imapPlain, smtpPlain), key), false);
    assert.equal(isAcknowledged(unencryptedServers({ ...imapPlain, protocol: 'pop3' }, submission), key), false);
  });
});

// The wizard's port and security proposals: security proposes its standard port and a standard port its security,
// but never over a port the person typed, never None, and never on every keystroke.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proposeSecurity, withProtocol, withSecurity, type IncomingFields, type ServerFields } from '../../src-renderer/features/setup/server-fields';

const imap: IncomingFields = { protocol: 'imap', host: 'mail.example.test', port: '993', security: 'tls', username: 'ann' };
const smtp: ServerFields = { host: 'mail.example.test', port: '465', security: 'tls', username: 'ann' };

describe('wizard port and security proposals', () => {
  it('changing security moves a standard port to the matching one', () => {
    assert.equal(withSecurity(imap, 'imap', 'starttls').port, '143');
    assert.equal(withSecurity({ ...imap, port: '143', security: 'starttls' }, 'imap', 'tls').port, '993');
    assert.equal(withSecurity(imap, 'imap', 'none').port, '143');
    assert.equal(withSecurity(smtp, 'smtp', 'starttls').port, '587');
    // 25 and 2525 are SMTP's too: choosing SSL/TLS there proposes 465.
    assert.equal(withSecurity({ ...smtp, port: '25', security: 'starttls' }, 'smtp', 'tls').port, '465');
  });

  it('an empty port is filled in', () => {
    assert.equal(withSecurity({ ...imap, port: '' }, 'imap', 'starttls').port, '143');
  });

  it('keeps a port the person typed', () => {
    const typed = withSecurity({ ...imap, port: '10993' }, 'imap', 'starttls');
    assert.equal(typed.port, '10993');
    assert.equal(typed.security, 'starttls');
  });

  it('a standard port proposes its security when the person leaves the field', () => {
    assert.equal(proposeSecurity({ ...imap, port: '143' }, 'imap').security, 'starttls');
    assert.equal(proposeSecurity({ ...imap, port: '993', security: 'starttls' }, 'imap').security, 'tls');
    assert.equal(proposeSecurity({ ...smtp, port: '587' }, 'smtp').security, 'starttls');
    assert.equal(proposeSecurity({ ...smtp, port: '25' }, 'smtp').security, 'starttls');
  });

  it('never proposes None, and keeps a deliberate None on a port that serves it', () => {
    const none = { ...imap, port: '143', security: 'none' as const };
    assert.equal(proposeSecurity(none, 'imap'), none);
    assert.equal(proposeSecurity({ ...none, port: '993' }, 'imap').security, 'tls');
  });

  it('an unusual port leaves security alone', () => {
    const fields = { ...imap, port: '1430' };
    assert.equal(proposeSecurity(fields, 'imap'), fields);
  });

  it('switching IMAP and POP3 moves a standard port to the other protocol', () => {
    const pop = withProtocol(imap, 'pop3');
    assert.equal(pop.protocol, 'pop3');
    assert.equal(pop.port, '995');
    assert.equal(withProtocol({ ...imap, port: '143', security: 'starttls' }, 'pop3').port, '110');
    assert.equal(withProtocol({ ...imap, port: '10993' }, 'pop3').port, '10993');
  });
});

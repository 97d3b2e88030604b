// The port and security classification, row by row: what travels encrypted, what is exposed, and which mistake is named.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Protocol, Security } from '../../shared/model';
import { securityForPort, standardPort } from '../../shared/ports';
import { classifyConnection, travelsUnencrypted, type MistakeCode } from '../../shared/security-classification';

type Row = [Protocol, number, Security, 'encrypted' | 'unencrypted', MistakeCode[]];

/** Every standard port of every protocol with every security mode, plus 25, 2525, the other protocols' ports and unusual ones. */
const TABLE: Row[] = [
  // IMAP: 993 implicit TLS, 143 STARTTLS or plain.
  ['imap', 993, 'tls', 'encrypted', []],
  ['imap', 993, 'starttls', 'encrypted', ['starttls-on-tls-port']],
  ['imap', 993, 'none', 'unencrypted', ['none-on-tls-port']],
  ['imap', 143, 'tls', 'encrypted', ['tls-on-starttls-port']],
  ['imap', 143, 'starttls', 'encrypted', []],
  ['imap', 143, 'none', 'unencrypted', []],
  // POP3: 995 implicit TLS, 110 STLS or plain.
  ['pop3', 995, 'tls', 'encrypted', []],
  ['pop3', 995, 'starttls', 'encrypted', ['starttls-on-tls-port']],
  ['pop3', 995, 'none', 'unencrypted', ['none-on-tls-port']],
  ['pop3', 110, 'tls', 'encrypted', ['tls-on-starttls-port']],
  ['pop3', 110, 'starttls', 'encrypted', []],
  ['pop3', 110, 'none', 'unencrypted', []],
  // SMTP submission: 465 implicit TLS (RFC 8314), 587 STARTTLS, 2525 the common unofficial alternative, 25 the relay port.
  ['smtp', 465, 'tls', 'encrypted', []],
  ['smtp', 465, 'starttls', 'encrypted', ['starttls-on-tls-port']],
  ['smtp', 465, 'none', 'unencrypted', ['none-on-tls-port']],
  ['smtp', 587, 'tls', 'encrypted', ['tls-on-starttls-port']],
  ['smtp', 587, 'starttls', 'encrypted', []],
  ['smtp', 587, 'none', 'unencrypted', []],
  ['smtp', 2525, 'tls', 'encrypted', ['tls-on-starttls-port']],
  ['smtp', 2525, 'starttls', 'encrypted', []],
  ['smtp', 2525, 'none', 'unencrypted', []],
  ['smtp', 25, 'tls', 'encrypted', ['tls-on-starttls-port', 'relay-port']],
  ['smtp', 25, 'starttls', 'encrypted', ['relay-port']],
  ['smtp', 25, 'none', 'unencrypted', ['relay-port']],
  // Another protocol's port is named as such.
  ['imap', 995, 'tls', 'encrypted', ['other-protocol-port']],
  ['imap', 465, 'tls', 'encrypted', ['other-protocol-port']],
  ['imap', 110, 'none', 'unencrypted', ['other-protocol-port']],
  ['pop3', 993, 'tls', 'encrypted', ['other-protocol-port']],
  ['pop3', 143, 'starttls', 'encrypted', ['other-protocol-port']],
  ['smtp', 993, 'tls', 'encrypted', ['other-protocol-port']],
  ['smtp', 143, 'none', 'unencrypted', ['other-protocol-port']],
  // Unusual ports: a hint, never an error, and encryption still follows the security mode.
  ['imap', 10993, 'tls', 'encrypted', ['unusual-port']],
  ['imap', 10143, 'none', 'unencrypted', ['unusual-port']],
  ['pop3', 1995, 'starttls', 'encrypted', ['unusual-port']],
  ['smtp', 8025, 'none', 'unencrypted', ['unusual-port']],
  ['smtp', 2465, 'tls', 'encrypted', ['unusual-port']],
];

describe('security classification table', () => {
  for (const [protocol, port, security, expected, mistakes] of TABLE) {
    it(`${protocol} port ${port} with ${security}: ${expected}${mistakes.length ? `, ${mistakes.join(', ')}` : ''}`, () => {
      const c = classifyConnection(protocol, port, security);
      const encrypted = expected === 'encrypted';
      assert.equal(c.passwordEncrypted, encrypted);
      assert.equal(c.mailEncrypted, encrypted);
      assert.deepEqual(c.exposed, encrypted ? [] : ['password', 'mail']);
      assert.deepEqual(
        c.mistakes.map((m) => m.code),
        mistakes,
      );
      assert.ok(c.explanation.includes(`port ${port}`), c.explanation);
      assert.ok(c.explanation.includes('password') && c.explanation.includes('mail'), c.explanation);
      for (const m of c.mistakes) assert.ok(m.message.includes(String(port)), m.message);
    });
  }

  it('covers every protocol, standard port and security mode', () => {
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      for (const portSecurity of ['tls', 'starttls', 'none'] as const) {
        for (const security of ['tls', 'starttls', 'none'] as const) {
          const port = standardPort(protocol, portSecurity);
          assert.ok(
            TABLE.some(([p, n, s]) => p === protocol && n === port && s === security),
            `${protocol} ${port} ${security} is in the table`,
          );
        }
      }
    }
  });

  it('says in words what each mode does with the password and the mail', () => {
    assert.match(classifyConnection('imap', 993, 'tls').explanation, /encrypted from its first byte.*RFC 8314/);
    assert.match(classifyConnection('imap', 143, 'starttls').explanation, /switches to encryption before your password is sent. Heron stops if the server does not offer/);
    assert.match(classifyConnection('pop3', 110, 'none').explanation, /^No encryption on POP3 port 110: your password and your mail travel in plain text/);
  });

  it('names the fix in each mistake', () => {
    const message = (protocol: Protocol, port: number, security: Security) => classifyConnection(protocol, port, security).mistakes.map((m) => m.message).join(' ');
    assert.match(message('imap', 143, 'tls'), /Choose STARTTLS, or use port 993 for SSL\/TLS/);
    assert.match(message('pop3', 995, 'starttls'), /Choose SSL\/TLS, or use port 110 for STARTTLS/);
    assert.match(message('smtp', 587, 'tls'), /use port 465 for SSL\/TLS/);
    assert.match(message('smtp', 25, 'starttls'), /many internet providers block it.*usually accepts no login.*465.*587/);
    assert.match(message('imap', 465, 'tls'), /Port 465 is SMTP's port, not IMAP's/);
    assert.match(message('imap', 10993, 'tls'), /not a usual IMAP port \(993 for SSL\/TLS, 143 for STARTTLS\)/);
  });

  it('lets only the security mode decide encryption: STARTTLS never falls back to plain text', () => {
    assert.equal(travelsUnencrypted('none'), true);
    assert.equal(travelsUnencrypted('starttls'), false);
    assert.equal(travelsUnencrypted('tls'), false);
  });

  it('knows the standard ports each way', () => {
    assert.equal(standardPort('imap', 'tls'), 993);
    assert.equal(standardPort('pop3', 'starttls'), 110);
    assert.equal(standardPort('smtp', 'tls'), 465);
    assert.equal(securityForPort('imap', 993), 'tls');
    assert.equal(securityForPort('smtp', 25), 'starttls');
    assert.equal(securityForPort('smtp', 2525), 'starttls');
    assert.equal(securityForPort('pop3', 12345), null);
  });
});

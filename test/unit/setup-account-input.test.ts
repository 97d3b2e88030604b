// From what the wizard collected (typed or found by discovery) to the engine's NewAccountInput, and found servers in words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingSettings, OutgoingSettings } from '../../shared/model';
import { describeOrigin, describeSettings, foreignHosts } from '../../src-renderer/features/setup/found-servers';
import { EMPTY_SETUP, emailDomain, toAccountInput, withEmail, withFound, type SetupForm } from '../../src-renderer/features/setup/setup-form';

const foundImap: IncomingSettings = { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann@example.test' };
const foundSmtp: OutgoingSettings = { host: 'smtp.example.test', port: 465, security: 'tls', username: 'ann@example.test' };

function ann(): SetupForm {
  return { ...withEmail(EMPTY_SETUP, 'ann@example.test'), name: ' Ann ', password: 'pw' };
}

describe('wizard account input', () => {
  it('starts with implicit TLS on both sides', () => {
    assert.equal(EMPTY_SETUP.incoming.security, 'tls');
    assert.equal(EMPTY_SETUP.incoming.port, '993');
    assert.equal(EMPTY_SETUP.outgoing.port, '465');
  });

  it('usernames follow the address until the person types another', () => {
    let form = ann();
    assert.equal(form.incoming.username, 'ann@example.test');
    assert.equal(form.outgoing.username, 'ann@example.test');
    form = { ...form, incoming: { ...form.incoming, username: 'ann' } };
    form = withEmail(form, 'ann2@example.test');
    assert.equal(form.incoming.username, 'ann');
    assert.equal(form.outgoing.username, 'ann2@example.test');
  });

  it('builds the input from found settings', () => {
    const input = toAccountInput(withFound(ann(), foundImap, foundSmtp), 'AA:BB');
    assert.deepEqual(input, { name: 'Ann', email: 'ann@example.test', incoming: foundImap, outgoing: foundSmtp, password: 'pw', rememberPassword: false, pinnedFingerprint256: 'AA:BB' });
  });

  it('a found server without a username signs in with the address', () => {
    const input = toAccountInput(withFound(ann(), { ...foundImap, username: '' }, { ...foundSmtp, username: '' }), null);
    assert.equal(input.incoming.username, 'ann@example.test');
    assert.equal(input.outgoing?.username, 'ann@example.test');
  });

  it('found settings without an outgoing server give an account that only receives', () => {
    const form = withFound({ ...ann(), outgoing: { host: 'old.example.test', port: '587', security: 'starttls', username: 'x' } }, foundImap, null);
    assert.equal(toAccountInput(form, null).outgoing, null);
  });

  it('builds the input from typed settings: trimmed, numbers, outgoing username from incoming when empty', () => {
    const form: SetupForm = {
      ...ann(),
      incoming: { protocol: 'pop3', host: ' pop.example.test ', port: '995', security: 'tls', username: ' ann ' },
      outgoing: { host: ' smtp.example.test ', port: '587', security: 'starttls', username: '' },
    };
    const input = toAccountInput(form, null);
    assert.deepEqual(input.incoming, { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: 'ann' });
    assert.deepEqual(input.outgoing, { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'ann' });
    assert.equal(input.pinnedFingerprint256, null);
  });

  it('describes found servers in words', () => {
    assert.equal(describeSettings(foundImap), 'IMAP at imap.example.test, port 993, SSL/TLS, user ann@example.test');
    assert.equal(describeSettings({ ...foundSmtp, security: 'none', port: 25, username: '' }), 'SMTP at smtp.example.test, port 25, None (unencrypted)');
    assert.equal(describeOrigin({ settings: foundImap, source: 'srv', verified: false }), 'Found through a DNS SRV record; not yet checked.');
    assert.equal(describeOrigin({ settings: foundImap, source: 'probe', verified: true }), 'Found through trying likely servers; the server answered.');
  });

  it("points out servers outside the address's domain", () => {
    assert.equal(emailDomain('Ann@Example.Test'), 'example.test');
    assert.deepEqual(foreignHosts('example.test', ['imap.example.test', 'example.test', 'smtp.example.test.']), []);
    assert.deepEqual(foreignHosts('example.test', ['imap.provider.test', 'imap.provider.test', 'badexample.test', '']), ['imap.provider.test', 'badexample.test']);
  });
});

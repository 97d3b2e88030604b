// The way from each error to its fix, and the account settings dialog's model: days kept offline, changes, servers, reasons.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode } from '../../shared/errors';
import type { AccountSummary } from '../../shared/model';
import { accountChanges, describeServer, parseKeepDays, settingsForm, settingsReason } from '../../src-renderer/features/accounts/account-settings';
import { fixFor } from '../../src-renderer/features/accounts/error-fix';

const outgoing = { host: 'smtp.example.test', port: 587, security: 'starttls' as const, username: 'ann@example.test' };
const account: AccountSummary = {
  id: 'a1',
  name: 'Ann Example',
  email: 'ann@example.test',
  incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' },
  outgoing,
  pinnedFingerprint256: null,
  passwordStorage: 'plain-file',
  keepBodiesDays: 30,
  pop3: null,
  createdAt: 1,
};

describe('the way from an error to its fix', () => {
  it('leads a refused password to the password field', () => {
    assert.deepEqual(fixFor('auth-failed'), { action: 'password', label: 'Change password' });
  });

  it('leads server and security failures to the account settings', () => {
    for (const code of ['certificate-untrusted', 'tls-failed', 'starttls-unavailable', 'connection-refused', 'host-not-found', 'timeout'] as const) {
      assert.deepEqual(fixFor(code), { action: 'settings', label: 'Account settings' }, code);
    }
  });

  it('offers to try again when the network was away', () => {
    assert.deepEqual(fixFor('offline'), { action: 'retry', label: 'Try again' });
    assert.deepEqual(fixFor('connection-lost'), { action: 'retry', label: 'Try again' });
  });

  it('offers nothing for every other code', () => {
    const withFix = new Set<ErrorCode>(['auth-failed', 'certificate-untrusted', 'tls-failed', 'starttls-unavailable', 'connection-refused', 'host-not-found', 'timeout', 'offline', 'connection-lost']);
    const others = ERROR_CODES.filter((code) => !withFix.has(code));
    assert.ok(others.includes('server-rejected') && others.includes('store-failed'));
    for (const code of others) assert.equal(fixFor(code), null, code);
  });
});

describe('days of mail kept offline', () => {
  it('reads empty and 0 as none', () => {
    assert.deepEqual(parseKeepDays(''), { days: null });
    assert.deepEqual(parseKeepDays('  '), { days: null });
    assert.deepEqual(parseKeepDays('0'), { days: null });
  });

  it('reads whole numbers up to the engine limit', () => {
    assert.deepEqual(parseKeepDays('7'), { days: 7 });
    assert.deepEqual(parseKeepDays(' 365 '), { days: 365 });
    assert.deepEqual(parseKeepDays('36500'), { days: 36_500 });
  });

  it('refuses what the engine would refuse, in words', () => {
    for (const text of ['36501', '-1', '1.5', '1e3', 'ten']) {
      const parsed = parseKeepDays(text);
      assert.ok('error' in parsed, text);
      assert.match(parsed.error, /whole number of days from 0 to 36,500/);
    }
  });

  it('fills the field from the account, empty for none', () => {
    assert.deepEqual(settingsForm(account), { name: 'Ann Example', keepDays: '30' });
    assert.deepEqual(settingsForm({ ...account, keepBodiesDays: null }), { name: 'Ann Example', keepDays: '' });
  });
});

describe('the changes the settings form saves', () => {
  it('asks nothing when nothing changed', () => {
    assert.deepEqual(accountChanges(account, settingsForm(account)), { changes: {} });
    assert.deepEqual(accountChanges(account, { name: '  Ann Example ', keepDays: '30' }), { changes: {} });
  });

  it('sends only the fields that differ', () => {
    assert.deepEqual(accountChanges(account, { name: 'Ann at work', keepDays: '30' }), { changes: { name: 'Ann at work' } });
    assert.deepEqual(accountChanges(account, { name: 'Ann Example', keepDays: '7' }), { changes: { keepBodiesDays: 7 } });
    assert.deepEqual(accountChanges(account, { name: 'Ann', keepDays: '' }), { changes: { name: 'Ann', keepBodiesDays: null } });
  });

  it('turns 0 into none, and none stays none', () => {
    assert.deepEqual(accountChanges(account, { name: 'Ann Example', keepDays: '0' }), { changes: { keepBodiesDays: null } });
    assert.deepEqual(accountChanges({ ...account, keepBodiesDays: null }, { name: 'Ann Example', keepDays: '0' }), { changes: {} });
  });

  it('stops at days the engine would refuse', () => {
    assert.ok('error' in accountChanges(account, { name: 'Ann at work', keepDays: '40000' }));
  });
});

describe('the settings dialog text', () => {
  it('describes each server on one line', () => {
    assert.equal(describeServer(account.incoming), 'IMAP, imap.example.test port 993, SSL/TLS, user ann');
    assert.equal(describeServer(outgoing), 'SMTP, smtp.example.test port 587, STARTTLS, user ann@example.test');
    assert.equal(describeServer({ ...account.incoming, protocol: 'pop3', port: 110, security: 'none' }), 'POP3, imap.example.test port 110, None (unencrypted), user ann');
  });

  it('says why it opened: the saved password for a refused login, the error itself otherwise', () => {
    assert.match(settingsReason({ code: 'auth-failed', message: ERROR_MESSAGES['auth-failed'] }), /did not accept the saved password/);
    assert.equal(settingsReason({ code: 'host-not-found', message: ERROR_MESSAGES['host-not-found'] }), ERROR_MESSAGES['host-not-found']);
  });
});

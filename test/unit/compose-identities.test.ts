// The addresses an account sends from: its own always first, the others as stored, and nothing malformed let through.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountSummary } from '../../shared/model';
import { identitiesKey, identitiesOf, identitiesValue, type Identity } from '../../src-renderer/features/compose/identities';
import type { SettingValue } from '../../src-renderer/store/rows';

const account: AccountSummary = {
  id: 'a1',
  name: 'Ann Lee',
  email: 'ann@example.test',
  incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' },
  outgoing: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'ann' },
  pinnedFingerprint256: null,
  passwordStorage: 'plain-file',
  pop3: null,
  keepBodiesDays: 30,
  createdAt: 1,
};

const OWN: Identity = { name: 'Ann Lee', address: 'ann@example.test', signature: '' };

describe('identities', () => {
  it('are kept under a key of their own for each account', () => {
    assert.equal(identitiesKey('a1'), 'compose.identities.a1');
    assert.notEqual(identitiesKey('a1'), identitiesKey('a2'));
  });

  it('start with the account’s own address, named as the account is, even with nothing stored', () => {
    assert.deepEqual(identitiesOf(account, undefined), [OWN]);
    assert.deepEqual(identitiesOf({ ...account, name: 'Ann B. Lee' }, [{ name: 'Old name', address: 'ANN@example.test', signature: 'Ann' }]), [{ name: 'Ann B. Lee', address: 'ann@example.test', signature: 'Ann' }]);
  });

  it('add the other stored addresses in order, each once, never the account’s own again', () => {
    const stored: SettingValue = [
      { name: 'Ann at work', address: ' ann@work.example ', signature: 'Ann\nWork Ltd' },
      { name: 'Ann', address: 'Ann@Example.Test', signature: 'own' },
      { name: 'Twice', address: 'ANN@work.example', signature: '' },
      { name: 'Ann (club)', address: 'ann@club.example', signature: '' },
    ];
    assert.deepEqual(identitiesOf(account, stored), [
      { ...OWN, signature: 'own' },
      { name: 'Ann at work', address: 'ann@work.example', signature: 'Ann\nWork Ltd' },
      { name: 'Ann (club)', address: 'ann@club.example', signature: '' },
    ]);
  });

  it('skip malformed values instead of throwing', () => {
    const malformed: SettingValue[] = ['text', 3, null, true, { name: 'x' }, [null, 'x', 1, [], { name: 1, address: 'a@b.example', signature: '' }, { name: 'No at', address: 'nobody', signature: '' }, { name: 'Spaces', address: 'a b@c.example', signature: '' }, { name: 'No signature', address: 'n@s.example' }]];
    for (const value of malformed) assert.deepEqual(identitiesOf(account, value), [OWN], JSON.stringify(value));
  });

  it('store as plain data that reads back the same, without whatever else the objects carried', () => {
    const identities = [{ ...OWN, signature: 'Ann' }, { name: 'Work', address: 'ann@work.example', signature: '' }];
    const value = identitiesValue([{ ...identities[0]!, key: 1 } as Identity, { ...identities[1]!, key: 2 } as Identity]);
    assert.deepEqual(value, identities);
    assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
    assert.deepEqual(identitiesOf(account, value), identities);
  });
});

// Changing servers in account settings: the form from the account, only real differences as changes, the pin and the notes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountSummary } from '../../shared/model';
import { changeNotes, passwordHint, pinFor, protocolNote, serverChanges, serversFields } from '../../src-renderer/features/accounts/server-changes';
import type { ServersFields } from '../../src-renderer/features/setup/setup-form';

const account: AccountSummary = {
  id: 'a1',
  name: 'Ann',
  email: 'ann@example.test',
  incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' },
  outgoing: { host: 'smtp.example.test', port: 465, security: 'tls', username: 'ann' },
  pinnedFingerprint256: 'AA:BB',
  passwordStorage: 'plain-file',
  keepBodiesDays: 30,
  pop3: null,
  createdAt: 1,
};

const edited = (change: (f: ServersFields) => ServersFields) => change(serversFields(account));

describe('changing servers', () => {
  it('starts from the saved servers, and an untouched form changes nothing', () => {
    const fields = serversFields(account);
    assert.deepEqual(fields.incoming, { protocol: 'imap', host: 'imap.example.test', port: '993', security: 'tls', username: 'ann' });
    assert.deepEqual(serverChanges(account, fields, null), {});
  });

  it('an account without an outgoing server starts with an empty one, and leaving it empty changes nothing', () => {
    const receiving = { ...account, outgoing: null };
    assert.equal(serversFields(receiving).outgoing.host, '');
    assert.deepEqual(serverChanges(receiving, serversFields(receiving), null), {});
  });

  it('sends the whole incoming server when any of it changed', () => {
    const fields = edited((f) => ({ ...f, incoming: { ...f.incoming, port: '143', security: 'starttls' } }));
    assert.deepEqual(serverChanges(account, fields, null), { incoming: { ...account.incoming, port: 143, security: 'starttls' } });
  });

  it('an emptied outgoing host removes the outgoing server; its empty username is the incoming one', () => {
    assert.deepEqual(serverChanges(account, edited((f) => ({ ...f, outgoing: { ...f.outgoing, host: ' ' } })), null), { outgoing: null });
    const fields = edited((f) => ({ ...f, outgoing: { ...f.outgoing, host: 'mail.example.test', username: '' } }));
    assert.deepEqual(serverChanges(account, fields, null), { outgoing: { ...account.outgoing, host: 'mail.example.test', username: 'ann' } });
  });

  it('sends a trusted certificate only for the server that presented it', () => {
    const fields = edited((f) => ({ ...f, incoming: { ...f.incoming, host: 'mail.example.test' } }));
    const trusted = { server: 'mail.example.test:993', fingerprint256: 'CC:DD' };
    assert.equal(serverChanges(account, fields, trusted).pinnedFingerprint256, 'CC:DD');
    const otherPort = edited((f) => ({ ...f, incoming: { ...f.incoming, host: 'mail.example.test', port: '994' } }));
    assert.equal(serverChanges(account, otherPort, trusted).pinnedFingerprint256, undefined);
  });

  it('the doctor trusts what the engine would: a certificate trusted here, else the pin on its own host only', () => {
    const typed = { ...account.incoming, port: 143, security: 'starttls' as const };
    assert.equal(pinFor(account, typed, null), 'AA:BB');
    assert.equal(pinFor(account, { ...typed, host: 'mail.example.test' }, null), null);
    assert.equal(pinFor(account, { ...typed, host: 'mail.example.test' }, { server: 'mail.example.test:143', fingerprint256: 'CC:DD' }), 'CC:DD');
  });

  it('says before saving that a new IMAP host or username replaces the cache, and that the pin stays behind', () => {
    assert.deepEqual(changeNotes(account, edited((f) => ({ ...f, incoming: { ...f.incoming, port: '143' } }))), []);
    const [cache, pin] = changeNotes(account, edited((f) => ({ ...f, incoming: { ...f.incoming, host: 'mail.example.test' } })));
    assert.match(cache ?? '', /copy of this account's mail is deleted.*Drafts and unsent messages stay/);
    assert.match(pin ?? '', /trusted for imap\.example\.test is not carried over to mail\.example\.test/);
    assert.equal(changeNotes(account, edited((f) => ({ ...f, incoming: { ...f.incoming, username: 'ann2' } }))).length, 1);
  });

  it('a POP3 account keeps its mail whatever the server', () => {
    const pop: AccountSummary = { ...account, incoming: { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: 'ann' }, pinnedFingerprint256: null };
    assert.deepEqual(changeNotes(pop, { ...serversFields(pop), incoming: { ...serversFields(pop).incoming, host: 'pop2.example.test' } }), []);
    assert.equal(protocolNote(pop), 'This account uses POP3. To use IMAP instead, add the account again.');
  });

  it('the password hint says whether the saved password is used or Heron needs one', () => {
    assert.match(passwordHint(account), /^Leave it empty/);
    assert.match(passwordHint({ ...account, passwordStorage: 'none' }), /does not have the password/);
  });
});

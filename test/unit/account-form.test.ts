// The first-run form's model: ports follow security choices, unencrypted choices are named, input is well-formed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { securityForPort, standardPort } from '../../shared/ports';
import { EMPTY_FORM, toAccountInput, unencryptedParts, updateForm } from '../../src-renderer/features/accounts/account-form';

describe('account form model', () => {
  it('proposes the standard port when security or protocol changes', () => {
    let form = updateForm(EMPTY_FORM, { incomingSecurity: 'starttls' });
    assert.equal(form.incomingPort, '143');
    form = updateForm(form, { protocol: 'pop3' });
    assert.equal(form.incomingPort, '110');
    form = updateForm(form, { incomingSecurity: 'tls' });
    assert.equal(form.incomingPort, '995');
    form = updateForm(form, { outgoingSecurity: 'starttls' });
    assert.equal(form.outgoingPort, '587');
  });

  it('keeps a port the person typed', () => {
    const form = updateForm(updateForm(EMPTY_FORM, { incomingPort: '10993' }), { incomingSecurity: 'starttls' });
    assert.equal(form.incomingPort, '10993');
  });

  it('follows the email address in the usernames until they are changed', () => {
    let form = updateForm(EMPTY_FORM, { email: 'ann@example.test' });
    assert.equal(form.incomingUsername, 'ann@example.test');
    form = updateForm(form, { incomingUsername: 'ann' });
    form = updateForm(form, { email: 'ann2@example.test' });
    assert.equal(form.incomingUsername, 'ann');
    assert.equal(form.outgoingUsername, 'ann2@example.test');
  });

  it('names every unencrypted connection', () => {
    assert.deepEqual(unencryptedParts(EMPTY_FORM), []);
    const form = updateForm(EMPTY_FORM, { incomingSecurity: 'none', outgoingHost: 'smtp.x', outgoingSecurity: 'none' });
    assert.deepEqual(unencryptedParts(form), ['incoming (IMAP)', 'outgoing (SMTP)']);
  });

  it('builds the engine input with numbers and no outgoing server when none is given', () => {
    const form = updateForm(EMPTY_FORM, { email: ' ann@example.test ', incomingHost: ' imap.example.test ', password: 'pw' });
    const input = toAccountInput(form, 'AA:BB');
    assert.equal(input.incoming.port, 993);
    assert.equal(input.incoming.host, 'imap.example.test');
    assert.equal(input.outgoing, null);
    assert.equal(input.pinnedFingerprint256, 'AA:BB');
  });

  it('knows the standard ports', () => {
    assert.equal(standardPort('smtp', 'tls'), 465);
    assert.equal(securityForPort('imap', 993), 'tls');
    assert.equal(securityForPort('smtp', 25), 'starttls');
    assert.equal(securityForPort('pop3', 12345), null);
  });
});

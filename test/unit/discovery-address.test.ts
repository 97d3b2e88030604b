// Addresses for discovery: what counts as one, the domain DNS is asked about, and the username placeholders.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import { expandPlaceholders, parseAddress, usernameFor } from '../../src-main/discovery/address';

describe('email address', () => {
  it('keeps the address as typed and asks DNS about the lower-case ASCII domain', () => {
    assert.deepEqual(parseAddress('  Jane.Doe@Example.COM. '), { email: 'Jane.Doe@Example.COM.', localPart: 'Jane.Doe', domain: 'example.com' });
    assert.equal(parseAddress('jürgen@Bücher.example').domain, 'xn--bcher-kva.example');
    assert.equal(parseAddress('"odd@local"@example.org').localPart, '"odd@local"');
  });

  it('is invalid input when it is not an address', () => {
    for (const text of ['', 'jane', '@example.com', 'jane@', 'jane@gmail', 'jane doe@example.com', 'jane@exa mple.com', 'jane@-bad.com', 'jane@example..com']) {
      assert.throws(
        () => parseAddress(text),
        (error: unknown) => error instanceof HeronError && error.code === 'invalid-input' && /name@example\.com/.test(error.message),
        JSON.stringify(text),
      );
    }
  });
});

describe('username placeholders', () => {
  const jane = parseAddress('Jane@Example.com');

  it('fills in %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%', () => {
    assert.equal(expandPlaceholders('%EMAILLOCALPART%+%EMAILDOMAIN%/%EMAILADDRESS%', jane), 'Jane+example.com/Jane@Example.com');
    assert.equal(expandPlaceholders('mail.%EMAILDOMAIN%', jane), 'mail.example.com');
  });

  it('guesses the full address unless a source names something it can fill in', () => {
    assert.equal(usernameFor(undefined, jane), 'Jane@Example.com');
    assert.equal(usernameFor('  ', jane), 'Jane@Example.com');
    assert.equal(usernameFor('%EMAILLOCALPART%', jane), 'Jane');
    assert.equal(usernameFor('fixed-user', jane), 'fixed-user');
    assert.equal(usernameFor('%REALNAME%', jane), 'Jane@Example.com');
  });
});

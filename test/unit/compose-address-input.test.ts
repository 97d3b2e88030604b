// Recipient fields: typed and pasted address lists read into addresses, quoted names kept whole, junk kept visible as junk.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addAddresses, formatAddress, isValidAddress, parseAddressList, parseEntry } from '../../src-renderer/features/compose/address-input';

describe('recipient input', () => {
  it('reads bare, angled and named addresses', () => {
    assert.deepEqual(parseEntry('bob@example.org').address, { name: '', address: 'bob@example.org' });
    assert.deepEqual(parseEntry('<bob@example.org>').address, { name: '', address: 'bob@example.org' });
    assert.deepEqual(parseEntry('Ann Lee <ann@example.org>').address, { name: 'Ann Lee', address: 'ann@example.org' });
    assert.deepEqual(parseEntry('"Lee, Ann \\"Boss\\"" <ann@example.org>').address, { name: 'Lee, Ann "Boss"', address: 'ann@example.org' });
  });

  it('splits a pasted list on commas, semicolons and lines, but not inside quotes or angle brackets', () => {
    const parsed = parseAddressList('Ann <ann@example.org>, bob@example.org; "Lee, Bo" <bo@x.org>\ncarol@example.org,,');
    assert.deepEqual(
      parsed.map((p) => p.address),
      [
        { name: 'Ann', address: 'ann@example.org' },
        { name: '', address: 'bob@example.org' },
        { name: 'Lee, Bo', address: 'bo@x.org' },
        { name: '', address: 'carol@example.org' },
      ],
    );
  });

  it('keeps what is not an address as raw text with no address', () => {
    const parsed = parseAddressList('ann at example, <broken, dave@');
    // An unclosed angle bracket holds the rest together, so the junk shows as typed rather than cut into pieces.
    assert.deepEqual(parsed.map((p) => [p.raw, p.address]), [['ann at example', null], ['<broken, dave@', null]]);
    assert.deepEqual(parseAddressList('ann at example, bob@x.org').map((p) => [p.raw, p.address?.address ?? null]), [
      ['ann at example', null],
      ['bob@x.org', 'bob@x.org'],
    ]);
    assert.equal(isValidAddress('a b@c'), false);
    assert.equal(isValidAddress('a@b'), true);
  });

  it('formats addresses so they read back the same', () => {
    for (const a of [{ name: '', address: 'x@y.org' }, { name: 'Ann Lee', address: 'ann@y.org' }, { name: 'Lee, "Ann"', address: 'ann@y.org' }]) {
      assert.deepEqual(parseEntry(formatAddress(a)).address, a);
    }
  });

  it('adds only addresses not there yet, compared without case', () => {
    const list = addAddresses([{ name: 'Ann', address: 'Ann@Example.org' }], [{ name: 'A.', address: 'ann@example.org' }, { name: '', address: 'bob@example.org' }, { name: '', address: 'BOB@example.org' }]);
    assert.deepEqual(list, [{ name: 'Ann', address: 'Ann@Example.org' }, { name: '', address: 'bob@example.org' }]);
  });
});

// parseAuthResults as a table: verdicts only from trusted authserv-ids, comments and quoting per RFC 8601, the topmost header wins.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthHeader, parseAuthResults, stripComments, type AuthSummary } from '../../shared/auth-results';

const TRUSTED = ['mx.heron.test'];
const none = { dmarc: 'absent', spf: 'absent', dkim: 'absent' } as const;

const rows: [why: string, values: string[], expected: AuthSummary][] = [
  [
    'all three pass',
    ['mx.heron.test; spf=pass smtp.mailfrom=bank.example; dkim=pass header.d=bank.example header.s=s1; dmarc=pass header.from=bank.example'],
    { dmarc: 'pass', spf: 'pass', dkim: 'pass', ignored: 0 },
  ],
  ['DMARC fails', ['mx.heron.test; spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail (p=reject dis=none) header.from=bank.example'], { dmarc: 'fail', spf: 'fail', dkim: 'none', ignored: 0 }],
  ['a forged header under a foreign authserv-id is ignored', ['mx.evil.test; spf=pass; dkim=pass; dmarc=pass header.from=bank.example'], { ...none, ignored: 1 }],
  [
    'a forged header beside the real one changes nothing',
    ['mx.heron.test; dmarc=fail header.from=bank.example', 'mx.evil.test; dmarc=pass header.from=bank.example'],
    { ...none, dmarc: 'fail', ignored: 1 },
  ],
  ['the authserv-id compares case-insensitively', ['MX.Heron.TEST; dmarc=pass'], { ...none, dmarc: 'pass', ignored: 0 }],
  ['a version after the authserv-id', ['mx.heron.test 1; dmarc=pass header.from=bank.example'], { ...none, dmarc: 'pass', ignored: 0 }],
  ['a quoted authserv-id', ['"mx.heron.test"; spf=pass'], { ...none, spf: 'pass', ignored: 0 }],
  ['comments everywhere, nested', ['mx.heron.test (our (very) own server); dkim (sig 1) = pass (good) header.d=bank.example; dmarc=(x)fail'], { ...none, dkim: 'pass', dmarc: 'fail', ignored: 0 }],
  ['a comment that hides a fake result', ['mx.heron.test; dmarc=fail (dmarc=pass)'], { ...none, dmarc: 'fail', ignored: 0 }],
  ['a quoted string containing ";" and "dmarc=pass"', ['mx.heron.test; spf=fail smtp.mailfrom="a;dmarc=pass"@x.example; dmarc=fail'], { ...none, spf: 'fail', dmarc: 'fail', ignored: 0 }],
  ['a method version', ['mx.heron.test; dkim/1=pass header.d=bank.example'], { ...none, dkim: 'pass', ignored: 0 }],
  ['no results at all ("none")', ['mx.heron.test; none'], { ...none, ignored: 0 }],
  [
    'several headers from our server: the topmost report of each method wins',
    ['mx.heron.test; dmarc=pass', 'mx.heron.test; dmarc=fail; spf=softfail', 'mx.heron.test; spf=pass'],
    { ...none, dmarc: 'pass', spf: 'softfail', ignored: 0 },
  ],
  ['two DKIM signatures: one passing is enough', ['mx.heron.test; dkim=fail header.d=a.example; dkim=pass header.d=b.example'], { ...none, dkim: 'pass', ignored: 0 }],
  ['old spelling hardfail means fail', ['mx.heron.test; spf=hardfail'], { ...none, spf: 'fail', ignored: 0 }],
  ['an unknown result word proves nothing', ['mx.heron.test; dmarc=bestguesspass'], { ...none, dmarc: 'neutral', ignored: 0 }],
  ['upper-case methods and results', ['mx.heron.test; DMARC=PASS; SPF=TempError'], { ...none, dmarc: 'pass', spf: 'temperror', ignored: 0 }],
  ['folded across lines', ['mx.heron.test;\r\n\tspf=pass;\r\n dmarc=pass'], { ...none, spf: 'pass', dmarc: 'pass', ignored: 0 }],
  ['an empty header counts as ignored', [''], { ...none, ignored: 1 }],
  ['no headers', [], { ...none, ignored: 0 }],
];

describe('parseAuthResults', () => {
  for (const [why, values, expected] of rows) {
    it(why, () => assert.deepEqual(parseAuthResults(values, TRUSTED), expected));
  }

  it('trusts nothing when no authserv-id is trusted', () => {
    assert.deepEqual(parseAuthResults(['mx.heron.test; dmarc=pass'], []), { ...none, ignored: 1 });
    assert.deepEqual(parseAuthResults(['mx.heron.test; dmarc=pass'], ['  ']), { ...none, ignored: 1 });
  });
});

describe('Authentication-Results syntax', () => {
  it('strips comments but keeps parentheses inside quoted strings', () => {
    assert.equal(stripComments('a (b (c) d) e "f (g)" h').replace(/\s+/g, ' '), 'a e "f (g)" h');
    assert.equal(stripComments('a (b \\) c) d').replace(/\s+/g, ' '), 'a d');
  });

  it('reads the authserv-id and each method', () => {
    assert.deepEqual(parseAuthHeader('mx.heron.test; spf=pass smtp.mailfrom=x; dmarc=fail'), {
      authservId: 'mx.heron.test',
      results: [
        { method: 'spf', verdict: 'pass' },
        { method: 'dmarc', verdict: 'fail' },
      ],
    });
    assert.equal(parseAuthHeader('   '), null);
  });
});

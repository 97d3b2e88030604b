// The error vocabulary: every code has a message, and errors survive the trip to plain data and back.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, ERROR_MESSAGES, HeronError, isHeronErrorData, toErrorData, toHeronError } from '../../shared/errors';

describe('error vocabulary', () => {
  it('has a person-facing sentence for every code, and the codes the design names', () => {
    for (const code of ERROR_CODES) assert.ok(ERROR_MESSAGES[code].length > 20, `message for ${code}`);
    for (const code of ['auth-failed', 'tls-failed', 'certificate-untrusted', 'connection-refused', 'host-not-found', 'timeout', 'server-rejected', 'offline'])
      assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
  });

  it('turns a HeronError into plain data and back without losing detail', () => {
    const original = new HeronError('server-rejected', 'Rejected', { serverResponse: '550 5.1.1 no such user', command: 'RCPT TO' });
    const data = toErrorData(original);
    assert.deepEqual(JSON.parse(JSON.stringify(data)), { code: 'server-rejected', message: 'Rejected', detail: { serverResponse: '550 5.1.1 no such user', command: 'RCPT TO' } });
    const back = toHeronError(JSON.parse(JSON.stringify(data)));
    assert.ok(back instanceof HeronError);
    assert.equal(back.code, 'server-rejected');
    assert.deepEqual(back.detail, original.detail);
  });

  it('maps anything else to internal, keeping its text but no stack', () => {
    const data = toErrorData(new TypeError('boom'));
    assert.equal(data.code, 'internal');
    assert.deepEqual(data.detail, { cause: 'boom' });
    assert.equal(toErrorData('plain string').code, 'internal');
    assert.equal(isHeronErrorData({ code: 'nope', message: 'x' }), false);
    assert.equal(isHeronErrorData({ code: 'timeout', message: 'x' }), true);
  });
});

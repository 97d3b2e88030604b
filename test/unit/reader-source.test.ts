// What the reader gets from main besides the body: "View source" text decoding, and the Authentication-Results headers a body carries.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSource } from '../../src-main/imap/message-source';
import { authenticationResults, parseMessage } from '../../src-main/mime/parse-message';

describe('View source decoding', () => {
  it('reads UTF-8 as UTF-8 and anything else as Latin-1, byte for byte', () => {
    assert.equal(decodeSource(Buffer.from('Subject: Grüße\r\n', 'utf8'), false), 'Subject: Grüße\r\n');
    assert.equal(decodeSource(Buffer.from('Subject: Gr\xfc\xdfe\r\n', 'latin1'), false), 'Subject: Grüße\r\n');
  });

  it('does not call a UTF-8 character cut at the size limit invalid', () => {
    const bytes = Buffer.from('abc €', 'utf8');
    assert.equal(decodeSource(bytes.subarray(0, bytes.length - 1), true), 'abc ');
  });
});

describe('Authentication-Results in parsed bodies', () => {
  const message = (headers: string) => Buffer.from(`${headers}From: a@bank.example\r\nSubject: x\r\n\r\nAuthentication-Results: mx.evil.test; dmarc=pass\r\nbody\r\n`, 'latin1');

  it('collects every value of the top-level header block, unfolded, top first', () => {
    const source = message('Authentication-Results: mx.heron.test;\r\n\tspf=pass smtp.mailfrom=bank.example;\r\n dmarc=pass\r\nAUTHENTICATION-RESULTS : mx.heron.test; dkim=fail\r\n');
    assert.deepEqual(authenticationResults(source), ['mx.heron.test; spf=pass smtp.mailfrom=bank.example; dmarc=pass', 'mx.heron.test; dkim=fail']);
  });

  it('never reads them from the body or an attached message, and leaves the field out when there are none', async () => {
    assert.deepEqual(authenticationResults(message('')), []);
    assert.equal('authResults' in (await parseMessage(message(''))), false);
    assert.deepEqual((await parseMessage(message('Authentication-Results: mx.heron.test; dmarc=fail\r\n'))).authResults, ['mx.heron.test; dmarc=fail']);
  });
});

// The doctor's transcript keeps credentials out: explicit redacted forms, and a net under them for every form of the password.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, scrubSecrets, secretForms, Transcript } from '../../src-main/doctor/transcript';

const password = 'pä$$ "word"';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('doctor transcript', () => {
  it('records both directions with C:/S: and keeps the shown form of a credential line', () => {
    const transcript = new Transcript(secretForms('alice', password));
    transcript.server('* OK ready');
    transcript.client(`a1 LOGIN "alice" "${password}"`, `a1 LOGIN "alice" ${REDACTED}`);
    assert.deepEqual(transcript.toLines(), ['S: * OK ready', `C: a1 LOGIN "alice" ${REDACTED}`]);
  });

  it('replaces the password and its SASL encodings wherever they appear, even in server lines', () => {
    const transcript = new Transcript(secretForms('alice', password));
    transcript.client(`AUTH PLAIN ${b64(`\0alice\0${password}`)}`);
    transcript.client(b64(password));
    transcript.server(`-ERR wrong password ${password}`);
    const lines = transcript.toLines().join('\n');
    for (const form of [password, b64(password), b64(`\0alice\0${password}`)]) assert.ok(!lines.includes(form), form);
    assert.equal((lines.match(/<redacted>/g) ?? []).length, 3);
  });

  it('scrubs every string of a nested value, leaving structure and other values alone', () => {
    const transcript = new Transcript(secretForms('alice', password));
    const scrubbed = scrubSecrets({ ok: false, steps: [{ summary: `said ${password}`, ms: 3 }], error: { detail: { serverResponse: password } } }, transcript);
    assert.deepEqual(scrubbed, { ok: false, steps: [{ summary: `said ${REDACTED}`, ms: 3 }], error: { detail: { serverResponse: REDACTED } } });
  });
});

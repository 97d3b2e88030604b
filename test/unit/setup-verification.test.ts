// The verify step: what a successful check says, when the account may be saved, and the doctor's copyable transcript.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { DoctorReport } from '../../shared/setup';
import { describeTarget, loginNote, transcriptText } from '../../src-renderer/features/setup/doctor-report';
import { addAccountLabel, canAddAccount, incomingSummary, outgoingSummary, startVerification, type Verification } from '../../src-renderer/features/setup/verification';

const failed = { status: 'failed' as const, error: new HeronError('auth-failed') };
const ok = { status: 'ok' as const, summary: 'fine' };

describe('wizard verification', () => {
  it('checks incoming first, outgoing after it, or notes there is none', () => {
    assert.deepEqual(startVerification(true), { incoming: { status: 'checking' }, outgoing: { status: 'waiting' } });
    assert.deepEqual(startVerification(false), { incoming: { status: 'checking' }, outgoing: { status: 'none' } });
  });

  it('saves only after the incoming server worked and both checks are over', () => {
    const cases: [Verification, boolean, string][] = [
      [startVerification(true), false, 'Add account'],
      [{ incoming: ok, outgoing: { status: 'checking' } }, false, 'Add account'],
      [{ incoming: failed, outgoing: { status: 'skipped' } }, false, 'Add account'],
      [{ incoming: ok, outgoing: ok }, true, 'Add account'],
      [{ incoming: ok, outgoing: { status: 'none' } }, true, 'Add account'],
      // Receiving works; the person may add the account knowing sending does not.
      [{ incoming: ok, outgoing: failed }, true, 'Add account anyway'],
    ];
    for (const [verification, allowed, label] of cases) {
      assert.equal(canAddAccount(verification), allowed, JSON.stringify(verification));
      assert.equal(addAccountLabel(verification), label);
    }
  });

  it('says what a successful check found and whether it was encrypted', () => {
    const folders = [{ accountId: '', path: 'INBOX', name: 'Inbox', delimiter: '/', parentPath: null, specialUse: 'inbox' as const, subscribed: true, selectable: true, total: 0, unread: 0 }];
    assert.equal(incomingSummary({ ok: true, protocol: 'imap', capabilities: [], encrypted: true, folders }, 'mail.example.test'), 'Signed in to mail.example.test over an encrypted connection. 1 folder found.');
    assert.equal(incomingSummary({ ok: true, protocol: 'pop3', capabilities: [], encrypted: false, folders: [] }, 'pop.example.test'), 'Signed in to pop.example.test over an UNENCRYPTED connection. POP3 mail will be downloaded into Heron.');
    assert.equal(outgoingSummary({ ok: true, encrypted: true, capabilities: [] }, 'smtp.example.test'), 'Signed in to smtp.example.test over an encrypted connection. Nothing was sent.');
  });
});

describe('connection doctor report', () => {
  const report: DoctorReport = {
    target: { protocol: 'imap', host: 'mail.example.test', port: 993, security: 'tls', username: 'ann' },
    ok: false,
    steps: [],
    capabilities: [],
    authMechanisms: [],
    tls: null,
    encrypted: true,
    transcript: ['S: * OK ready', 'C: a1 LOGIN ann <redacted>', 'S: a1 NO [AUTHENTICATIONFAILED] Authentication failed.'],
  };

  it('copies the transcript as it was, under a line naming the server', () => {
    assert.equal(transcriptText(report), 'Heron connection doctor: IMAP at mail.example.test, port 993, SSL/TLS\nS: * OK ready\nC: a1 LOGIN ann <redacted>\nS: a1 NO [AUTHENTICATIONFAILED] Authentication failed.');
    assert.equal(describeTarget({ protocol: 'smtp', host: 'smtp.example.test', port: 587, security: 'starttls' }), 'SMTP at smtp.example.test, port 587, STARTTLS');
  });

  it('says when the login step is skipped', () => {
    assert.equal(loginNote(report.target, 'pw'), null);
    assert.equal(loginNote(report.target, null), 'No password given: the login step is skipped.');
    assert.equal(loginNote({ ...report.target, username: undefined }, 'pw'), 'No username: the login step is skipped.');
  });
});

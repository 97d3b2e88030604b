// The doctor's terminal output: ✓/✗ per step with advice, TLS details with the fingerprint, the unencrypted warning only for None.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoctorReport } from '../../shared/setup';
import { formatReport } from '../../src-main/doctor/cli-print';

const tls = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  authorized: false,
  authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  subject: 'CN=mail.example.com',
  issuer: 'CN=mail.example.com',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  fingerprint256: 'AB:CD',
  hostMatches: true,
};

function report(overrides: Partial<DoctorReport>): DoctorReport {
  return {
    target: { protocol: 'imap', host: 'mail.example.com', port: 993, security: 'tls' },
    ok: true,
    steps: [{ name: 'connect', ok: true, ms: 3, summary: 'Connected to 192.0.2.7 port 993.' }],
    capabilities: [],
    authMechanisms: [],
    tls: null,
    encrypted: true,
    transcript: ['S: * OK ready'],
    ...overrides,
  };
}

describe('doctor CLI output', () => {
  it('marks a failed step with ✗ and its advice, and shows the certificate it stopped at', () => {
    const text = formatReport(
      report({
        ok: false,
        encrypted: false,
        tls,
        steps: [{ name: 'tls', ok: false, ms: 9, summary: 'The certificate is not trusted.', advice: 'Compare its fingerprint.' }],
        error: { code: 'certificate-untrusted', message: 'The certificate is not trusted.' },
      }),
      { transcript: false, loginSkipped: false },
    );
    assert.match(text, /✗ tls\s+The certificate is not trusted\./);
    assert.match(text, /→ Compare its fingerprint\./);
    assert.match(text, /SHA-256\s+AB:CD/);
    assert.match(text, /chain\s+not verified \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.ok(!text.includes('Unencrypted'), 'a refused TLS connection is not called unencrypted');
    assert.ok(!text.includes('Transcript'));
  });

  it('warns for security None, says when the login was not checked, and prints the transcript on request', () => {
    const text = formatReport(report({ target: { protocol: 'pop3', host: 'h', port: 110, security: 'none' }, encrypted: false }), { transcript: true, loginSkipped: true });
    assert.match(text, /⚠ Unencrypted/);
    assert.match(text, /login\s+not checked: set HERON_DOCTOR_PASSWORD/);
    assert.match(text, /Transcript \(passwords replaced by <redacted>\):\n {2}S: \* OK ready/);
    assert.match(text, /✓ All checks passed\./);
  });
});

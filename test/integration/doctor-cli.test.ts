// `npm run doctor` as a child process against the lab: exit codes, the fingerprint and TLS version printed, the
// unencrypted warning, the auth-failed advice, and never the password in the output.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;

const PASSWORD = 'alice-pw-lab';
/** Bound for one doctor run (npm, tsx start-up, a Dovecot login delay after a failure). */
const RUN_TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function doctor(args: string[], password: string | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.HERON_DOCTOR_PASSWORD;
    if (password !== null) env.HERON_DOCTOR_PASSWORD = password;
    // stdin is not a terminal, so the doctor never waits for a typed password.
    const child = spawn('npm', ['run', '--silent', 'doctor', '--', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
});

after(async () => {
  await lab?.stop();
});

describe('npm run doctor against the lab', () => {
  it('implicit-TLS IMAP with --ca: every step ✓, the SHA-256 fingerprint and TLS version printed, exit 0', async () => {
    const run = await doctor([lab.host, '--port', String(lab.ports.imaps), '--protocol', 'imap', '--security', 'tls', '--user', 'alice', '--ca', lab.caFile, '--transcript'], PASSWORD);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(run.stdout.includes(fingerprint), run.stdout);
    assert.match(run.stdout, /version\s+TLSv1\.[23]/);
    assert.match(run.stdout, /✓ login/);
    assert.match(run.stdout, /AUTHENTICATE PLAIN <redacted>/);
    assert.ok(!run.stdout.includes('Unencrypted'));
    assert.ok(!(run.stdout + run.stderr).includes(PASSWORD), 'the password is never printed');
  });

  it('the plaintext port with security none: works, with the unencrypted warning', async () => {
    const run = await doctor([lab.host, '--port', String(lab.ports.pop3), '--protocol', 'pop3', '--security', 'none', '--user', 'alice', '--transcript'], PASSWORD);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /⚠ Unencrypted/);
    assert.match(run.stdout, /PASS <redacted>/);
    assert.ok(!(run.stdout + run.stderr).includes(PASSWORD));
  });

  it('a wrong password: ✗ login with the auth-failed advice, exit 1', async () => {
    const wrong = 'not-the-password-42';
    const run = await doctor([lab.host, '--port', String(lab.ports.imaps), '--protocol', 'imap', '--security', 'tls', '--user', 'alice', '--ca', lab.caFile, '--transcript'], wrong);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ login/);
    assert.match(run.stdout, /full email address/);
    assert.match(run.stdout, /app password/);
    assert.ok(!(run.stdout + run.stderr).includes(wrong));
  });

  it('a password on the command line is refused with exit 2', async () => {
    const run = await doctor([lab.host, '--password', PASSWORD], null);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /never taken from the command line/);
  });
});

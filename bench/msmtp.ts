// Owns running msmtp (1.8) as a peer: its private config file and one invocation per message, the way a mailer calls it.

import { spawn } from 'node:child_process';

export interface MsmtpConfigInput {
  /** The address msmtp connects to (the same one Heron and the floor connect to). */
  host: string;
  port: number;
  /** 'starttls' for a submission port, 'tls' for implicit TLS (smtps). */
  security: 'starttls' | 'tls';
  /** The name on the certificate, checked instead of `host` (nodemailer's `servername`). */
  servername: string;
  /** PEM file of the certificate msmtp trusts as its CA. */
  trustFile: string;
  user: string;
  password: string;
  /** Envelope sender (MAIL FROM). */
  from: string;
}

/** The account the config defines and the command line names. */
export const MSMTP_ACCOUNT = 'heron-bench';

/**
 * Quotes a value for msmtp's config parser. msmtp strips one pair of enclosing double quotes and takes everything
 * between them literally (no escapes: `"a\"b"` is `a\"b`), so quoting keeps inner quotes, `#` and edge blanks as they
 * are; a line break would end the command, and an empty value means "unset", so neither can be written.
 */
export function msmtpQuote(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('msmtp config values cannot contain line breaks');
  if (value === '') throw new Error('msmtp config values cannot be empty (msmtp reads that as "unset")');
  return `"${value}"`;
}

/** One account that submits with TLS, checks the certificate against the lab CA, and logs in. */
export function msmtpConfig(input: MsmtpConfigInput): string {
  return [
    '# Written by Heron bench/msmtp.ts for one benchmark run; contains a password, so mode 600.',
    `account ${MSMTP_ACCOUNT}`,
    `host ${msmtpQuote(input.host)}`,
    `port ${input.port}`,
    'tls on',
    `tls_starttls ${input.security === 'starttls' ? 'on' : 'off'}`,
    `tls_trust_file ${msmtpQuote(input.trustFile)}`,
    `tls_host_override ${msmtpQuote(input.servername)}`,
    'auth on',
    `user ${msmtpQuote(input.user)}`,
    // `password` rather than `passwordeval`: the latter runs a shell command on every invocation, a cost people who
    // care about speed do not pay, and the file is private anyway.
    `password ${msmtpQuote(input.password)}`,
    `from ${msmtpQuote(input.from)}`,
    // Explicitly off (their defaults), so a system-wide /etc/msmtprc cannot add logging to the measured work.
    'logfile',
    'syslog off',
    '',
  ].join('\n');
}

/**
 * Sends one message: msmtp reads it from stdin and submits it to `recipient` (given on the command line, as a mailer
 * that builds its own envelope does). An abort (the run's time limit) kills msmtp. Rejects with msmtp's own words
 * unless it exits 0.
 */
export function runMsmtp(executable: string, configFile: string, recipient: string, raw: Buffer, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-C', configFile, '-a', MSMTP_ACCOUNT, '--', recipient], { stdio: ['pipe', 'ignore', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Enough to explain a failure; a chatty msmtp must not grow this without bound.
      if (stderr.length < 16_384) stderr += chunk;
    });
    // msmtp exiting early (a refused login) closes its stdin under us; its exit code says what went wrong.
    child.stdin.on('error', () => undefined);
    child.stdin.end(raw);
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      if (code === 0) resolve();
      else reject(new Error(`msmtp failed (${killedBy ? `signal ${killedBy}` : `exit code ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
}

// Owns running mpop (1.4) as a peer: its private config, one retrieval into a fresh Maildir, and what it delivered.

import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { msmtpQuote } from './msmtp';

export interface MpopConfigInput {
  /** The address mpop connects to (the same one Heron connects to). */
  host: string;
  /** The implicit-TLS POP3 port (pop3s). */
  port: number;
  /** The name on the certificate, checked instead of `host`. */
  servername: string;
  /** PEM file of the certificate mpop trusts as its CA. */
  trustFile: string;
  user: string;
  password: string;
  /** A Maildir (cur/, new/, tmp/ must exist: mpop does not create them) every message is delivered into. */
  maildir: string;
  /** Where mpop keeps the UIDLs it has seen; in the run's own directory, never the person's home. */
  uidlsFile: string;
}

/** The account the config defines and the command line names. */
export const MPOP_ACCOUNT = 'heron-bench';

/**
 * One account that downloads every message over implicit TLS into a Maildir and deletes nothing. mpop's config parser
 * is msmtp's (same author, same quoting rules), so values are quoted the same way.
 */
export function mpopConfig(input: MpopConfigInput): string {
  return [
    '# Written by Heron bench/mpop.ts for one benchmark run; contains a password, so mode 600.',
    `account ${MPOP_ACCOUNT}`,
    `host ${msmtpQuote(input.host)}`,
    `port ${input.port}`,
    'tls on',
    // Implicit TLS (pop3s), as Heron's account uses; `on` would send STLS on a port that is TLS already.
    'tls_starttls off',
    `tls_trust_file ${msmtpQuote(input.trustFile)}`,
    `tls_host_override ${msmtpQuote(input.servername)}`,
    'auth on',
    `user ${msmtpQuote(input.user)}`,
    // `password` rather than `passwordeval`, which would start a shell on every run; the file is private anyway.
    `password ${msmtpQuote(input.password)}`,
    // Leave on server, and download everything every time: the runs stay repeatable and each one does the whole job.
    'keep on',
    'only_new off',
    `uidls_file ${msmtpQuote(input.uidlsFile)}`,
    `delivery maildir ${msmtpQuote(input.maildir)}`,
    // Pipelining (auto), the Received header it adds (on) and no filters: mpop's defaults, as people run it.
    '',
  ].join('\n');
}

/** Empties the run's Maildir and forgets the UIDLs, so the next run starts from nothing (untimed). */
export async function freshMpopStore(input: Pick<MpopConfigInput, 'maildir' | 'uidlsFile'>): Promise<void> {
  await rm(input.maildir, { recursive: true, force: true });
  await rm(input.uidlsFile, { force: true });
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(input.maildir, sub), { recursive: true });
}

/** Runs one retrieval; an abort (the run's time limit) kills mpop. Rejects with mpop's own words unless it exits 0. */
export function runMpop(executable: string, configFile: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // -q: no progress output (it would be the only thing written, and writing it is not the job measured).
    const child = spawn(executable, ['-C', configFile, '-q', '--', MPOP_ACCOUNT], { stdio: ['ignore', 'ignore', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Enough to explain a failure; a chatty mpop must not grow this without bound.
      if (stderr.length < 16_384) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      if (code === 0) resolve();
      else reject(new Error(`mpop failed (${killedBy ? `signal ${killedBy}` : `exit code ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
}

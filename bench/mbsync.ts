// Owns running mbsync (isync 1.4) as a peer: finding it, writing its private config, running one sync, counting what it stored.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface MbsyncConfigInput {
  /** A DNS name on the certificate: isync 1.4 checks DNS names only, so `localhost`, never `127.0.0.1` (lab.md). */
  host: string;
  port: number;
  user: string;
  password: string;
  certificateFile: string;
  folder: string;
  /** Directory the Maildir store lives in; deleted before every run so each run downloads everything. */
  maildir: string;
}

/** The channel name the config defines and the command line asks for. */
export const MBSYNC_CHANNEL = 'heron-bench';

/** Quotes a value for isync's config parser, which understands "..." and backslash escapes. */
export function mbsyncQuote(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('mbsync config values cannot contain line breaks');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A config that pulls exactly one folder into a Maildir. `SyncState *` keeps mbsync's state inside the Maildir, so
 * deleting the Maildir also forgets what was synced and the next run is a full download again.
 */
export function mbsyncConfig(input: MbsyncConfigInput): string {
  const root = input.maildir.endsWith('/') ? input.maildir : `${input.maildir}/`;
  return [
    '# Written by Heron bench/mbsync.ts for one benchmark run; contains a password, so mode 600.',
    'IMAPAccount heron-bench',
    `Host ${mbsyncQuote(input.host)}`,
    `Port ${input.port}`,
    `User ${mbsyncQuote(input.user)}`,
    `Pass ${mbsyncQuote(input.password)}`,
    'SSLType IMAPS',
    `CertificateFile ${mbsyncQuote(input.certificateFile)}`,
    '',
    'IMAPStore heron-bench-far',
    'Account heron-bench',
    '',
    'MaildirStore heron-bench-near',
    // A trailing slash makes Path a directory rather than a name prefix.
    `Path ${mbsyncQuote(root)}`,
    `Inbox ${mbsyncQuote(`${root}INBOX`)}`,
    'SubFolders Verbatim',
    '',
    `Channel ${MBSYNC_CHANNEL}`,
    'Far :heron-bench-far:',
    'Near :heron-bench-near:',
    `Patterns ${mbsyncQuote(input.folder)}`,
    'Create Near',
    'Sync Pull',
    'SyncState *',
    // FSync stays at its default (yes): the peer is measured as people run it, flushing each message to disk.
    '',
  ].join('\n');
}

/** The absolute path of an executable on PATH, or null. */
export async function findExecutable(name: string, searchPath = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** Runs one sync; an abort (the run's time limit) kills mbsync. Rejects with mbsync's own words on failure. */
export function runMbsync(executable: string, configFile: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-c', configFile, '-q', MBSYNC_CHANNEL], { stdio: ['ignore', 'ignore', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Enough to explain a failure; a chatty mbsync must not grow this without bound.
      if (stderr.length < 16_384) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      if (code === 0) resolve();
      else reject(new Error(`mbsync failed (${killedBy ? `signal ${killedBy}` : `exit code ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
}

/** Messages mbsync stored: files in every cur/ and new/ under the Maildir root. */
export async function countMaildirMessages(root: string): Promise<number> {
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (!entry.isDirectory()) continue;
      if (entry.name === 'cur' || entry.name === 'new') {
        count += (await readdir(full, { withFileTypes: true })).filter((file) => file.isFile()).length;
      } else if (entry.name !== 'tmp') await walk(full);
    }
  };
  await walk(root);
  return count;
}

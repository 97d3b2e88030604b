// Owns `imap-full-download`: every message of the folder, bodies included, into local storage; mbsync is the peer.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { countMaildirMessages, findExecutable, mbsyncConfig, runMbsync } from '../mbsync';
import type { BenchTarget } from '../target';
import type { BenchmarkDefinition, PeerEntry } from './types';

export async function imapFullDownload(target: BenchTarget): Promise<BenchmarkDefinition> {
  const base = {
    name: 'imap-full-download',
    description: `All ${target.messages} messages of one folder with bodies into a fresh local store (mbsync: a fresh Maildir each run)`,
    heronNote: 'full offline download lands with the IMAP sync issue',
    ratioAgainst: 'mbsync' as const,
  };

  const executable = await findExecutable('mbsync');
  if (!executable) {
    const peer: PeerEntry = { name: 'mbsync', unavailable: 'skipped: mbsync is not installed (Debian package isync)' };
    return { ...base, peers: [peer] };
  }

  // Private directory (mkdtemp makes it 0700) for the config, which holds the password, and the Maildir.
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-mbsync-'));
  const maildir = path.join(workDir, 'maildir');
  const configFile = path.join(workDir, 'mbsyncrc');
  await writeFile(
    configFile,
    mbsyncConfig({
      host: target.servername,
      port: target.port,
      user: target.user,
      password: target.password,
      certificateFile: target.caFile,
      folder: target.folder,
      maildir,
    }),
    { mode: 0o600 },
  );

  return {
    ...base,
    peers: [
      {
        name: 'mbsync',
        runnable: {
          // Untimed: forget the previous run's Maildir and sync state, so this run is a full download again.
          prepare: async () => {
            await rm(maildir, { recursive: true, force: true });
            await mkdir(maildir, { recursive: true });
          },
          run: (signal) => runMbsync(executable, configFile, signal),
          verify: async () => {
            const stored = await countMaildirMessages(maildir);
            if (stored !== target.messages) throw new Error(`imap-full-download: mbsync stored ${stored} messages, expected ${target.messages}`);
          },
        },
      },
    ],
    dispose: () => rm(workDir, { recursive: true, force: true }),
  };
}

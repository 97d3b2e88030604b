// Owns `imap-full-download`: every message of the folder, bodies included, into local storage; mbsync is the peer.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { heronDownloadSide, WHOLE_FOLDER_DAYS } from '../heron-download';
import { countMaildirMessages, findExecutable, mbsyncConfig, runMbsync } from '../mbsync';
import type { BenchTarget } from '../target';
import type { BenchmarkContext, BenchmarkDefinition, PeerEntry } from './types';

/** DESIGN.md, Budgets: a full offline download within 1.2x mbsync on the same folder. */
export const FULL_DOWNLOAD_BUDGET_RATIO = 1.2;

export async function imapFullDownload(target: BenchTarget, context: BenchmarkContext): Promise<BenchmarkDefinition> {
  const base = {
    name: 'imap-full-download',
    description:
      `All ${target.messages} messages of one folder with bodies into a fresh local store. Heron: "keep bodies offline" set to ${WHOLE_FOLDER_DAYS} days, ` +
      "from attach until the account's round ended with every header and body in Chromium's IndexedDB (parsed: text, HTML, attachments listed). " +
      'mbsync: a fresh Maildir each run (raw files)',
    ratioAgainst: 'mbsync' as const,
    budget: { kind: 'ratio' as const, max: FULL_DOWNLOAD_BUDGET_RATIO },
  };

  const executable = await findExecutable('mbsync');
  if (!executable) {
    const peer: PeerEntry = { name: 'mbsync', unavailable: 'skipped: mbsync is not installed (Debian package isync)' };
    return { ...base, heronNote: 'skipped with its peer', peers: [peer] };
  }
  const heron = await heronDownloadSide('imap-full-download', target, context, { account: { keepBodiesDays: WHOLE_FOLDER_DAYS }, stopAt: 'round-end' });

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
    ...heron,
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
    dispose: async () => {
      await heron.dispose?.();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

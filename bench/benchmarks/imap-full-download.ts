// Owns `imap-full-download`: every message of the folder, bodies included, into local storage; mbsync is the peer.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_MISSING, prepareBrowserRuns } from '../browser-runs';
import { REPO_ROOT } from '../chromium';
import { heronDownloadContender, WHOLE_FOLDER_DAYS } from '../heron-download';
import type { Runnable } from '../measure';
import { countMaildirMessages, findExecutable, mbsyncConfig, runMbsync } from '../mbsync';
import type { BenchTarget } from '../target';
import type { BenchmarkContext, BenchmarkDefinition, PeerEntry } from './types';

/** DESIGN.md, Budgets: a full offline download within 1.2x mbsync on the same folder. */
export const FULL_DOWNLOAD_BUDGET_RATIO = 1.2;

/** Heron's side: a fresh profile whose account keeps every body offline, synced in Chromium through browser mode. */
async function heronSide(target: BenchTarget, context: BenchmarkContext): Promise<{ heron?: Runnable; heronNote?: string; dispose?: () => Promise<void> }> {
  const runs = await prepareBrowserRuns('imap-full-download', target, context);
  if (!runs) return { heronNote: CHROMIUM_MISSING };
  const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const { chromium, serverUids, staticDir, trace } = runs;
  return {
    heron: heronDownloadContender({ target, staticDir, chromium, serverUids, version, ...(trace ? { trace } : {}) }),
    dispose: () => runs.dispose(),
  };
}

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
  const heron = await heronSide(target, context);

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

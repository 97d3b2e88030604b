// Owns `pop3-download`: every message of the lab user's maildrop downloaded over POP3S (implicit TLS), all left on the
// server so every run downloads the same messages; mpop is the peer, Heron's own POP3 client alone the floor.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IncomingSettings } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { openPop3 } from '../../src-main/pop3/client';
import { BATCH_WAIT_METRIC, heronDownloadSide } from '../heron-download';
import { countMaildirMessages, findExecutable } from '../mbsync';
import { freshMpopStore, mpopConfig, runMpop } from '../mpop';
import { SOURCES_TABLE } from '../page-checks';
import type { BenchTarget } from '../target';
import type { BenchmarkContext, BenchmarkDefinition, PeerEntry } from './types';

export const POP3_DOWNLOAD_NAME = 'pop3-download';
/** The target: a full POP3 download within 1.2x mpop on the same server. */
export const POP3_DOWNLOAD_BUDGET_RATIO = 1.2;
/** A POP3 maildrop is the user's INBOX; no other folder can be reached over POP3. */
const POP3_FOLDER = 'INBOX';

const NEEDS_LAB = 'skipped: needs the lab (its pop3s port); a given server is only read over IMAP';
const NEEDS_INBOX = `skipped: POP3 reaches only ${POP3_FOLDER}, and HERON_BENCH_FOLDER names another folder`;

export async function pop3Download(target: BenchTarget, context: BenchmarkContext): Promise<BenchmarkDefinition> {
  const base = {
    name: POP3_DOWNLOAD_NAME,
    description:
      `All ${target.messages} messages of ${target.user}'s ${POP3_FOLDER} downloaded over POP3S (implicit TLS), every one left on the server. ` +
      "Heron: a fresh POP3 account synced by the engine in browser mode, from attach to the store's ack of the last batch, every message's " +
      "header, body and source in Chromium's IndexedDB (default durability: a leave-on-server account deletes nothing). mpop: keep on, only_new off, a fresh Maildir each run (raw files)",
    ratioAgainst: 'mpop' as const,
    budget: { kind: 'ratio' as const, max: POP3_DOWNLOAD_BUDGET_RATIO },
    heronMetrics: [{ metric: BATCH_WAIT_METRIC, label: 'waiting for applyBatch acks', unit: 'seconds' as const }],
    ratioRows: [
      {
        name: `${POP3_DOWNLOAD_NAME}-vs-client`,
        description: `The same runs of ${POP3_DOWNLOAD_NAME}, Heron against its own POP3 client alone (UIDL, then RETR of every message into memory): the protocol's floor`,
        against: 'pop3-client' as const,
      },
    ],
  };
  const lab = target.mailLab;
  if (!lab || target.folder !== POP3_FOLDER) {
    const why = lab ? NEEDS_INBOX : NEEDS_LAB;
    return { ...base, heronNote: why, peers: [{ name: 'mpop', unavailable: why }, { name: 'pop3-client', unavailable: why }] };
  }
  const port = lab.ports.pop3s;

  const executable = await findExecutable('mpop');
  if (!executable) {
    const peer: PeerEntry = { name: 'mpop', unavailable: 'skipped: mpop is not installed (Debian package mpop)' };
    return { ...base, heronNote: 'skipped with its peer', peers: [peer, { name: 'pop3-client', unavailable: 'skipped with mpop' }] };
  }
  const heron = await heronDownloadSide(POP3_DOWNLOAD_NAME, target, context, { account: { pop3Port: port }, stopAt: 'last-batch', extraTables: [SOURCES_TABLE] });

  // Private directory (mkdtemp makes it 0700) for the config, which holds the password, the Maildir and the UIDL file.
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-mpop-'));
  const store = { maildir: path.join(workDir, 'maildir'), uidlsFile: path.join(workDir, 'uidls') };
  const configFile = path.join(workDir, 'mpoprc');
  await writeFile(
    configFile,
    mpopConfig({ host: target.host, port, servername: target.servername, trustFile: target.caFile, user: target.user, password: target.password, ...store }),
    { mode: 0o600 },
  );

  // Heron's account settings and trust (the lab certificate pinned), without the engine, the parser or the store.
  const settings: IncomingSettings = { protocol: 'pop3', host: target.host, port, security: 'tls', username: target.user };
  const pinned = { fingerprint256: normalizeFingerprint(new X509Certificate(target.caPem).fingerprint256), pem: target.caPem };
  const floor: PeerEntry = {
    name: 'pop3-client',
    runnable: async (signal) => {
      const session = await openPop3(settings, target.password, pinned);
      // Dropping the connection fails the command in progress, so a run over its time limit settles.
      const stop = (): void => session.close();
      signal.addEventListener('abort', stop, { once: true });
      try {
        const messages: Buffer[] = [];
        for (const msgno of [...(await session.uidl()).keys()].sort((a, b) => a - b)) messages.push(await session.retr(msgno));
        await session.quit();
        if (messages.length !== target.messages) throw new Error(`${POP3_DOWNLOAD_NAME}: the POP3 client retrieved ${messages.length} messages, expected ${target.messages}`);
      } finally {
        signal.removeEventListener('abort', stop);
        session.close();
      }
    },
  };

  return {
    ...base,
    ...heron,
    peers: [
      {
        name: 'mpop',
        runnable: {
          // Untimed: an empty Maildir and no UIDLs; with only_new off mpop would download everything anyway.
          prepare: () => freshMpopStore(store),
          run: (signal) => runMpop(executable, configFile, signal),
          verify: async () => {
            const delivered = await countMaildirMessages(store.maildir);
            if (delivered !== target.messages) throw new Error(`${POP3_DOWNLOAD_NAME}: mpop delivered ${delivered} messages, expected ${target.messages}`);
          },
        },
      },
      floor,
    ],
    dispose: async () => {
      await heron.dispose?.();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

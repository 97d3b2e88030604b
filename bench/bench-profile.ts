// Owns the Heron profile a browser-mode bench run starts from (a fresh directory in which the target's account, IMAP or
// POP3, is already registered, pinned certificate, password remembered, so the sync starts as soon as a page connects)
// and the bounded shutdown of the engine that ran on it.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_KEEP_BODIES_DAYS } from '../shared/model';
import { createAccountRegistry } from '../src-main/engine/accounts';
import { normalizeFingerprint } from '../src-main/engine/certificate';
import { createBrowserSecretStore } from '../src-main/engine/secrets';
import type { Engine } from '../src-main/engine/engine';
import { withTimeout } from './measure';
import type { BenchTarget } from './target';

export interface BenchProfile {
  profileDir: string;
  accountId: string;
}

/** How the profile's account differs from the default: IMAP over the target's IMAPS port, bodies of 30 days offline. */
export interface BenchAccountOptions {
  /** "Keep bodies of the last N days offline" (the full-download row sets it to cover the whole folder). */
  keepBodiesDays?: number;
  /** A POP3 account on this implicit-TLS port of the target's host (the same certificate) instead of IMAP. */
  pop3Port?: number;
}

/** The caller removes `profileDir` when done; on failure here it is removed already. */
export async function createBenchProfile(target: BenchTarget, options: BenchAccountOptions = {}): Promise<BenchProfile> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-profile-'));
  const { keepBodiesDays = DEFAULT_KEEP_BODIES_DAYS, pop3Port } = options;
  try {
    const account = await createAccountRegistry(profileDir).add({
      name: 'Bench',
      email: target.user.includes('@') ? target.user : `${target.user}@${target.servername}`,
      incoming:
        pop3Port === undefined
          ? { protocol: 'imap', host: target.host, port: target.port, security: 'tls', username: target.user }
          : { protocol: 'pop3', host: target.host, port: pop3Port, security: 'tls', username: target.user },
      outgoing: null,
      pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(target.caPem).fingerprint256), pem: target.caPem },
      keepBodiesDays,
      // Spelled out rather than left to the defaults: the runs must delete nothing (each downloads the same messages)
      // and download every message whole.
      ...(pop3Port === undefined ? {} : { pop3: { leaveOnServer: true, deleteAfterDays: null, deleteWhenDeletedLocally: false, maxMessageBytes: null } }),
    });
    await createBrowserSecretStore(profileDir).set(account.id, target.password, true);
    return { profileDir, accountId: account.id };
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
}

/** engine.shutdown() waits for syncs under way; after the page is gone they fail fast. Longer means something hangs. */
const SHUTDOWN_LIMIT_MS = 30_000;

/** Ends a run's engine, bounded: a cleanup that hangs would stall every later run. */
export function shutdownEngine(engine: Engine): Promise<void> {
  return withTimeout(() => engine.shutdown(), SHUTDOWN_LIMIT_MS, 'engine.shutdown()');
}

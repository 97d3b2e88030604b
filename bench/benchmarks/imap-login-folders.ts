// Owns `imap-login-folders`: Heron's connection check (TLS with a pinned certificate, login, LIST + STATUS, logout) vs bare imapflow.

import { X509Certificate } from 'node:crypto';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { checkIncoming } from '../../src-main/engine/incoming';
import type { IncomingSettings } from '../../shared/model';
import { withPeerClient } from '../imapflow-peer';
import type { BenchTarget } from '../target';
import type { BenchmarkDefinition } from './types';

/** Both sides must have listed the measured folder with its full count, or they did not do the same work. */
function checkListed(side: string, target: BenchTarget, folders: Array<{ path: string; total: number }>): void {
  const listed = folders.find((folder) => folder.path === target.folder);
  if (!listed) throw new Error(`imap-login-folders: ${side} did not list ${target.folder} (listed: ${folders.map((f) => f.path).join(', ')})`);
  if (listed.total !== target.messages) throw new Error(`imap-login-folders: ${side} reports ${listed.total} messages in ${target.folder}, expected ${target.messages}`);
}

export async function imapLoginFolders(target: BenchTarget): Promise<BenchmarkDefinition> {
  const settings: IncomingSettings = { protocol: 'imap', host: target.host, port: target.port, security: 'tls', username: target.user };
  // The way Heron trusts a self-signed server: the person confirmed this certificate's fingerprint, so it is pinned.
  const pinned = { fingerprint256: normalizeFingerprint(new X509Certificate(target.caPem).fingerprint256), pem: target.caPem };

  return {
    name: 'imap-login-folders',
    description: 'Connect with implicit TLS, log in, LIST with STATUS (MESSAGES UNSEEN) for every folder, log out',
    // checkIncoming bounds its own waits (connect, greeting, socket timeouts), so it needs no abort signal.
    heron: async () => {
      const report = await checkIncoming(settings, target.password, pinned);
      checkListed('Heron', target, report.folders);
    },
    peers: [
      {
        name: 'imapflow',
        runnable: async (signal) => {
          const entries = await withPeerClient(target, signal, (client) => client.list({ statusQuery: { messages: true, unseen: true } }));
          checkListed('imapflow', target, entries.map((entry) => ({ path: entry.path, total: entry.status?.messages ?? -1 })));
        },
      },
    ],
    ratioAgainst: 'imapflow',
  };
}

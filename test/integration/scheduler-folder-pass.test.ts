// The scheduler against the lab: the account round, IDLE and opening a folder share one pass per folder, so the same
// folder is never synced twice at once (which fetched and wrote 80,000 headers twice in the 100k bench).

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { RendererApi } from '../../shared/contract';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createSyncScheduler } from '../../src-main/engine/scheduler';
import { syncOneFolder } from '../../src-main/imap/sync-account';
import { HeronDb } from '../../src-renderer/store/db';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { loadCorpus } from '../lab/corpus';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;

before(async () => {
  lab = await startLab();
  await lab.resetUser('carol');
  await loadCorpus(lab, 'carol', { seed: 5, count: 400 });
});

after(async () => {
  await lab?.stop();
});

function carol(): AccountRecord {
  const user = lab.users.find((u) => u.name === 'carol');
  assert.ok(user);
  return {
    id: 'carol-1',
    name: 'Carol',
    email: user.email,
    incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: user.name },
    outgoing: null,
    pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256), pem: lab.caPem },
    keepBodiesDays: null,
    createdAt: 1,
  };
}

describe('scheduler folder passes', () => {
  it('opening INBOX while the account round syncs it: the request waits for that pass and follows it, never runs beside it', async () => {
    const account = carol();
    const password = lab.users.find((u) => u.name === 'carol')?.password ?? '';
    const db = new HeronDb('scheduler-folder-pass', { indexedDB: new IDBFactory(), IDBKeyRange });
    const renderer: RendererApi = createStoreRendererApi(db, () => undefined);

    const running = new Map<string, number>();
    const overlaps: string[] = [];
    const passes: string[] = [];
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstPassStarted = () => undefined as void;
    const firstPass = new Promise<void>((resolve) => (firstPassStarted = resolve));
    const scheduler = createSyncScheduler({
      accounts: async () => [account],
      password: async () => password,
      renderer: () => renderer,
      tell: () => undefined,
      syncFolder: async (ctx, path, backfill) => {
        const key = `${path} ${backfill ? 'backfill' : 'changes'}`;
        const now = (running.get(key) ?? 0) + 1;
        running.set(key, now);
        if (now > 1) overlaps.push(key);
        passes.push(key);
        try {
          // The round's INBOX pass is held while the folder is opened, so the opening's request meets it under way.
          if (passes.length === 1) {
            firstPassStarted();
            await gate;
          }
          await syncOneFolder(ctx, path, backfill);
        } finally {
          running.set(key, (running.get(key) ?? 1) - 1);
        }
      },
    });
    try {
      const round = scheduler.syncNow(account);
      await firstPass;
      const opened = scheduler.syncFolderNow(account, 'INBOX');
      // Opening asks for its pass without waiting on any I/O: a macrotask later, it has either started one or queued it.
      await new Promise((resolve) => setImmediate(resolve));
      release();
      await Promise.all([opened, round]);

      assert.deepEqual(overlaps, [], 'no folder pass ran beside another pass of the same folder');
      assert.equal(passes[0], 'INBOX changes');
      assert.equal(passes.filter((p) => p === 'INBOX changes').length, 2, "the opening's request is answered by a follow-up pass, not by the held one");
      const stored = await db.messages.where('[accountId+folderPath+uid]').between([account.id, 'INBOX', 0], [account.id, 'INBOX', Infinity]).count();
      const server = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: 'carol', pass: password }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
      await server.connect();
      const status = await server.status('INBOX', { messages: true });
      await server.logout();
      assert.ok(stored > 0);
      assert.equal(stored, status === false ? -1 : status.messages, 'the store holds exactly the server INBOX');
    } finally {
      await scheduler.stop();
      db.close();
    }
  });
});

// The sync scheduler: syncs when a renderer attaches, not while none is, and one sync per account at a time.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent, RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { SyncBatch } from '../../shared/model';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { createSyncScheduler } from '../../src-main/engine/scheduler';
import type { Pop3Session } from '../../src-main/pop3/client';
import { rendererStub } from '../support/renderer-stub';

const popAccount: AccountRecord = {
  id: 'pop-1',
  name: 'Pop',
  email: 'pop@example.test',
  incoming: { protocol: 'pop3', host: 'pop.example.test', port: 995, security: 'tls', username: 'pop' },
  outgoing: null,
  pinnedCertificate: null,
  keepBodiesDays: null,
  createdAt: 1,
};

/** A POP3 server with an empty mailbox: the sync then writes only the account's local folders. `log` hears the session. */
const emptyMailbox = (log: string[]) => async (): Promise<Pop3Session> => (log.push('open'), {
  encrypted: true,
  capabilities: [],
  authMethod: 'user-pass',
  stat: async () => ({ count: 0, size: 0 }),
  uidl: async () => new Map(),
  list: async () => new Map(),
  top: async () => Buffer.alloc(0),
  retr: async () => Buffer.alloc(0),
  dele: async () => undefined,
  rset: async () => undefined,
  quit: async () => void log.push('quit'),
  close: () => undefined,
});

function harness(password: string | null = 'pw') {
  const batches: SyncBatch[] = [];
  const events: EngineEvent[] = [];
  const pop3: string[] = [];
  let renderer: RendererApi | null = null;
  const recorder = rendererStub({
    applyBatch: async (batch) => (batches.push(batch), { applied: true, messages: 0, durability: 'default' }),
    popMessages: async () => [],
    allocateUids: async () => 1,
    messageSource: async () => null,
    engineEvent: (e) => void events.push(e),
  });
  const scheduler = createSyncScheduler({
    accounts: async () => [popAccount],
    password: async () => password,
    renderer: () => renderer,
    tell: (e) => events.push(e),
    openPop3: emptyMailbox(pop3),
  });
  return { scheduler, batches, events, pop3, attach: () => (renderer = recorder), detach: () => (renderer = null) };
}

describe('sync scheduler', () => {
  it('does nothing while paused; syncs every account when resumed', async () => {
    const h = harness();
    h.scheduler.syncSoon(popAccount.id);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.batches.length, 0, 'no sync while no renderer is attached');
    h.attach();
    h.scheduler.resume();
    await h.scheduler.idle();
    assert.equal(h.batches.length, 1);
    assert.deepEqual(h.batches[0]?.folders?.map((f) => f.specialUse), ['inbox', 'sent', 'drafts', 'trash', 'archive']);
    assert.deepEqual(
      h.events.filter((e) => e.type === 'account-state').map((e) => (e.type === 'account-state' ? e.state : '')),
      ['connecting', 'syncing', 'idle'],
    );
  });

  it('answers requests made during a sync with one follow-up sync, shared by all of them', async () => {
    const h = harness();
    h.attach();
    const first = h.scheduler.syncNow(popAccount);
    const [b, c] = [h.scheduler.syncNow(popAccount), h.scheduler.syncNow(popAccount)];
    assert.notEqual(first, b, 'a request during a sync is not answered by the sync that may have missed it');
    assert.equal(b, c, 'requests made meanwhile share one follow-up');
    await Promise.all([first, b, c]);
    assert.equal(h.batches.length, 2);
  });

  it('asks for the password when none is kept, as needs-password and auth-failed', async () => {
    const h = harness(null);
    h.attach();
    await assert.rejects(h.scheduler.syncNow(popAccount), (e: unknown) => e instanceof HeronError && e.code === 'auth-failed');
    assert.ok(h.events.some((e) => e.type === 'account-state' && e.state === 'needs-password'));
  });

  it('runs one POP3 session per account at a time (servers lock the mailbox), and opening its Inbox syncs', async () => {
    const h = harness();
    h.attach();
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const download = h.scheduler.exclusivePop3(popAccount, async () => {
      h.pop3.push('download');
      await held;
      h.pop3.push('download done');
    });
    const sync = h.scheduler.syncFolderNow(popAccount, 'INBOX');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(h.pop3, ['download'], 'the sync waits for the download to finish');
    release();
    await Promise.all([download, sync]);
    assert.deepEqual(h.pop3, ['download', 'download done', 'open', 'quit']);
    await h.scheduler.syncFolderNow(popAccount, 'Trash');
    assert.equal(h.pop3.length, 4, 'a local folder has nothing on the server');
  });

  it('writes nothing when the renderer left during the sync', async () => {
    const h = harness();
    h.attach();
    const work = h.scheduler.syncNow(popAccount);
    h.detach();
    await work;
    assert.equal(h.batches.length, 0);
  });
});

// Drafts in the lab's Drafts folder (one copy per draft, never lost when a save fails part-way, removed on discard,
// nothing else expunged) and the submission server's size limit, asked once.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { RendererApi } from '../../shared/contract';
import { isHeronErrorData } from '../../shared/errors';
import type { AccountSummary, DraftMessage, IncomingSettings, OutgoingSettings } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';
import { postfixPaths } from '../lab/postfix';

let lab: Lab;
let fingerprint: string;

interface Running {
  engine: Engine;
  db: HeronDb;
  account: AccountSummary;
  draft(over?: Partial<DraftMessage>): DraftMessage;
  /** Resolves once `check` holds, looked at now and after every batch the engine applies to the store. */
  storeUntil(check: (db: HeronDb) => Promise<boolean>): Promise<void>;
  close(): Promise<void>;
}

interface RunningOptions {
  user?: string;
  incoming?: IncomingSettings;
  outgoing?: OutgoingSettings | null;
  /** Trust the lab's certificate (not wanted for a plaintext port, which presents none). */
  pin?: boolean;
}

const imapsOf = (user: string): IncomingSettings => ({ protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: user });
const submission = (port = lab.ports.submission): OutgoingSettings => ({ host: lab.host, port, security: 'starttls', username: 'alice' });

async function running(options: RunningOptions = {}): Promise<Running> {
  const user = options.user ?? 'alice';
  const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-smtp-drafts-'));
  const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
  const db = new HeronDb(`smtp-drafts-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const store = createStoreRendererApi(db, () => undefined);
  let batchApplied: Array<() => void> = [];
  const renderer: RendererApi = {
    ...store,
    async applyBatch(batch) {
      const ack = await store.applyBatch(batch);
      const waiting = batchApplied;
      batchApplied = [];
      waiting.forEach((wake) => wake());
      return ack;
    },
  };
  engine.attachRenderer(renderer);
  const account = await engine.api.addAccount({
    name: user,
    email: `${user}@maillab.test`,
    incoming: options.incoming ?? imapsOf(user),
    outgoing: options.outgoing === undefined ? submission() : options.outgoing,
    password: `${user}-pw-lab`,
    rememberPassword: false,
    pinnedFingerprint256: options.pin === false ? null : fingerprint,
    keepBodiesDays: null,
  });
  return {
    engine,
    db,
    account,
    draft: (over = {}) => ({
      accountId: account.id,
      messageId: `<draft-${randomUUID()}@maillab.test>`,
      from: { name: 'Alice', address: 'alice@maillab.test' },
      to: [{ name: 'Bob', address: 'bob@maillab.test' }],
      cc: [],
      bcc: [],
      subject: 'Unfinished',
      text: 'Dear Bob,',
      html: null,
      inReplyTo: null,
      references: [],
      attachments: [],
      date: Date.now(),
      ...over,
    }),
    async storeUntil(check) {
      for (;;) {
        // Listening before looking, so a batch applied while the check reads the store is not missed.
        const next = new Promise<void>((resolve) => batchApplied.push(resolve));
        if (await check(db)) return;
        await next;
      }
    },
    async close() {
      await engine.shutdown();
      db.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function imap(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: `${user}-pw-lab` }, logger: false, tls: { ca: [lab.caPem], servername: 'localhost' } });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

interface Copy {
  uid: number;
  flags: Set<string>;
  source: Buffer;
}

/** The copies of a message in a user's Drafts folder, as the server holds them. */
async function onServer(messageId: string, user = 'alice'): Promise<Copy[]> {
  const c = await imap(user);
  try {
    const lock = await c.getMailboxLock('Drafts');
    try {
      const uids = (await c.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      const found: Copy[] = [];
      for (const uid of uids) {
        const message = await c.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
        if (message && message.source) found.push({ uid, flags: message.flags ?? new Set(), source: message.source });
      }
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

/** The store's rows for a draft in Drafts. */
const inStore = (db: HeronDb, accountId: string, messageId: string) => db.messages.filter((m) => m.accountId === accountId && m.folderPath === 'Drafts' && m.messageId === messageId).toArray();

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
});

after(async () => {
  await lab?.stop();
});

describe('drafts in the Drafts folder', () => {
  it('saved twice: one copy, the second version, flagged \\Draft and \\Seen, with its attachment and Bcc; the store follows', async () => {
    const r = await running();
    try {
      const bytes = randomBytes(30_000);
      const first = r.draft({ subject: 'Plan, first go' });
      assert.deepEqual(await r.engine.api.saveDraft(r.account.id, first), { folder: 'Drafts' });
      const second = {
        ...first,
        subject: 'Plan – zweiter Entwurf',
        text: 'Dear Bob,\nthe plan is attached.\n',
        bcc: [{ name: '', address: 'sink@maillab.test' }],
        attachments: [{ filename: 'plan.bin', contentType: 'application/octet-stream', base64: bytes.toString('base64'), contentId: null }],
        date: first.date + 60_000,
      };
      assert.deepEqual(await r.engine.api.saveDraft(r.account.id, second), { folder: 'Drafts' });

      const copies = await onServer(first.messageId);
      assert.equal(copies.length, 1, 'the first copy was replaced');
      const [copy] = copies;
      assert.ok(copy);
      assert.ok(copy.flags.has('\\Draft') && copy.flags.has('\\Seen'));
      assert.ok(!copy.flags.has('\\Deleted'));
      const parsed = await simpleParser(copy.source);
      assert.equal(parsed.subject, 'Plan – zweiter Entwurf');
      assert.equal(parsed.text, 'Dear Bob,\nthe plan is attached.\n');
      assert.deepEqual(Array.isArray(parsed.bcc) ? null : parsed.bcc?.value.map((a) => a.address), ['sink@maillab.test'], 'Bcc kept while writing');
      assert.equal(parsed.attachments[0]?.filename, 'plan.bin');
      assert.ok(parsed.attachments[0]?.content.equals(bytes), 'attachment bytes intact');
      assert.equal(parsed.date?.getTime(), Math.floor(second.date / 1000) * 1000, 'dated when last edited');

      // The engine resyncs Drafts by itself after a save.
      await r.storeUntil(async (db) => {
        const rows = await inStore(db, r.account.id, first.messageId);
        return rows.length === 1 && rows[0]?.uid === copy.uid && rows[0].subject === second.subject && rows[0].flags.includes('\\Draft');
      });
    } finally {
      await r.close();
    }
  });

  it('discarded: every copy goes (one left by another client too), the store follows, and discarding again is nothing to do', async () => {
    const r = await running();
    const alice = await imap('alice');
    try {
      const draft = r.draft({ subject: 'To be thrown away' });
      await r.engine.api.saveDraft(r.account.id, draft);
      await alice.append('Drafts', Buffer.from(`From: alice@maillab.test\r\nSubject: the same draft, saved elsewhere\r\nMessage-ID: ${draft.messageId}\r\n\r\nDear Bob,\r\n`), ['\\Draft']);
      assert.equal((await onServer(draft.messageId)).length, 2);
      await r.storeUntil(async (db) => (await inStore(db, r.account.id, draft.messageId)).length > 0);

      await r.engine.api.discardDraft(r.account.id, draft.messageId);
      assert.equal((await onServer(draft.messageId)).length, 0);
      await r.storeUntil(async (db) => (await inStore(db, r.account.id, draft.messageId)).length === 0);
      await r.engine.api.discardDraft(r.account.id, draft.messageId);
      await r.engine.api.discardDraft(r.account.id, `<never-saved-${randomUUID()}@maillab.test>`);
    } finally {
      await alice.logout();
      await r.close();
    }
  });

  it('a save whose APPEND is cut off fails and leaves the earlier copy untouched; the next save replaces it', async () => {
    // The cut needs to read the protocol, so this account uses the plaintext IMAP port through the proxy.
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    const r = await running({ incoming: { protocol: 'imap', host: proxy.host, port: proxy.port, security: 'none', username: 'alice' }, pin: false });
    try {
      const first = r.draft({ subject: 'Kept safe' });
      await r.engine.api.saveDraft(r.account.id, first);
      proxy.setFaults([{ direction: 'client-to-server', trigger: { onText: 'APPEND' }, action: { kind: 'cut' } }]);
      await assert.rejects(r.engine.api.saveDraft(r.account.id, { ...first, subject: 'Lost in transit' }), (error: unknown) => isHeronErrorData(error) && error.code === 'connection-lost');
      const kept = await onServer(first.messageId);
      assert.equal(kept.length, 1);
      assert.ok(!kept[0]?.flags.has('\\Deleted'), 'nothing was removed before the new copy was in');
      assert.equal((await simpleParser(kept[0]!.source)).subject, 'Kept safe');

      await r.engine.api.saveDraft(r.account.id, { ...first, subject: 'Saved after all' });
      const replaced = await onServer(first.messageId);
      assert.equal(replaced.length, 1);
      assert.equal((await simpleParser(replaced[0]!.source)).subject, 'Saved after all');
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('without UIDPLUS, with another message marked \\Deleted: the old copy is only flagged \\Deleted, nothing is expunged', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap }, stripCapabilities: ['UIDPLUS'] });
    const r = await running({ incoming: { protocol: 'imap', host: proxy.host, port: proxy.port, security: 'none', username: 'alice' }, pin: false });
    const alice = await imap('alice');
    const othersId = `<someone-elses-${randomUUID()}@maillab.test>`;
    try {
      await alice.append('Drafts', Buffer.from(`From: alice@maillab.test\r\nSubject: deleted elsewhere, not expunged\r\nMessage-ID: ${othersId}\r\n\r\nx\r\n`), ['\\Deleted']);
      const draft = r.draft({ subject: 'first' });
      await r.engine.api.saveDraft(r.account.id, draft);
      await r.engine.api.saveDraft(r.account.id, { ...draft, subject: 'second' });
      // Past the resync each save starts on the same connection, which must not expunge either.
      await r.engine.api.openFolder(r.account.id, 'Drafts');

      const copies = await onServer(draft.messageId);
      const subjects = await Promise.all(copies.map(async (c) => [(await simpleParser(c.source)).subject, c.flags.has('\\Deleted')]));
      assert.deepEqual(subjects.sort(), [['first', true], ['second', false]]);
      assert.equal((await onServer(othersId)).length, 1, "the other client's \\Deleted message is still there");
      assert.doesNotMatch(Buffer.concat(proxy.clientSent()).toString('latin1'), /^\S+ (UID )?EXPUNGE/m);
    } finally {
      // Expunged here (with UIDPLUS) so no later test meets these.
      const lock = await alice.getMailboxLock('Drafts');
      try {
        const leftovers = (await alice.search({ deleted: true }, { uid: true })) || [];
        if (leftovers.length > 0) await alice.messageDelete(leftovers.join(','), { uid: true });
      } finally {
        lock.release();
      }
      await alice.logout();
      await r.close();
      await proxy.close();
    }
  });

  it('a POP3 account keeps drafts locally: nothing is filed, and discarding is nothing to do', async () => {
    const r = await running({ user: 'carol', incoming: { protocol: 'pop3', host: lab.host, port: lab.ports.pop3s, security: 'tls', username: 'carol' }, outgoing: null });
    try {
      const draft = r.draft({ from: { name: 'Carol', address: 'carol@maillab.test' } });
      assert.deepEqual(await r.engine.api.saveDraft(r.account.id, draft), { folder: null });
      await r.engine.api.discardDraft(r.account.id, draft.messageId);
      assert.equal((await onServer(draft.messageId, 'carol')).length, 0);
    } finally {
      await r.close();
    }
  });
});

describe('the submission server\'s limits', () => {
  it('SIZE is the lab Postfix\'s message_size_limit, asked once per outgoing settings, again after they change', async () => {
    const mainCf = await readFile(path.join(postfixPaths(lab.stateDir).configDir, 'main.cf'), 'utf8');
    const configured = Number(/^message_size_limit = (\d+)$/m.exec(mainCf)?.[1]);
    assert.ok(configured > 0, 'the lab sets message_size_limit');
    const first = await startFaultProxy({ target: { host: lab.host, port: lab.ports.submission } });
    const second = await startFaultProxy({ target: { host: lab.host, port: lab.ports.submission } });
    const r = await running({ outgoing: submission(first.port) });
    try {
      assert.deepEqual(await r.engine.api.outgoingLimits(r.account.id), { maxMessageBytes: configured });
      assert.deepEqual(await r.engine.api.outgoingLimits(r.account.id), { maxMessageBytes: configured });
      assert.equal(first.connections(), 1, 'the second call did not connect');

      await r.engine.api.updateAccount(r.account.id, { outgoing: submission(second.port) });
      assert.deepEqual(await r.engine.api.outgoingLimits(r.account.id), { maxMessageBytes: configured });
      assert.deepEqual([first.connections(), second.connections()], [1, 1], 'the new server was asked, once');

      await r.engine.api.updateAccount(r.account.id, { outgoing: null });
      await assert.rejects(r.engine.api.outgoingLimits(r.account.id), (error: unknown) => isHeronErrorData(error) && error.code === 'invalid-input');
    } finally {
      await r.close();
      await first.close();
      await second.close();
    }
  });
});

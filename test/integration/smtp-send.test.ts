// The send path against the lab (Postfix submission delivering into Dovecot): delivery intact, Sent copy, \Answered, Undo,
// Send later; never a lost or doubled message when the connection breaks, a recipient or the password is refused, STARTTLS
// is blocked, or Heron stopped part-way.

import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { AccountSummary, OutgoingSettings } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore, type SecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { claimOutgoing, queueOutgoing, recordSend, removeOutgoing, type OutgoingInput } from '../../src-renderer/store/outbox';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import type { OutboxRow } from '../../src-renderer/store/rows';
import { startFaultProxy, type Fault, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

let lab: Lab;
let fingerprint: string;

const PASSWORD = 'alice-pw-lab';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function imap(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: `${user}-pw-lab` }, logger: false, tls: { ca: [lab.caPem], servername: 'localhost' } });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** The raw messages with this Message-ID in a user's folder (as many as there are copies). */
async function copies(user: string, messageId: string, folder = 'INBOX'): Promise<Buffer[]> {
  const c = await imap(user);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const uids = (await c.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      const found: Buffer[] = [];
      for (const uid of uids) {
        const message = await c.fetchOne(String(uid), { source: true }, { uid: true });
        if (message && message.source) found.push(message.source);
      }
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const count = async (user: string, messageId: string) => (await copies(user, messageId)).length;

/** Delivered exactly once: it arrives, and once Postfix holds nothing more, no second copy can follow. */
async function deliveredOnce(user: string, messageId: string): Promise<void> {
  await eventually(async () => (await count(user, messageId)) > 0, `${messageId} in ${user}'s INBOX`);
  await eventually(async () => (await lab.queuedMail()) === 0, 'the lab Postfix queue empty');
  assert.equal(await count(user, messageId), 1, 'delivered exactly once');
}

interface Running {
  engine: Engine;
  db: HeronDb;
  secrets: SecretStore;
  account: AccountSummary;
  queue(over?: Partial<OutgoingInput>): Promise<OutboxRow>;
  row(id: string): Promise<OutboxRow | undefined>;
  close(): Promise<void>;
}

interface RunningOptions {
  outgoing?: OutgoingSettings;
  /** Reuse a profile and a store, as after a restart. */
  profile?: string;
  db?: HeronDb;
  /** The outbox's clock, for tests that move time themselves instead of waiting it out. */
  now?: () => number;
}

const submission = (): OutgoingSettings => ({ host: lab.host, port: lab.ports.submission, security: 'starttls', username: 'alice' });
/** The plain port, through a proxy that can read (and cut at) SMTP commands and message text: over TLS it would see only ciphertext. */
const plain = (proxy: FaultProxy): OutgoingSettings => ({ host: proxy.host, port: proxy.port, security: 'none', username: 'alice' });

async function running(options: RunningOptions = {}): Promise<Running> {
  const profile = options.profile ?? (await mkdtemp(path.join(os.tmpdir(), 'heron-smtp-send-')));
  const secrets = createBrowserSecretStore(profile);
  const engine = createEngine({ profileDir: profile, mode: 'browser', secrets, version: 'test', ...(options.now ? { now: options.now } : {}) });
  const db = options.db ?? new HeronDb(`smtp-send-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  engine.attachRenderer(createStoreRendererApi(db, () => undefined));
  const existing = (await engine.api.listAccounts())[0];
  const account =
    existing ??
    (await engine.api.addAccount({
      name: 'Alice',
      email: 'alice@maillab.test',
      incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: 'alice' },
      outgoing: options.outgoing ?? submission(),
      password: PASSWORD,
      rememberPassword: true,
      pinnedFingerprint256: fingerprint,
      keepBodiesDays: null,
    }));
  return {
    engine, db, secrets, account,
    queue: (over = {}) =>
      queueOutgoing(db, {
        accountId: account.id,
        from: { name: 'Alice', address: 'alice@maillab.test' },
        to: [{ name: 'Bob', address: 'bob@maillab.test' }],
        cc: [],
        bcc: [],
        subject: 'Hello',
        text: 'Hello Bob',
        html: null,
        inReplyTo: null,
        references: [],
        attachments: [],
        draftId: null,
        // Sent at once unless a test asks for the Undo delay or a later time.
        sendAt: Date.now(),
        ...over,
      }),
    row: (id) => db.outbox.get(id),
    async close() {
      await engine.shutdown();
      if (!options.db) db.close();
      if (!options.profile) await rm(profile, { recursive: true, force: true });
    },
  };
}

before(async () => {
  lab = await startLab();
  fingerprint = normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256);
});

after(async () => {
  await lab?.stop();
});

describe('sending through the lab', () => {
  it('delivers an attachment and a non-ASCII subject intact, files the Sent copy (with Bcc) and clears the outbox', async () => {
    const r = await running();
    try {
      const bytes = randomBytes(40_000);
      const row = await r.queue({
        subject: 'Grüße aus Köln – 東京 🐦',
        text: 'Hallo Bob,\n.\nanbei die Datei (ünïcödé).\n',
        html: '<p>Hallo <b>Bob</b>, anbei die Datei (ünïcödé).</p>',
        cc: [{ name: 'Carol', address: 'carol@maillab.test' }],
        bcc: [{ name: '', address: 'sink@maillab.test' }],
        attachments: [{ filename: 'Übersicht 2025.bin', contentType: 'application/octet-stream', base64: bytes.toString('base64'), contentId: null }],
      });
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal(await r.row(row.id), undefined, 'accepted and filed, so the outbox is empty');

      await eventually(async () => (await count('bob', row.messageId)) === 1, "the message in Bob's INBOX");
      const [raw] = await copies('bob', row.messageId);
      const received = await simpleParser(raw as Buffer);
      assert.equal(received.subject, 'Grüße aus Köln – 東京 🐦');
      assert.equal(received.text, 'Hallo Bob,\n.\nanbei die Datei (ünïcödé).\n');
      assert.equal(received.html, '<p>Hallo <b>Bob</b>, anbei die Datei (ünïcödé).</p>');
      assert.equal(received.attachments.length, 1);
      assert.equal(received.attachments[0]?.filename, 'Übersicht 2025.bin');
      assert.ok(received.attachments[0]?.content.equals(bytes), 'attachment bytes intact');
      assert.equal(received.bcc, undefined, 'recipients never see Bcc');
      await eventually(async () => (await count('carol', row.messageId)) === 1 && (await count('sink', row.messageId)) === 1, 'Cc and Bcc delivered');

      const [sentRaw] = await copies('alice', row.messageId, 'Sent');
      const sent = await simpleParser(sentRaw as Buffer);
      assert.equal(sent.subject, received.subject);
      assert.deepEqual(Array.isArray(sent.bcc) ? null : sent.bcc?.value.map((a) => a.address), ['sink@maillab.test'], 'the Sent copy shows whom it was copied to');
      assert.ok(sent.attachments[0]?.content.equals(bytes));
      await eventually(async () => (await r.db.messages.filter((m) => m.folderPath === 'Sent' && m.messageId === row.messageId).count()) === 1, 'the Sent folder resynced into the store');
    } finally {
      await r.close();
    }
  });

  it('a reply marks the message replied to \\Answered (store at once, server by replay) and threads with it', async () => {
    const r = await running();
    const alice = await imap('alice');
    try {
      const questionId = `<question-${Date.now()}@maillab.test>`;
      await alice.append('INBOX', Buffer.from(`From: Bob <bob@maillab.test>\r\nTo: alice@maillab.test\r\nSubject: Lunch?\r\nMessage-ID: ${questionId}\r\n\r\nTomorrow?\r\n`), ['\\Seen']);
      await r.engine.api.openFolder(r.account.id, 'INBOX');
      const question = await r.db.messages.filter((m) => m.messageId === questionId).first();
      assert.ok(question, 'the question is in the store');

      const reply = await r.queue({ subject: 'Re: Lunch?', text: 'Yes!', inReplyTo: questionId, references: [questionId] });
      await r.engine.api.sendOutbox(r.account.id);
      assert.ok((await r.db.messages.get([r.account.id, 'INBOX', question.uid]))?.flags.includes('\\Answered'), 'shown as answered at once');
      await eventually(async () => {
        const lock = await alice.getMailboxLock('INBOX');
        try {
          const fetched = await alice.fetchOne(String(question.uid), { flags: true }, { uid: true });
          return fetched !== false && Boolean(fetched.flags?.has('\\Answered'));
        } finally {
          lock.release();
        }
      }, '\\Answered on the server');
      await eventually(async () => (await r.db.messages.filter((m) => m.messageId === reply.messageId).first())?.threadId === question.threadId, 'the reply in Sent, in the same thread');
      await deliveredOnce('bob', reply.messageId);
    } finally {
      await alice.logout();
      await r.close();
    }
  });

  it('one good and one refused recipient: delivered to the good one, the refused one reported with the server\'s words', async () => {
    const r = await running();
    try {
      const row = await r.queue({ to: [{ name: 'Bob', address: 'bob@maillab.test' }, { name: 'Nobody', address: 'nobody@maillab.test' }] });
      await r.engine.api.sendOutbox(r.account.id);
      const kept = await r.row(row.id);
      assert.equal(kept?.state, 'sent');
      assert.deepEqual(kept?.accepted, ['bob@maillab.test']);
      assert.equal(kept?.rejected.length, 1);
      assert.equal(kept?.rejected[0]?.address, 'nobody@maillab.test');
      assert.match(kept?.rejected[0]?.response ?? '', /^550 5\.1\.1 .*User unknown/);
      assert.equal(kept?.sentFolder, 'Sent', 'filed, and kept only so the person can read about the refused recipient');
      await deliveredOnce('bob', row.messageId);
      assert.equal(await removeOutgoing(r.db, row.id), true, 'dismissed');
    } finally {
      await r.close();
    }
  });

  it('every recipient refused (550): failed, with each recipient\'s reply, and the next message still goes', async () => {
    const r = await running();
    try {
      const refused = await r.queue({ to: [{ name: '', address: 'nobody@maillab.test' }] });
      const fine = await r.queue({ subject: 'after the refused one' });
      await r.engine.api.sendOutbox(r.account.id);
      const failed = await r.row(refused.id);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.lastError?.code, 'server-rejected');
      assert.match(failed?.rejected[0]?.response ?? '', /^550 /);
      assert.equal(await r.row(fine.id), undefined, 'a refused message does not hold up the rest');
      await deliveredOnce('bob', fine.messageId);
    } finally {
      await r.close();
    }
  });

  it('a wrong password (535): auth-failed with the server\'s words, the message stays, and it is not tried once per message', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    const r = await running({ outgoing: plain(proxy) });
    try {
      await r.secrets.set(r.account.id, 'not-the-password-42', false);
      const first = await r.queue();
      const second = await r.queue({ subject: 'second' });
      await r.engine.api.sendOutbox(r.account.id);
      const failed = await r.row(first.id);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.lastError?.code, 'auth-failed');
      assert.match(String((failed?.lastError?.detail as { serverResponse?: string } | undefined)?.serverResponse), /^535 /);
      const waiting = await r.row(second.id);
      assert.deepEqual([waiting?.state, waiting?.attempts], ['queued', 0], 'the round stopped after the refused login');
      const logins = Buffer.concat(proxy.clientSent()).toString('latin1').match(/^AUTH /gm) ?? [];
      assert.equal(logins.length, 1, 'one login attempt for two queued messages');
      assert.equal(await count('bob', first.messageId), 0);
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('STARTTLS stripped and the upgrade blocked: nothing sent, starttls-unavailable, no AUTH and no password on the wire', async () => {
    const proxy = await startFaultProxy({
      target: { host: lab.host, port: lab.ports.submission },
      stripCapabilities: ['STARTTLS'],
      faults: [{ direction: 'client-to-server', trigger: { onText: 'STARTTLS' }, action: { kind: 'cut' }, once: false }],
    });
    const r = await running({ outgoing: { ...submission(), port: proxy.port } });
    try {
      const row = await r.queue();
      await r.engine.api.sendOutbox(r.account.id);
      const failed = await r.row(row.id);
      assert.deepEqual([failed?.state, failed?.lastError?.code], ['failed', 'starttls-unavailable']);
      const wire = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.match(wire, /STARTTLS/);
      assert.doesNotMatch(wire, /AUTH|MAIL FROM/i);
      assert.ok(!wire.includes(PASSWORD) && !wire.includes(Buffer.from(PASSWORD).toString('base64').slice(0, 12)), 'the password never left');
      assert.equal(await count('bob', row.messageId), 0);
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('STARTTLS stripped from EHLO only: Heron asks for it anyway, and the message leaves encrypted', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.submission }, stripCapabilities: ['STARTTLS'] });
    const r = await running({ outgoing: { ...submission(), port: proxy.port } });
    try {
      const row = await r.queue({ text: 'readable only by Bob' });
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal(await r.row(row.id), undefined);
      const wire = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.match(wire, /^EHLO [^\r\n]+\r\nSTARTTLS\r\n/m);
      assert.doesNotMatch(wire, /AUTH|MAIL FROM|readable only by Bob/);
      await deliveredOnce('bob', row.messageId);
    } finally {
      await r.close();
      await proxy.close();
    }
  });
});

describe('a connection cut mid-send', () => {
  async function cutOnce(fault: Fault) {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    const r = await running({ outgoing: plain(proxy) });
    proxy.setFaults([fault]);
    return { proxy, r };
  }

  it('before DATA: kept for a retry, retried by itself with backoff, delivered exactly once', async () => {
    const { proxy, r } = await cutOnce({ direction: 'client-to-server', trigger: { onText: 'DATA\r\n' }, action: { kind: 'cut' } });
    try {
      const row = await r.queue();
      await r.engine.api.sendOutbox(r.account.id);
      const retrying = await r.row(row.id);
      assert.deepEqual([retrying?.state, retrying?.lastError?.code], ['retry', 'connection-lost']);
      assert.ok((retrying?.nextAttemptAt ?? 0) > Date.now() - 1_000, 'backed off');
      await eventually(async () => (await r.row(row.id)) === undefined, 'the retry sent and filed it');
      await deliveredOnce('bob', row.messageId);
      assert.equal((await copies('alice', row.messageId, 'Sent')).length, 1);
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('during DATA: kept for a retry (the final dot never went out), delivered exactly once', async () => {
    // Large enough that Heron is still writing when the cut comes: the body's first line is where it is cut.
    const { proxy, r } = await cutOnce({ direction: 'client-to-server', trigger: { onText: 'CUT-DURING-DATA' }, action: { kind: 'cut' } });
    try {
      const bytes = randomBytes(8 * 1024 * 1024);
      const row = await r.queue({
        text: 'CUT-DURING-DATA comes first, then 8 MiB of attachment',
        attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', base64: bytes.toString('base64'), contentId: null }],
      });
      await r.engine.api.sendOutbox(r.account.id);
      assert.deepEqual([(await r.row(row.id))?.state, (await r.row(row.id))?.lastError?.code], ['retry', 'connection-lost']);
      await eventually(async () => (await r.row(row.id)) === undefined, 'the retry sent and filed it', 30_000);
      await deliveredOnce('bob', row.messageId);
      const received = await simpleParser((await copies('bob', row.messageId))[0] as Buffer);
      assert.ok(received.attachments[0]?.content.equals(bytes), 'the retried message is whole');
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('after the final dot, before the reply: the server took it, so it is unconfirmed and never resent by itself', async () => {
    const { proxy, r } = await cutOnce({ direction: 'server-to-client', trigger: { onText: '250 2.0.0 Ok: queued' }, action: { kind: 'cut' } });
    try {
      const row = await r.queue();
      await r.engine.api.sendOutbox(r.account.id);
      const unsure = await r.row(row.id);
      assert.equal(unsure?.state, 'unconfirmed');
      assert.match(unsure?.lastError?.message ?? '', /may have been delivered/);
      // Longer than the first retry could wait (1.5 s at most): nothing goes out again.
      await deliveredOnce('bob', row.messageId);
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal((await r.row(row.id))?.state, 'unconfirmed');
      assert.equal(await count('bob', row.messageId), 1);
      assert.equal(proxy.connections(), 1, 'no second attempt');
    } finally {
      await r.close();
      await proxy.close();
    }
  });
});

describe('after Heron stopped part-way', () => {
  it('accepted but not yet filed: filed once (a copy already there counts), never sent again', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    const r = await running({ outgoing: plain(proxy) });
    const alice = await imap('alice');
    try {
      const row = await r.queue();
      // The round that sent it got as far as recording the acceptance and APPENDing, not as far as reporting that.
      await claimOutgoing(r.db, row.id, Date.now());
      await recordSend(r.db, row.id, { kind: 'accepted', accepted: ['bob@maillab.test'], rejected: [], response: '250 2.0.0 Ok: queued as X', at: Date.now() });
      await alice.append('Sent', Buffer.from(`From: alice@maillab.test\r\nTo: bob@maillab.test\r\nSubject: Hello\r\nMessage-ID: ${row.messageId}\r\n\r\nHello Bob\r\n`), ['\\Seen']);
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal(await r.row(row.id), undefined, 'filed and cleared');
      assert.equal((await copies('alice', row.messageId, 'Sent')).length, 1, 'not appended a second time');
      assert.equal(proxy.connections(), 0, 'not sent again');
    } finally {
      await alice.logout();
      await r.close();
      await proxy.close();
    }
  });

  it('claimed and never reported: unconfirmed, never sent again by itself', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    const r = await running({ outgoing: plain(proxy) });
    try {
      const row = await r.queue();
      await claimOutgoing(r.db, row.id, Date.now());
      await r.engine.api.sendOutbox(r.account.id);
      const left = await r.row(row.id);
      assert.equal(left?.state, 'unconfirmed');
      assert.match(left?.lastError?.message ?? '', /Heron stopped while this message was being sent/);
      assert.equal(proxy.connections(), 0);
    } finally {
      await r.close();
      await proxy.close();
    }
  });
});

describe('Undo and Send later', () => {
  it('a message removed during the Undo delay is never sent', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    const clock = { at: Date.now() };
    const r = await running({ outgoing: plain(proxy), now: () => clock.at });
    try {
      const row = await r.queue({ sendAt: clock.at + 1_000 });
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal((await r.row(row.id))?.state, 'queued', 'waiting out the Undo delay');
      assert.equal(await removeOutgoing(r.db, row.id), true, 'Undo');
      // The Undo delay is over: the round the engine's wake-up runs finds nothing to send.
      clock.at += 2_000;
      await r.engine.api.sendOutbox(r.account.id);
      assert.equal(proxy.connections(), 0, 'the engine woke and found nothing to send');
      assert.equal(await count('bob', row.messageId), 0);
    } finally {
      await r.close();
      await proxy.close();
    }
  });

  it('a scheduled message waits for its time, and leaves at it', async () => {
    const clock = { at: Date.now() };
    const r = await running({ now: () => clock.at });
    try {
      const row = await r.queue({ sendAt: clock.at + 2_000 });
      await r.engine.api.sendOutbox(r.account.id);
      clock.at += 1_000;
      await r.engine.api.sendOutbox(r.account.id);
      assert.deepEqual([(await r.row(row.id))?.state, await count('bob', row.messageId)], ['queued', 0], 'not before its time');
      clock.at += 1_000;
      await r.engine.api.sendOutbox(r.account.id);
      await eventually(async () => (await r.row(row.id)) === undefined, 'sent at its time');
      await deliveredOnce('bob', row.messageId);
    } finally {
      await r.close();
    }
  });

  it('a scheduled message still leaves at its time after a restart', async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-smtp-restart-'));
    const db = new HeronDb(`smtp-restart-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    try {
      const clock = { at: Date.now() };
      const first = await running({ profile, db, now: () => clock.at });
      const row = await first.queue({ sendAt: clock.at + 2_500 });
      await first.engine.api.sendOutbox(first.account.id);
      await first.close();
      assert.equal((await db.outbox.get(row.id))?.state, 'queued');

      // Heron was closed past the message's time: the restarted engine sends it when the store attaches.
      clock.at += 2_500;
      const second = await running({ profile, db, now: () => clock.at });
      try {
        await eventually(async () => (await db.outbox.get(row.id)) === undefined, 'sent by the restarted engine');
        assert.ok(clock.at >= row.nextAttemptAt!, 'not before its time');
        await deliveredOnce('bob', row.messageId);
      } finally {
        await second.close();
      }
    } finally {
      db.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});

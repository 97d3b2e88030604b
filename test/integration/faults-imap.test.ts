// IMAP through cuts (issue #8): the sync's FETCHes cut at every protocol step and at seeded random byte offsets, and
// APPEND (a Sent copy, a draft save) cut at every step. After each cut a sync without faults must leave the store equal
// to the server (every UID, Message-ID, flag and count, no extra row), and every appended message there exactly once.
//
// The account uses the plaintext port (security "None", loopback only) so the proxy can read the commands it cuts at.
// The random offsets come from a seed printed as a diagnostic; HERON_FAULT_SEED=<seed> repeats them.

import assert from 'node:assert/strict';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { DraftMessage, NewAccountInput, OutgoingAttachment } from '../../shared/model';
import { createAccountSession } from '../../src-main/engine/account-session';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { syncImapAccount, type AccountSyncContext } from '../../src-main/imap/sync-account';
import { HeronDb } from '../../src-renderer/store/db';
import { queueOutgoing } from '../../src-renderer/store/outbox';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { loadCorpus } from '../lab/corpus';
import { Random } from '../lab/corpus-random';
import { startFaultProxy, type Fault, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';
import { compareStates, copiesIn, serverState, storeState, type MailboxState, type Mismatch } from '../support/store-oracle';

/** The synced mailbox: a few hundred corpus messages in two folders, the rest of the special-use folders empty. */
const SYNC_USER = 'alice';
const CORPUS = { seed: 21, count: 300, folders: ['INBOX', 'Lists/Heron'] };
/** The APPEND account's own mailbox, so its Sent copies and drafts never change what the sync cuts compare. */
const APPEND_USER = 'carol';
const RANDOM_CUTS = 20;
const seed = Number(process.env.HERON_FAULT_SEED ?? randomInt(2 ** 31));

const UNTAGGED_FETCH = /^\* \d+ FETCH /m;
const FETCH_DONE = /^\S+ OK Fetch completed/m;
const FETCH_COMMAND = /^\S+ UID FETCH /m;
const FETCH_LINE = /^\S+ UID FETCH [^\r\n]*\r\n/m;

let lab: Lab;

/** One group of cuts: the faults that fired, and every way the store and the server disagreed after the resync. */
class Tally {
  tried = 0;
  lost = 0;
  doubled = 0;
  mismatched = 0;

  constructor(private readonly name: string) {}

  /** A UID the server has and the store lacks is a lost message; anything else is a mismatch. */
  note(found: readonly Mismatch[]): void {
    for (const mismatch of found) {
      if (mismatch.kind === 'missing') this.lost += 1;
      else this.mismatched += 1;
    }
  }

  /** An appended message must be there exactly once: none is lost, two or more are doubled. */
  copies(count: number): void {
    if (count === 0) this.lost += 1;
    if (count > 1) this.doubled += count - 1;
  }

  figure(): SecurityFigure {
    const bad = this.lost + this.doubled + this.mismatched;
    const outcome =
      bad === 0
        ? 'after each cut a sync without faults left the store equal to the server: no message lost, none doubled, no mismatch'
        : `${this.lost} messages lost, ${this.doubled} doubled, ${this.mismatched} store/server mismatches`;
    return { area: 'faults', name: this.name, tried: this.tried, bad, outcome };
  }
}

const tallies = {
  fetch: new Tally('IMAP first sync cut at every step of each FETCH (command, first/middle/last reply, tagged OK)'),
  incremental: new Tally('IMAP incremental sync cut at every step of its FETCHes (new mail, CHANGEDSINCE with VANISHED)'),
  random: new Tally(`IMAP first sync cut at ${RANDOM_CUTS} seeded random byte offsets (seed ${seed})`),
  append: new Tally('IMAP APPEND cut at every step (a Sent copy and a draft, synchronizing and LITERAL+ literals)'),
};

const password = (user: string) => `${user}-pw-lab`;

async function imap(user: string): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: password(user) }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The mailbox as the server holds it, read over a session of its own (straight to the server, no proxy). */
async function onServer(user: string): Promise<MailboxState> {
  const client = await imap(user);
  try {
    return await serverState(client);
  } finally {
    await client.logout();
  }
}

const cut = (direction: Fault['direction'], trigger: Fault['trigger']): Fault => ({ direction, trigger, action: { kind: 'cut' } });

interface CutPoint {
  label: string;
  fault: Fault;
}

/** The sync the engine runs, on a store of its own, through the proxy: one AccountSession reconnecting after a cut as the scheduler's does. */
interface Syncer {
  db: HeronDb;
  accountId: string;
  sync(): Promise<unknown>;
  close(): Promise<void>;
}

function syncer(proxy: FaultProxy): Syncer {
  const accountId = `faults-${randomUUID()}`;
  const record: AccountRecord = {
    id: accountId, name: 'Alice', email: 'alice@maillab.test', outgoing: null, createdAt: 0, keepBodiesDays: null, pinnedCertificate: null,
    incoming: { protocol: 'imap', host: proxy.host, port: proxy.port, security: 'none', username: SYNC_USER },
  };
  const db = new HeronDb(accountId, { indexedDB: new IDBFactory(), IDBKeyRange });
  const session = createAccountSession(record, async () => password(SYNC_USER));
  const ctx: AccountSyncContext = { session, renderer: createStoreRendererApi(db, () => undefined), accountId, progress: () => undefined };
  return {
    db, accountId,
    sync: () => syncImapAccount(ctx),
    async close() {
      await session.close();
      db.close();
    },
  };
}

/**
 * Syncs with `fault` armed (the cut fails the sync, or only the folder it hit), then again without faults, and
 * compares the store with the server. Counted before asserting, so a failure still shows in the figures.
 */
async function cutThenResync(proxy: FaultProxy, s: Syncer, fault: Fault, tally: Tally, server?: MailboxState): Promise<void> {
  const firedBefore = proxy.fired().length;
  proxy.setFaults([fault]);
  await s.sync().catch(() => undefined);
  proxy.setFaults([]);
  const fired = proxy.fired().length - firedBefore;
  tally.tried += fired;
  assert.equal(fired, 1, 'the cut happened during the sync');
  await s.sync();
  const found = compareStates(await storeState(s.db, s.accountId), server ?? (await onServer(SYNC_USER)));
  tally.note(found);
  assert.deepEqual(found, [], 'the store equals the server');
}

/** How many untagged FETCH replies each FETCH of a session got, in order, read from the server's side of a clean run. */
function repliesPerFetch(serverText: string): number[] {
  const counts: number[] = [];
  let replies = 0;
  const marks = new RegExp(`(${UNTAGGED_FETCH.source})|(${FETCH_DONE.source})`, 'gm');
  for (const match of serverText.matchAll(marks)) {
    if (match[1] !== undefined) replies += 1;
    else {
      counts.push(replies);
      replies = 0;
    }
  }
  return counts;
}

/**
 * Every protocol step of every FETCH of a sync: the command on its way, the command arrived with nothing back, the
 * first, middle and last untagged reply (cut where it starts, and once inside the middle one), and the tagged OK.
 */
function fetchCuts(replies: readonly number[], what: (index: number) => string): CutPoint[] {
  const cuts: CutPoint[] = [];
  let before = 0;
  for (const [index, count] of replies.entries()) {
    const nth = index + 1;
    const name = what(index);
    const reply = (k: number, thenBytes?: number) => cut('server-to-client', { onText: UNTAGGED_FETCH, nth: before + k, ...(thenBytes === undefined ? {} : { thenBytes }) });
    const middle = Math.ceil(count / 2);
    cuts.push(
      { label: `${name}: as the client sends the command`, fault: cut('client-to-server', { onText: FETCH_COMMAND, nth }) },
      { label: `${name}: the command arrived, nothing came back`, fault: cut('client-to-server', { onText: FETCH_LINE, nth, thenBytes: 0 }) },
      { label: `${name}: before the first of ${count} replies`, fault: reply(1) },
      { label: `${name}: after ${middle - 1} of ${count} replies`, fault: reply(middle) },
      { label: `${name}: inside reply ${middle} of ${count}`, fault: reply(middle, 60) },
      { label: `${name}: before the last of ${count} replies`, fault: reply(count) },
      { label: `${name}: every reply in, before the tagged OK`, fault: cut('server-to-client', { onText: FETCH_DONE, nth }) },
    );
    before += count;
  }
  return cuts;
}

before(async () => {
  lab = await startLab();
  await loadCorpus(lab, SYNC_USER, CORPUS);
});

after(async () => {
  await recordSecurityFigures('faults-imap', Object.values(tallies).map((tally) => tally.figure()));
  await lab?.stop();
});

describe('IMAP sync through cuts', () => {
  it('a first sync cut at every step of each FETCH ends equal to the server after a sync without faults', async (t) => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    t.after(() => proxy.close());
    // A clean run shows which FETCHes a first sync makes and how many replies each gets, so each step can be named.
    const clean = syncer(proxy);
    t.after(() => clean.close());
    await clean.sync();
    const server = await onServer(SYNC_USER);
    assert.deepEqual(compareStates(await storeState(clean.db, clean.accountId), server), [], 'a sync without faults gives the server');
    const replies = repliesPerFetch(proxy.serverSent()[0]?.toString('latin1') ?? '');
    // Each folder's newest page, then each folder's backfill.
    assert.equal(replies.length, 2 * CORPUS.folders.length, `FETCHes of a first sync: ${replies.join(', ')}`);
    const phase = (index: number) => `${index < CORPUS.folders.length ? 'newest page' : 'backfill'} FETCH ${index + 1}`;
    for (const point of fetchCuts(replies, phase)) {
      await t.test(point.label, async () => {
        const s = syncer(proxy);
        try {
          await cutThenResync(proxy, s, point.fault, tallies.fetch, server);
        } finally {
          await s.close();
        }
      });
    }
  });

  it('an incremental sync cut at every step of its FETCHes (new mail, then CHANGEDSINCE with VANISHED) catches up exactly', async (t) => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    t.after(() => proxy.close());
    const s = syncer(proxy);
    t.after(() => s.close());
    const other = await imap(SYNC_USER);
    t.after(() => other.logout());
    await s.sync();
    // Each round brings 3 new messages (the first FETCH's 3 replies), changes the flags of 3 known ones (the
    // CHANGEDSINCE FETCH's 3 replies) and expunges a fourth (its VANISHED).
    const NEW = 3;
    const CHANGED = 3;
    const rounds = [...fetchCuts([NEW, CHANGED], (i) => (i === 0 ? 'new-mail FETCH' : 'CHANGEDSINCE FETCH')), { label: 'CHANGEDSINCE FETCH: at its VANISHED', fault: cut('server-to-client', { onText: '* VANISHED' }) }];
    for (const [round, point] of rounds.entries()) {
      await t.test(point.label, async () => {
        await changeOnServer(other, round, NEW);
        await cutThenResync(proxy, s, point.fault, tallies.incremental);
      });
    }
  });

  it(`a first sync cut at ${RANDOM_CUTS} seeded random byte offsets ends equal to the server after a sync without faults`, async (t) => {
    t.diagnostic(`seed ${seed} (HERON_FAULT_SEED=${seed} repeats these offsets)`);
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    t.after(() => proxy.close());
    const clean = syncer(proxy);
    t.after(() => clean.close());
    await clean.sync();
    const server = await onServer(SYNC_USER);
    const [fromServer, fromClient] = [proxy.serverSent()[0]?.length ?? 0, proxy.clientSent()[0]?.length ?? 0];
    const random = new Random(seed);
    for (let i = 0; i < RANDOM_CUTS; i++) {
      // Mostly into the server's replies, where the mail is; a fifth into the commands. The server's last 100 bytes
      // (its final tagged OK, whose timing text varies in length) are left out, so every offset surely comes.
      const up = random.chance(0.2);
      const offset = up ? random.int(0, fromClient - 1) : random.int(0, fromServer - 100);
      const direction = up ? 'client-to-server' : 'server-to-client';
      await t.test(`after ${offset} bytes ${direction}`, async () => {
        const s = syncer(proxy);
        try {
          await cutThenResync(proxy, s, cut(direction, { afterBytes: offset }), tallies.random, server);
        } finally {
          await s.close();
        }
      });
    }
  });
});

/**
 * Another client's changes in INBOX: `count` new messages, \Seen toggled on one known message, \Flagged toggled on
 * another and a new keyword on a third (each surely a change), and a fourth expunged; different messages every round.
 */
async function changeOnServer(other: ImapFlow, round: number, count: number): Promise<void> {
  const lock = await other.getMailboxLock('INBOX');
  try {
    // Sequence numbers below the expunged ones, so earlier rounds' expunges never move them onto the same message.
    const at = (seq: number) => String(seq + 3 * round);
    const toggle = async (seq: string, flag: string) => {
      const message = await other.fetchOne(seq, { flags: true });
      if (message && message.flags?.has(flag)) await other.messageFlagsRemove(seq, [flag]);
      else await other.messageFlagsAdd(seq, [flag]);
    };
    await toggle(at(10), '\\Seen');
    await toggle(at(11), '\\Flagged');
    await other.messageFlagsAdd(at(12), [`$Round${round}`]);
    await other.messageDelete(at(60));
  } finally {
    lock.release();
  }
  for (let i = 0; i < count; i++) {
    const raw = `From: Bob <bob@maillab.test>\r\nTo: alice@maillab.test\r\nSubject: round ${round} message ${i}\r\nMessage-ID: <round-${round}-${i}@maillab.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello\r\n`;
    await other.append('INBOX', Buffer.from(raw));
  }
}

describe('APPEND through cuts', () => {
  const APPEND_COMMAND = /^\S+ APPEND /m;
  const APPEND_LINE = /^\S+ APPEND [^\r\n]*\r\n/m;

  /** Every step of one APPEND: the command, the literal (before, first byte, middle), the go-ahead for a synchronizing one, the tagged OK. */
  function appendCuts(large: boolean): CutPoint[] {
    const up = 'client-to-server';
    return [
      { label: 'as the client sends APPEND', fault: cut(up, { onText: APPEND_COMMAND }) },
      { label: 'with the command line sent, before the literal', fault: cut(up, { onText: APPEND_LINE, thenBytes: 0 }) },
      ...(large ? [{ label: "as the server's go-ahead for the literal comes", fault: cut('server-to-client', { onText: /^\+ OK\r\n/m }) }] : []),
      { label: "after the literal's first byte", fault: cut(up, { onText: APPEND_LINE, thenBytes: 1 }) },
      { label: 'in the middle of the literal', fault: cut(up, { onText: APPEND_LINE, thenBytes: large ? 6_000 : 200 }) },
      { label: 'with the whole message sent, before the tagged OK', fault: cut('server-to-client', { onText: /^\S+ OK \[APPENDUID /m }) },
    ];
  }

  /** Over 4 KiB the literal is a synchronizing one (the client waits for "+"); up to 4 KiB imapflow sends it LITERAL+ right away. */
  const attachment = (large: boolean): OutgoingAttachment[] =>
    large ? [{ filename: 'data.bin', contentType: 'application/octet-stream', base64: randomBytes(12_000).toString('base64'), contentId: null }] : [];

  interface Running {
    engine: Engine;
    db: HeronDb;
    accountId: string;
    close(): Promise<void>;
  }

  /** The engine as the app runs it, with the account's IMAP side through the proxy and SMTP straight to the lab. */
  async function running(proxy: FaultProxy): Promise<Running> {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-faults-imap-'));
    const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test' });
    const db = new HeronDb(`faults-imap-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    engine.attachRenderer(createStoreRendererApi(db, () => undefined));
    const close = async () => {
      await engine.shutdown();
      db.close();
      await rm(profile, { recursive: true, force: true });
    };
    const input: NewAccountInput = {
      name: 'Carol',
      email: 'carol@maillab.test',
      incoming: { protocol: 'imap', host: proxy.host, port: proxy.port, security: 'none', username: APPEND_USER },
      outgoing: { host: lab.host, port: lab.ports.smtp, security: 'none', username: APPEND_USER },
      password: password(APPEND_USER),
      rememberPassword: false,
      pinnedFingerprint256: null,
      keepBodiesDays: null,
    };
    // A refused login must not leave the engine running behind the test.
    const account = await engine.api.addAccount(input).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    return { engine, db, accountId: account.id, close };
  }

  /** Resyncs the account, then checks the whole store against the server and that `messageId` is in `folder` exactly once on both. */
  async function assertOnce(r: Running, folder: string, messageId: string): Promise<void> {
    await r.engine.api.syncAccount(r.accountId);
    const server = await onServer(APPEND_USER);
    const store = await storeState(r.db, r.accountId);
    const [onServerCopies, inStoreCopies] = [copiesIn(server, folder, messageId), copiesIn(store, folder, messageId)];
    tallies.append.copies(onServerCopies);
    const found = compareStates(store, server);
    tallies.append.note(found);
    assert.equal(onServerCopies, 1, `${messageId} in ${folder} on the server exactly once`);
    assert.equal(inStoreCopies, 1, `${messageId} in ${folder} in the store exactly once`);
    assert.deepEqual(found, [], 'the store equals the server');
  }

  /** Arms `fault`, runs `work`, disarms; the figures count the cut, and the test fails if it never came. */
  async function withCut(proxy: FaultProxy, fault: Fault, work: () => Promise<unknown>): Promise<void> {
    const firedBefore = proxy.fired().length;
    proxy.setFaults([fault]);
    try {
      await work();
    } finally {
      proxy.setFaults([]);
    }
    const fired = proxy.fired().length - firedBefore;
    tallies.append.tried += fired;
    assert.equal(fired, 1, 'the cut happened during the APPEND');
  }

  /** Starts the proxy and the engine with the account synced once; both go when the test ends. */
  async function suite(t: TestContext, body: (r: Running, proxy: FaultProxy) => Promise<void>): Promise<void> {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap } });
    t.after(() => proxy.close());
    const r = await running(proxy);
    t.after(() => r.close());
    await r.engine.api.syncAccount(r.accountId);
    await body(r, proxy);
  }

  it('a Sent copy whose APPEND is cut at any step is filed exactly once by the next round', async (t) => {
    await suite(t, async (r, proxy) => {
      for (const large of [false, true]) {
        for (const point of appendCuts(large)) {
          await t.test(`${large ? 'large' : 'small'} message: ${point.label}`, async () => {
            const row = await queueOutgoing(r.db, {
              accountId: r.accountId,
              from: { name: 'Carol', address: 'carol@maillab.test' },
              to: [{ name: '', address: 'sink@maillab.test' }],
              cc: [],
              bcc: [],
              subject: `Filed once: ${point.label}`,
              text: 'A message whose Sent copy is cut on its way.',
              html: null,
              inReplyTo: null,
              references: [],
              attachments: attachment(large),
              draftId: null,
              sendAt: Date.now(),
            });
            // Accepted by SMTP, then the filing is cut: the round keeps the row for a later round to file.
            await withCut(proxy, point.fault, () => r.engine.api.sendOutbox(r.accountId));
            assert.equal((await r.db.outbox.get(row.id))?.state, 'sent', 'accepted, not filed yet');
            await r.engine.api.sendOutbox(r.accountId);
            assert.equal(await r.db.outbox.get(row.id), undefined, 'filed by the next round');
            await assertOnce(r, 'Sent', row.messageId);
          });
        }
      }
    });
  });

  it('a draft save whose APPEND is cut at any step leaves, after the next save, exactly one copy: the newest', async (t) => {
    await suite(t, async (r, proxy) => {
      for (const large of [false, true]) {
        for (const point of appendCuts(large)) {
          await t.test(`${large ? 'large' : 'small'} draft: ${point.label}`, async () => {
            const draft: DraftMessage = {
              accountId: r.accountId,
              messageId: `<draft-${randomUUID()}@maillab.test>`,
              from: { name: 'Carol', address: 'carol@maillab.test' },
              to: [{ name: 'Bob', address: 'bob@maillab.test' }],
              cc: [],
              bcc: [],
              subject: 'first save',
              text: 'Dear Bob,',
              html: null,
              inReplyTo: null,
              references: [],
              attachments: attachment(large),
              date: Date.now(),
            };
            await r.engine.api.saveDraft(r.accountId, draft);
            await withCut(proxy, point.fault, () => assert.rejects(r.engine.api.saveDraft(r.accountId, { ...draft, subject: 'cut save' })));
            await r.engine.api.saveDraft(r.accountId, { ...draft, subject: 'saved after the cut' });
            await assertOnce(r, 'Drafts', draft.messageId);
            assert.deepEqual(await subjectsIn(APPEND_USER, 'Drafts', draft.messageId), ['saved after the cut'], 'the copy kept is the newest save');
          });
        }
      }
    });
  });
});

/** The subjects of the copies of `messageId` in a folder, as the server holds them. */
async function subjectsIn(user: string, folder: string, messageId: string): Promise<string[]> {
  const client = await imap(user);
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      if (uids.length === 0) return [];
      const subjects: string[] = [];
      for await (const m of client.fetch(uids.join(','), { envelope: true }, { uid: true })) subjects.push(m.envelope?.subject ?? '');
      return subjects;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

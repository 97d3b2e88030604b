// POP3 through cuts (issue #8), with "leave on server" off: syncs cut on the commands and listings, mid-RETR at several
// byte offsets of messages on both sides of a batch commit, among the DELEs, around QUIT, and at seeded random byte
// offsets. After each cut every message gone from the server is in the store; after a sync without faults each
// message is in the store exactly once and none is left on the server.
//
// The account uses the plaintext port (security "None", loopback only) so the proxy can read the commands it cuts at.
// The random offsets come from a seed printed as a diagnostic; HERON_FAULT_SEED=<seed> repeats them.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import { DEFAULT_POP3_OPTIONS } from '../../shared/model';
import { toSummary, type AccountRecord } from '../../src-main/engine/accounts';
import { syncPop3Account } from '../../src-main/pop3/sync';
import { putAccounts } from '../../src-renderer/store/accounts';
import { HeronDb } from '../../src-renderer/store/db';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { Random } from '../lab/corpus-random';
import { startFaultProxy, type Fault, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';

const USER = 'bob';
const PASSWORD = 'bob-pw-lab';
/** Messages delivered before each cut: enough for three batches of BATCH, so cuts fall on both sides of a commit. */
const PER_ROUND = 25;
const BATCH = 10;
const RANDOM_CUTS = 10;
const seed = Number(process.env.HERON_FAULT_SEED ?? randomInt(2 ** 31));

let lab: Lab;

/** What the cuts did and found: faults that fired, messages lost or doubled, and server copies not deleted after all. */
const tally = { tried: 0, lost: 0, doubled: 0, mismatched: 0 };
/** Each message's problems already counted: every round checks every message so far, and counts only what is new. */
const counted = new Set<string>();

function count(kind: 'lost' | 'doubled' | 'mismatched', ids: readonly string[]): void {
  for (const id of ids) {
    if (counted.has(`${kind} ${id}`)) continue;
    counted.add(`${kind} ${id}`);
    tally[kind] += 1;
  }
}

/** The round's `index`-th message (0-based): sizes vary from about 1.5 to 5 KB, and are the same in every round. */
function message(round: number, index: number): Buffer {
  const tag = `r${String(round).padStart(3, '0')}-${String(index).padStart(2, '0')}`;
  const lines = Array.from({ length: 40 + ((index * 7) % 60) }, (_, line) => `Line ${String(line).padStart(2, '0')} of message ${tag}, long enough to make a body.`);
  return Buffer.from(
    [
      'From: Sender <sender@maillab.test>',
      'To: Bob <bob@maillab.test>',
      `Subject: Cut ${tag}`,
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      `Message-ID: ${idOf(round, index)}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...lines,
      '',
    ].join('\r\n'),
  );
}

function idOf(round: number, index: number): string {
  return `<pop3-cut-r${round}-${index}@maillab.test>`;
}

async function imap(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: USER, pass: PASSWORD }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Delivers a round's messages into INBOX (IMAP APPEND), in order, so message number k is the round's k-th. */
async function deliver(round: number): Promise<void> {
  const client = await imap();
  try {
    for (let i = 0; i < PER_ROUND; i++) await client.append('INBOX', message(round, i));
  } finally {
    await client.logout();
  }
}

/** The Message-IDs INBOX holds now, read over a fresh IMAP session (so every POP3 QUIT before it is seen). */
async function onServer(): Promise<Set<string>> {
  const client = await imap();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      const ids = new Set<string>();
      if ((client.mailbox as { exists: number }).exists > 0) for await (const m of client.fetch('1:*', { envelope: true })) ids.add(m.envelope?.messageId ?? '');
      return ids;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

interface Account {
  db: HeronDb;
  /** One sync straight through pop3/sync.ts, in small batches: no scheduler, so no retry runs behind the test's back. */
  sync(): Promise<void>;
  /** How many times each Message-ID is in the store. */
  stored(): Promise<Map<string, number>>;
}

const cut = (direction: Fault['direction'], trigger: Fault['trigger']): Fault => ({ direction, trigger, action: { kind: 'cut' } });

interface CutPoint {
  label: string;
  fault: Fault;
}

const RETR_STATUS = /^\+OK \d+ octets\r\n/m;

/**
 * Every step of a sync: the listings, RETR of messages on both sides of a batch commit (the command, the status line
 * alone, half the message, all of it but the terminating dot), the DELEs, QUIT on its way, QUIT arrived with its
 * answer lost, and the answer lost on its way back.
 */
function cutPoints(sizes: readonly number[]): CutPoint[] {
  const up = 'client-to-server';
  const down = 'server-to-client';
  const retr = [1, BATCH, BATCH + 1, PER_ROUND].flatMap((k): CutPoint[] => {
    const size = sizes[k - 1] as number;
    const after = (thenBytes: number) => cut(down, { onText: RETR_STATUS, nth: k, thenBytes });
    return [
      { label: `RETR ${k}: the command on its way`, fault: cut(up, { onText: /^RETR /m, nth: k }) },
      { label: `RETR ${k}: its status line, no byte of the message`, fault: after(0) },
      { label: `RETR ${k}: ${Math.floor(size / 2)} of ${size} bytes`, fault: after(Math.floor(size / 2)) },
      { label: `RETR ${k}: every byte but the terminating dot`, fault: after(size) },
    ];
  });
  return [
    { label: 'UIDL on its way', fault: cut(up, { onText: 'UIDL' }) },
    { label: 'the LIST answer', fault: cut(down, { onText: /^\+OK \d+ messages:/m }) },
    ...retr,
    { label: 'before the first DELE', fault: cut(up, { onText: /^DELE /m }) },
    { label: `after ${Math.floor(PER_ROUND / 2)} DELEs`, fault: cut(up, { onText: /^DELE /m, nth: Math.floor(PER_ROUND / 2) + 1 }) },
    { label: 'QUIT on its way', fault: cut(up, { onText: 'QUIT' }) },
    { label: 'QUIT arrived, then the connection went', fault: cut(up, { onText: 'QUIT\r\n', thenBytes: 0 }) },
    { label: "QUIT's +OK on its way back", fault: cut(down, { onText: '+OK Logging out' }) },
  ];
}

before(async () => {
  lab = await startLab();
});

after(async () => {
  const bad = tally.lost + tally.doubled + tally.mismatched;
  const figure: SecurityFigure = {
    area: 'faults',
    name: `POP3 sync without "leave on server" cut at every step (listings, RETR, DELE, QUIT) and ${RANDOM_CUTS} seeded random byte offsets (seed ${seed})`,
    tried: tally.tried,
    bad,
    outcome:
      bad === 0
        ? 'nothing deleted on the server that the store had not kept; after a sync without faults every message in the store exactly once, none left on the server'
        : `${tally.lost} messages lost, ${tally.doubled} doubled, ${tally.mismatched} left on the server after a sync without faults`,
  };
  await recordSecurityFigures('faults-pop3', [figure]);
  await lab?.stop();
});

describe('POP3 sync through cuts', () => {
  it('never deletes what the store has not kept, and a sync without faults leaves each message in the store exactly once', async (t) => {
    t.diagnostic(`seed ${seed} (HERON_FAULT_SEED=${seed} repeats these offsets)`);
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 } });
    t.after(() => proxy.close());
    const account = await pop3Account(proxy);
    t.after(() => account.db.close());
    const delivered: string[] = [];
    let round = 0;

    /** Delivers a round, syncs it with `fault` armed, checks what the cut left, then syncs without faults and checks again. */
    const cutThenResync = async (fault: Fault | null): Promise<void> => {
      round += 1;
      await deliver(round);
      const ids = Array.from({ length: PER_ROUND }, (_, i) => idOf(round, i));
      delivered.push(...ids);
      const firedBefore = proxy.fired().length;
      proxy.setFaults(fault ? [fault] : []);
      await account.sync().catch(() => undefined);
      proxy.setFaults([]);
      const fired = proxy.fired().length - firedBefore;
      tally.tried += fired;
      assert.equal(fired, fault ? 1 : 0, 'the cut happened during the sync');

      // Right after the cut: whatever the server no longer has, the store must have.
      const server = await onServer();
      const stored = await account.stored();
      const deletedUnkept = ids.filter((id) => !server.has(id) && !stored.has(id));
      count('lost', deletedUnkept);
      assert.deepEqual(deletedUnkept, [], 'deleted on the server only what the store had kept');

      await account.sync();
      const after = await account.stored();
      const lost = delivered.filter((id) => !after.has(id));
      const doubled = delivered.filter((id) => (after.get(id) ?? 0) > 1);
      const left = [...(await onServer())];
      count('lost', lost);
      count('doubled', doubled);
      count('mismatched', left);
      assert.deepEqual({ lost, doubled, left }, { lost: [], doubled: [], left: [] }, 'each message in the store once, none left on the server');
      assert.equal(await account.db.popMessages.count(), 0, 'no record left of a message the server deleted');
    };

    // A round without faults first: it measures the session the random offsets fall in.
    await cutThenResync(null);
    const sessionBytes = proxy.serverSent()[0]?.length ?? 0;
    const sizes = Array.from({ length: PER_ROUND }, (_, i) => message(round, i).length);
    for (const point of cutPoints(sizes)) await t.test(point.label, () => cutThenResync(point.fault));

    const random = new Random(seed);
    for (let i = 0; i < RANDOM_CUTS; i++) {
      // Anywhere in the server's side of a session up to QUIT's answer (its last 50 bytes), so every offset surely comes.
      const offset = random.int(0, sessionBytes - 50);
      await t.test(`after ${offset} bytes from the server`, () => cutThenResync(cut('server-to-client', { afterBytes: offset })));
    }
  });
});

async function pop3Account(proxy: FaultProxy): Promise<Account> {
  const db = new HeronDb(`faults-pop3-${randomInt(2 ** 31)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const renderer = createStoreRendererApi(db, () => undefined);
  const record: AccountRecord = {
    id: 'faults-pop3',
    name: 'Bob',
    email: 'bob@maillab.test',
    incoming: { protocol: 'pop3', host: proxy.host, port: proxy.port, security: 'none', username: USER },
    outgoing: null,
    pinnedCertificate: null,
    keepBodiesDays: null,
    pop3: { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false },
    createdAt: 1,
  };
  await putAccounts(db, [toSummary(record, 'memory')]);
  return {
    db,
    sync: () =>
      syncPop3Account({ account: record, password: PASSWORD, renderer, now: Date.now, signal: new AbortController().signal, batch: { messages: BATCH, bytes: 16 * 1024 * 1024 } }),
    async stored() {
      const counts = new Map<string, number>();
      for (const row of await db.messages.where('accountId').equals(record.id).toArray()) {
        if (row.messageId) counts.set(row.messageId, (counts.get(row.messageId) ?? 0) + 1);
      }
      return counts;
    },
  };
}

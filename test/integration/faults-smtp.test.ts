// SMTP submission through cuts (issue #8): the outbox's connection cut at every step of a transaction (no greeting,
// EHLO, AUTH, MAIL, RCPT, DATA and each one's reply, seeded random offsets inside the message, the final dot and its
// reply, between two messages). The outbox then retries (its clock moved past the backoff); each message must reach
// the recipient at most once, and exactly once unless the outbox recorded it 'unconfirmed', where it waits for the
// person. A message that went is filed in Sent exactly once.
//
// The outgoing side uses the lab MX's plaintext port (security "None", loopback only) so the proxy can read the
// commands it cuts at; the incoming side (for the Sent copies) goes straight to the lab over TLS. The random offsets
// come from a seed printed as a diagnostic; HERON_FAULT_SEED=<seed> repeats them.

import assert from 'node:assert/strict';
import { randomBytes, randomInt, X509Certificate } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { NewAccountInput } from '../../shared/model';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { createEngine } from '../../src-main/engine/engine';
import { createBrowserSecretStore } from '../../src-main/engine/secrets';
import { HeronDb } from '../../src-renderer/store/db';
import { queueOutgoing } from '../../src-renderer/store/outbox';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import type { OutboxRow } from '../../src-renderer/store/rows';
import { Random } from '../lab/corpus-random';
import { startFaultProxy, type Fault, type FaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';
import { postfixPaths } from '../lab/postfix';
import { recordSecurityFigures } from '../support/security-figures';

const RANDOM_CUTS = 8;
/** Rounds of "move the clock past the backoff and send again" a message may need after a cut (one is enough today). */
const RETRY_ROUNDS = 3;
const seed = Number(process.env.HERON_FAULT_SEED ?? randomInt(2 ** 31));

let lab: Lab;

/** Faults that fired, and every message lost, doubled or left in a state the outbox should never leave it in. */
const tally = { tried: 0, lost: 0, doubled: 0, mismatched: 0 };

async function imap(user: string): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user, pass: `${user}-pw-lab` }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** How many copies of each Message-ID a user's folder holds. */
async function copiesIn(user: string, folder: string): Promise<Map<string, number>> {
  const client = await imap(user);
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const counts = new Map<string, number>();
      if ((client.mailbox as { exists: number }).exists === 0) return counts;
      for await (const m of client.fetch('1:*', { envelope: true })) {
        const id = m.envelope?.messageId ?? '';
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/**
 * Resolves once the lab's Postfix holds no message, so no further copy of anything it accepted can still arrive.
 * Checked again whenever its active queue changes: a message leaves that directory once it was delivered.
 */
async function queueDrained(): Promise<void> {
  let changes = 0;
  let wake = (): void => undefined;
  const watcher = watch(path.join(postfixPaths(lab.stateDir).queueDir, 'active'), () => {
    changes += 1;
    wake();
  });
  try {
    for (;;) {
      const seen = changes;
      if ((await lab.queuedMail()) === 0) return;
      if (changes === seen) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    watcher.close();
  }
}

const cut = (direction: Fault['direction'], trigger: Fault['trigger']): Fault => ({ direction, trigger, action: { kind: 'cut' } });

interface CutPoint {
  label: string;
  fault: Fault;
}

const up = 'client-to-server';
const down = 'server-to-client';

/** Every step of a transaction, each as the command (or the message) on its way and as the server's reply on its way back. */
const STEPS: CutPoint[] = [
  { label: 'no greeting', fault: cut(down, { onText: /^220 /m }) },
  { label: 'after the greeting, EHLO on its way', fault: cut(up, { onText: 'EHLO' }) },
  { label: "EHLO's reply on its way back", fault: cut(down, { onText: /^250-/m }) },
  { label: 'after EHLO, AUTH on its way', fault: cut(up, { onText: 'AUTH ' }) },
  { label: "AUTH's reply on its way back", fault: cut(down, { onText: /^235 /m }) },
  { label: 'after AUTH, MAIL on its way', fault: cut(up, { onText: 'MAIL FROM' }) },
  { label: "MAIL's reply on its way back", fault: cut(down, { onText: /^250 2\.1\.0 /m }) },
  { label: 'after MAIL, RCPT on its way', fault: cut(up, { onText: 'RCPT TO' }) },
  { label: "RCPT's reply on its way back", fault: cut(down, { onText: /^250 2\.1\.5 /m }) },
  { label: 'after RCPT, DATA on its way', fault: cut(up, { onText: 'DATA\r\n' }) },
  { label: "DATA's 354 on its way back", fault: cut(down, { onText: /^354 /m }) },
  { label: 'the final dot on its way', fault: cut(up, { onText: '\r\n.\r\n' }) },
  { label: 'right after the final dot, before the reply', fault: cut(up, { onText: '\r\n.\r\n', thenBytes: 0 }) },
  { label: 'the reply to the final dot on its way back', fault: cut(down, { onText: /^250 2\.0\.0 /m }) },
  { label: 'after the first message, MAIL of the second on its way', fault: cut(up, { onText: 'MAIL FROM', nth: 2 }) },
  { label: "the reply to the second message's final dot on its way back", fault: cut(down, { onText: /^250 2\.0\.0 /m, nth: 2 }) },
];

before(async () => {
  lab = await startLab();
});

after(async () => {
  const bad = tally.lost + tally.doubled + tally.mismatched;
  await recordSecurityFigures('faults-smtp', [
    {
      area: 'faults',
      name: `SMTP submission cut at every step (greeting, EHLO, AUTH, MAIL, RCPT, DATA, the final dot, their replies) and at ${RANDOM_CUTS} seeded random offsets inside the message (seed ${seed})`,
      tried: tally.tried,
      bad,
      outcome:
        bad === 0
          ? "after the outbox's retries every message reached the recipient once, or at most once where the outbox said 'unconfirmed' and waited for the person; each one sent filed in Sent once"
          : `${tally.lost} messages lost, ${tally.doubled} doubled, ${tally.mismatched} left in a state the outbox should not leave them in`,
    },
  ]);
  await lab?.stop();
});

describe('SMTP submission through cuts', () => {
  it('delivers each message at most once, exactly once unless it is left unconfirmed for the person', async (t) => {
    t.diagnostic(`seed ${seed} (HERON_FAULT_SEED=${seed} repeats these offsets)`);
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.smtp } });
    t.after(() => proxy.close());
    const r = await running(proxy);
    t.after(() => r.close());

    // A round without faults first: it proves the path and measures the message as it goes out in DATA.
    await r.round({ label: 'no fault', fault: null });
    const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
    const messageBytes = Math.min(...[...sent.matchAll(/DATA\r\n([\s\S]*?)\r\n\.\r\n/g)].map((m) => (m[1] as string).length));

    const random = new Random(seed);
    const inside = Array.from({ length: RANDOM_CUTS }, (): CutPoint => {
      const offset = random.int(0, messageBytes - 1);
      return { label: `inside the message, after ${offset} of its ${messageBytes} bytes`, fault: cut(up, { onText: 'DATA\r\n', thenBytes: offset }) };
    });
    for (const point of [...STEPS, ...inside]) await t.test(point.label, async (step) => step.diagnostic(await r.round(point)));

    await t.test("afterwards: what was left 'unconfirmed' is still waiting for the person, and no message went twice", () => r.recheck());
  });
});

interface Running {
  /** Queues two messages, sends with the fault armed, lets the outbox retry, checks both and says how each ended. */
  round(point: { label: string; fault: Fault | null }): Promise<string>;
  /** Lets the outbox run once more and checks every message so far again. */
  recheck(): Promise<void>;
  close(): Promise<void>;
}

/** The engine as the app runs it, on a clock of its own so the outbox's backoff passes without waiting it out. */
async function running(proxy: FaultProxy): Promise<Running> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'heron-faults-smtp-'));
  const clock = { at: Date.now() };
  const engine = createEngine({ profileDir: profile, mode: 'browser', secrets: createBrowserSecretStore(profile), version: 'test', now: () => clock.at });
  const db = new HeronDb(`faults-smtp-${path.basename(profile)}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  engine.attachRenderer(createStoreRendererApi(db, () => undefined));
  const close = async () => {
    await engine.shutdown();
    db.close();
    await rm(profile, { recursive: true, force: true });
  };
  const input: NewAccountInput = {
    name: 'Alice',
    email: 'alice@maillab.test',
    incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: 'alice' },
    outgoing: { host: proxy.host, port: proxy.port, security: 'none', username: 'alice' },
    password: 'alice-pw-lab',
    rememberPassword: false,
    pinnedFingerprint256: normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256),
    keepBodiesDays: null,
  };
  // A refused login must not leave the engine running behind the test.
  const account = await engine.api.addAccount(input).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  /** Every message queued so far, with what its last check found wrong (so a later check counts only what is new). */
  const queued: { row: OutboxRow; problem: string | null }[] = [];
  let rounds = 0;

  const queue = (label: string, n: number) =>
    queueOutgoing(db, {
      accountId: account.id,
      from: { name: 'Alice', address: 'alice@maillab.test' },
      to: [{ name: 'Bob', address: 'bob@maillab.test' }],
      cc: [],
      bcc: [],
      // Always the same length, so every message is as long in DATA as the one measured.
      subject: `Cut round ${String(rounds).padStart(3, '0')}, message ${n}`,
      text: `A message sent through a cut: ${label}.`.padEnd(200, '.').slice(0, 200),
      html: null,
      inReplyTo: null,
      references: [],
      attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', base64: randomBytes(20_000).toString('base64'), contentId: null }],
      draftId: null,
      sendAt: clock.at,
    }, clock.at);

  /** Moves the outbox's clock past any backoff and sends what is due, until nothing waits for a retry. */
  const retry = async (): Promise<void> => {
    for (let i = 0; i < RETRY_ROUNDS; i++) {
      clock.at += 10 * 60_000;
      await engine.api.sendOutbox(account.id);
      const rows = await db.outbox.toArray();
      if (!rows.some((row) => row.state === 'queued' || row.state === 'retry')) return;
    }
  };

  /** What is wrong with one message now, or null: counted in the figures when it is new. */
  const problemOf = async (row: OutboxRow, atRecipient: Map<string, number>, inSent: Map<string, number>): Promise<{ kind: 'lost' | 'doubled' | 'mismatched'; text: string } | null> => {
    const left = await db.outbox.get(row.id);
    const copies = atRecipient.get(row.messageId) ?? 0;
    const filed = inSent.get(row.messageId) ?? 0;
    const name = `${row.subject} (${row.messageId})`;
    if (copies > 1 || filed > 1) return { kind: 'doubled', text: `${name}: ${copies} copies at the recipient, ${filed} in Sent` };
    if (left === undefined && (copies === 0 || filed === 0)) return { kind: 'lost', text: `${name}: the outbox let it go, yet ${copies} copies at the recipient and ${filed} in Sent` };
    if (left !== undefined && left.state !== 'unconfirmed') return { kind: 'mismatched', text: `${name}: still ${left.state} (${left.lastError?.message ?? 'no error'})` };
    if (left !== undefined && filed !== 0) return { kind: 'mismatched', text: `${name}: unconfirmed, yet filed in Sent` };
    return null;
  };

  /** Waits until nothing more can arrive, then checks `entries`; a problem not found before counts in the figures. */
  const check = async (entries: typeof queued): Promise<string> => {
    await queueDrained();
    const [atRecipient, inSent] = [await copiesIn('bob', 'INBOX'), await copiesIn('alice', 'Sent')];
    const problems: string[] = [];
    const outcomes: string[] = [];
    for (const entry of entries) {
      const state = (await db.outbox.get(entry.row.id))?.state ?? 'sent and filed';
      outcomes.push(`${state}, ${atRecipient.get(entry.row.messageId) ?? 0} at the recipient`);
      const problem = await problemOf(entry.row, atRecipient, inSent);
      if (problem && problem.text !== entry.problem) tally[problem.kind] += 1;
      entry.problem = problem?.text ?? null;
      if (problem) problems.push(problem.text);
    }
    assert.deepEqual(problems, [], "every message delivered once, or at most once and left 'unconfirmed' for the person");
    return outcomes.join('; ');
  };

  return {
    async round({ label, fault }) {
      rounds += 1;
      // The pooled connection of the round before goes, so this round starts at the greeting like a first send.
      proxy.dropConnections();
      const entries = [{ row: await queue(label, 1), problem: null }, { row: await queue(label, 2), problem: null }];
      queued.push(...entries);
      const firedBefore = proxy.fired().length;
      // Armed through the retries, yet it fires once: should the pool try the dropped connection first (it may not
      // have seen it close yet), the cut still meets the fresh one.
      proxy.setFaults(fault ? [fault] : []);
      try {
        await engine.api.sendOutbox(account.id).catch(() => undefined);
        await retry();
      } finally {
        proxy.setFaults([]);
      }
      const fired = proxy.fired().length - firedBefore;
      tally.tried += fired;
      assert.equal(fired, fault ? 1 : 0, 'the cut happened during the send');
      // A cut during the last retry leaves a message due again; this pass has no fault left to meet.
      await retry();
      return check(entries);
    },
    async recheck() {
      await retry();
      await check(queued);
    },
    close,
  };
}

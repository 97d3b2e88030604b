// Bodies over IMAP against the lab's Dovecot: a fetched body equals mailparser's reading of the generated message,
// fetching never sets \Seen (BODY.PEEK), attachments come back byte for byte, and the "last N days" prefetch
// stores exactly the messages SINCE a date, skipping what the store already holds.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { MessageBody } from '../../shared/model';
import { createAccountSession, type AccountSession } from '../../src-main/engine/account-session';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { fetchAttachmentContent, fetchMessageBody, prefetchBodies } from '../../src-main/imap/bodies';
import { MAX_INLINE_PART_BYTES, MAX_PARSE_BYTES, parseMessage, referencedContentIds } from '../../src-main/mime/parse-message';
import { bodiesMissing, getBody, putBodies } from '../../src-renderer/store/bodies';
import { HeronDb } from '../../src-renderer/store/db';
import { generateCorpus, loadCorpus, type CorpusMessage } from '../lab/corpus';
import { startLab, type Lab } from '../lab/lab';

const USER = 'alice';
const SEED = 4242;
const COUNT = 200;
const ACCOUNT_ID = 'acct-bodies';

let lab: Lab;
let password: string;
let session: AccountSession;
/** What the lab holds, by UID: the generated message and the flags Dovecot reports for it. */
const byUid = new Map<number, { message: CorpusMessage; flags: string[] }>();
let dbSeq = 0;

function record(): AccountRecord {
  return {
    id: ACCOUNT_ID, name: 'Alice', email: 'alice@maillab.test', outgoing: null, createdAt: 0, keepBodiesDays: null,
    incoming: { protocol: 'imap', host: lab.host, port: lab.ports.imaps, security: 'tls', username: USER },
    pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256), pem: lab.caPem },
  };
}

/** An independent client (not Heron's session), optionally keeping its protocol log. */
async function otherClient(log?: Array<Record<string, unknown>>): Promise<ImapFlow> {
  const push = (entry: Record<string, unknown>) => log?.push(entry);
  const client = new ImapFlow({
    host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: USER, pass: password }, tls: { ca: [lab.caPem], servername: lab.servername },
    logger: log ? { debug: push, info: push, warn: push, error: push } : false,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Flags of every INBOX message, read fresh from the server by another client. */
async function serverFlags(): Promise<Map<number, string>> {
  const client = await otherClient();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      const flags = new Map<number, string>();
      // \Recent belongs to whichever session saw a message first, not to the message: leave it out.
      for await (const message of client.fetch('1:*', { uid: true, flags: true })) flags.set(message.uid, [...(message.flags ?? [])].filter((f) => f !== '\\Recent').sort().join(' '));
      return flags;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

function openStore(): { db: HeronDb; renderer: Pick<RendererApi, 'bodiesMissing' | 'putBodies'>; puts: number[][] } {
  const db = new HeronDb(`imap-bodies-${process.pid}-${++dbSeq}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const puts: number[][] = [];
  return {
    db,
    puts,
    renderer: {
      putBodies: async (bodies: MessageBody[]) => {
        puts.push(bodies.map((b) => b.uid));
        await putBodies(db, bodies);
      },
      bodiesMissing: (accountId, folderPath, uids) => bodiesMissing(db, accountId, folderPath, uids),
    },
  };
}

/** The stored (or fetched) body without the fields that say when and where it was fetched. */
function content(body: MessageBody | undefined): unknown {
  assert.ok(body, 'a body');
  const { text, html, attachments, inlineParts, parseError, size } = body;
  return { text, html, attachments, inlineParts, parseError, size };
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof HeronError, `expected a HeronError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

before(async () => {
  lab = await startLab();
  const alice = lab.users.find((u) => u.name === USER);
  assert.ok(alice);
  password = alice.password;
  await loadCorpus(lab, USER, { seed: SEED, count: COUNT, folders: ['INBOX'] });
  // The loader makes the lab user the owner; generating with the same owner gives the same bytes.
  const generated = new Map<string, CorpusMessage>();
  for (const message of generateCorpus({ seed: SEED, count: COUNT, folders: ['INBOX'], owner: { name: 'Alice', email: alice.email } })) generated.set(message.messageId, message);
  const client = await otherClient();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      for await (const fetched of client.fetch('1:*', { uid: true, envelope: true, flags: true })) {
        const message = generated.get(fetched.envelope?.messageId ?? '');
        assert.ok(message, `UID ${fetched.uid} is not a corpus message`);
        byUid.set(fetched.uid, { message, flags: [...(fetched.flags ?? [])] });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  assert.equal(byUid.size, COUNT);
  session = createAccountSession(record(), async () => password);
});

after(async () => {
  await session?.close();
  await lab?.stop();
});

describe('message bodies over IMAP', () => {
  it('fetches every corpus message with exactly the text, HTML, attachments and inline images mailparser reads from the generated bytes', async () => {
    let withAttachments = 0;
    let withInline = 0;
    for (const [uid, { message }] of byUid) {
      const body = await fetchMessageBody(session, 'INBOX', uid);
      assert.deepEqual([body.accountId, body.folderPath, body.uid], [ACCOUNT_ID, 'INBOX', uid]);
      // The same bytes came over the wire: parsing the generated message locally gives the same result.
      assert.deepEqual(content(body), content({ ...body, ...(await parseMessage(message.raw)) }), `UID ${uid}`);
      // And that result is mailparser's own reading of the message.
      const oracle = await simpleParser(message.raw, { keepCidLinks: true });
      const label = `UID ${uid} ${message.messageId}`;
      assert.equal(body.parseError, null, label);
      assert.equal(body.size, message.raw.length, label);
      assert.equal(body.html, oracle.html || null, label);
      if (oracle.text !== undefined) assert.equal(body.text, oracle.text, label);
      else assert.ok(body.text && body.text.length > 0, `${label}: text from the HTML`);
      const referenced = referencedContentIds(body.html);
      assert.deepEqual(
        body.attachments.map(({ partId, filename, contentType, size, contentId }) => ({ partId, filename, contentType, size, contentId })),
        oracle.attachments.map((a, i) => ({ partId: String(i + 1), filename: a.filename ?? null, contentType: a.contentType, size: a.size, contentId: a.cid ?? null })),
        label,
      );
      const expectedInline = Object.fromEntries(
        oracle.attachments
          .filter((a) => a.cid && referenced.has(a.cid) && a.contentType.startsWith('image/') && a.size <= MAX_INLINE_PART_BYTES)
          .map((a) => [a.cid, `data:${a.contentType};base64,${a.content.toString('base64')}`]),
      );
      assert.deepEqual(body.inlineParts, expectedInline, label);
      if (body.attachments.length > 0) withAttachments++;
      if (Object.keys(body.inlineParts).length > 0) withInline++;
    }
    // The corpus mix must actually exercise attachments and cid: images, or this test proves little.
    assert.ok(withAttachments >= 10, `${withAttachments} messages with attachments`);
    assert.ok(withInline >= 1, `${withInline} messages with inline images`);
  });

  it('never sets \\Seen: imapflow asks for BODY.PEEK[], and the server keeps every message unread that was', async () => {
    const before = await serverFlags();
    const unseen = [...byUid.keys()].filter((uid) => !before.get(uid)?.includes('\\Seen'));
    assert.ok(unseen.length >= 20, `${unseen.length} unread messages in the corpus`);
    for (const uid of unseen) await fetchMessageBody(session, 'INBOX', uid);
    for (const uid of unseen) {
      const withParts = byUid.get(uid);
      if (withParts && (await simpleParser(withParts.message.raw)).attachments.length > 0) await fetchAttachmentContent(session, 'INBOX', uid, '1');
    }
    assert.deepEqual(await serverFlags(), before, 'no flag changed');

    // Heron's session EXAMINEs, which could hide a non-peeking FETCH; a read-write SELECT shows imapflow itself peeks.
    const log: Array<Record<string, unknown>> = [];
    const client = await otherClient(log);
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        assert.equal(client.mailbox && client.mailbox.readOnly, false);
        const uid = unseen[0] as number;
        const message = await client.fetchOne(String(uid), { uid: true, source: { maxLength: MAX_PARSE_BYTES } }, { uid: true });
        assert.ok(message && message.source);
        const lines = log.map((entry) => JSON.stringify(entry)).filter((line) => line.includes('FETCH'));
        assert.ok(lines.some((line) => /UID FETCH \d+ \(UID BODY\.PEEK\[\]<0\.67108864>/.test(line)), `imapflow logged: ${lines.join('\n')}`);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    assert.deepEqual(await serverFlags(), before, 'a read-write FETCH of the source changed no flag either');
  });

  it('returns attachment bytes equal to the original parts', async () => {
    let checked = 0;
    for (const [uid, { message }] of byUid) {
      const oracle = await simpleParser(message.raw);
      if (oracle.attachments.length === 0) continue;
      for (const [index, expected] of oracle.attachments.entries()) {
        const got = await fetchAttachmentContent(session, 'INBOX', uid, String(index + 1));
        assert.equal(got.filename, expected.filename ?? null);
        assert.equal(got.contentType, expected.contentType);
        assert.ok(Buffer.from(got.base64, 'base64').equals(expected.content), `UID ${uid} part ${index + 1} bytes`);
        checked++;
      }
      if (checked >= 25) break;
    }
    assert.ok(checked >= 10, `${checked} attachments compared`);
  });

  it("says 'not-found' for a UID, a part or a folder that does not exist", async () => {
    const uid = Math.max(...byUid.keys()) + 1000;
    await rejectsWith(fetchMessageBody(session, 'INBOX', uid), 'not-found');
    await rejectsWith(fetchAttachmentContent(session, 'INBOX', uid, '1'), 'not-found');
    const [firstUid] = byUid.keys();
    await rejectsWith(fetchAttachmentContent(session, 'INBOX', firstUid as number, '999'), 'not-found');
    await rejectsWith(fetchMessageBody(session, 'No such folder', 1), 'not-found');
    // The session is still usable afterwards.
    assert.equal((await fetchMessageBody(session, 'INBOX', firstUid as number)).uid, firstUid);
  });
});

describe('prefetch of the last N days', () => {
  it('stores exactly the messages SINCE the date, skips cached ones, reports progress, and fetches nothing the second time', async () => {
    const flagsBefore = await serverFlags();
    // A date about 70% of the way through the corpus, so some messages are in range and many are not.
    const dates = [...byUid.values()].map((m) => m.message.internalDate.getTime()).sort((a, b) => a - b);
    const sinceMs = dates[Math.floor(dates.length * 0.7)] as number;
    const client = await otherClient();
    let expected: number[];
    try {
      const lock = await client.getMailboxLock('INBOX', { readOnly: true });
      try {
        expected = ((await client.search({ since: new Date(sinceMs) }, { uid: true })) || []).sort((a, b) => a - b);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    assert.ok(expected.length > 20 && expected.length < COUNT - 20, `${expected.length} messages since ${new Date(sinceMs).toISOString()}`);
    // SINCE compares whole days (in the server's time zone): every message a day after the date is in, every one a day before is out.
    const day = 86_400_000;
    for (const [uid, { message }] of byUid) {
      const at = message.internalDate.getTime();
      if (at >= sinceMs + day) assert.ok(expected.includes(uid), `UID ${uid} (${message.internalDate.toISOString()}) should be in range`);
      if (at < sinceMs - day) assert.ok(!expected.includes(uid), `UID ${uid} (${message.internalDate.toISOString()}) should be out of range`);
    }

    const { db, renderer, puts } = openStore();
    try {
      // Some of the range is already offline (opened earlier); prefetch must not fetch those again.
      const cachedUids = expected.filter((_, i) => i % 9 === 0);
      await putBodies(db, await Promise.all(cachedUids.map((uid) => fetchMessageBody(session, 'INBOX', uid))));
      puts.length = 0;
      const progress: Array<[number, number]> = [];
      const stored = await prefetchBodies(session, renderer, ACCOUNT_ID, 'INBOX', sinceMs, { batchSize: 7, onProgress: (f, t) => progress.push([f, t]) });

      const toFetch = expected.filter((uid) => !cachedUids.includes(uid));
      assert.equal(stored, toFetch.length);
      assert.deepEqual(puts.flat().sort((a, b) => a - b), toFetch, 'each missing body fetched and stored exactly once');
      assert.ok(puts.every((batch) => batch.length <= 7), 'batches respect batchSize');
      // Newest batch first (within one FETCH the server answers in its own order).
      assert.ok(puts.every((batch, i) => i === 0 || Math.min(...(puts[i - 1] as number[])) > Math.max(...batch)), 'newest batches first');
      assert.deepEqual(progress[0], [0, toFetch.length]);
      assert.deepEqual(progress.at(-1), [toFetch.length, toFetch.length]);
      assert.ok(progress.every(([f], i) => i === 0 || f > (progress[i - 1] as [number, number])[0]), 'progress only grows');

      assert.deepEqual(await bodiesMissing(db, ACCOUNT_ID, 'INBOX', expected), [], 'the whole range is offline');
      const outside = [...byUid.keys()].filter((uid) => !expected.includes(uid));
      assert.deepEqual(await bodiesMissing(db, ACCOUNT_ID, 'INBOX', outside), outside, 'nothing outside the range was stored');
      for (const uid of toFetch) {
        const stored = await getBody(db, ACCOUNT_ID, 'INBOX', uid);
        assert.deepEqual(content(stored), content({ ...(stored as MessageBody), ...(await parseMessage((byUid.get(uid) as { message: CorpusMessage }).message.raw)) }), `UID ${uid}`);
      }

      puts.length = 0;
      const again: Array<[number, number]> = [];
      assert.equal(await prefetchBodies(session, renderer, ACCOUNT_ID, 'INBOX', sinceMs, { onProgress: (f, t) => again.push([f, t]) }), 0);
      assert.deepEqual(puts, []);
      assert.deepEqual(again, [[0, 0]]);
    } finally {
      db.close();
    }
    assert.deepEqual(await serverFlags(), flagsBefore, 'prefetching changed no flag');
  });

  it('stops between batches when aborted, keeps what it stored, and a later run fetches only the rest', async () => {
    const { db, renderer } = openStore();
    try {
      const controller = new AbortController();
      const first = await prefetchBodies(session, renderer, ACCOUNT_ID, 'INBOX', 0, {
        batchSize: 10,
        onProgress: (fetched) => {
          if (fetched >= 20) controller.abort();
        },
        signal: controller.signal,
      });
      assert.ok(first >= 20 && first < COUNT, `${first} stored before the abort took effect`);
      assert.equal((await bodiesMissing(db, ACCOUNT_ID, 'INBOX', [...byUid.keys()])).length, COUNT - first);
      const rest = await prefetchBodies(session, renderer, ACCOUNT_ID, 'INBOX', 0);
      assert.equal(first + rest, COUNT);
      assert.deepEqual(await bodiesMissing(db, ACCOUNT_ID, 'INBOX', [...byUid.keys()]), []);
    } finally {
      db.close();
    }
  });

  it('prefetches the whole corpus into a fresh store (timing printed for the report)', async () => {
    const { db, renderer } = openStore();
    try {
      const started = performance.now();
      const stored = await prefetchBodies(session, renderer, ACCOUNT_ID, 'INBOX', 0);
      const elapsed = performance.now() - started;
      assert.equal(stored, COUNT);
      const bytes = [...byUid.values()].reduce((sum, m) => sum + m.message.raw.length, 0);
      console.log(`prefetch: ${stored} bodies (${(bytes / 1024).toFixed(0)} KiB raw) in ${elapsed.toFixed(0)} ms, ${((stored / elapsed) * 1000).toFixed(0)} messages/s, store: fake-indexeddb`);
    } finally {
      db.close();
    }
  });

  it("says 'not-found' for a folder that does not exist", async () => {
    const { db, renderer } = openStore();
    try {
      await rejectsWith(prefetchBodies(session, renderer, ACCOUNT_ID, 'Nowhere', 0), 'not-found');
    } finally {
      db.close();
    }
  });
});

// Local changes replayed on the lab's Dovecot: flags, move, delete (to Trash, and expunge in Trash), archive; offline
// and cut connections keep the queue; conflicts drop only the change concerned; no MOVE/UIDPLUS never expunges others.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ImapFlow } from 'imapflow';
import type { RendererApi } from '../../shared/contract';
import type { ChangeOutcome, Folder, LocalChange, MessageHeader } from '../../shared/model';
import { createAccountSession, type AccountSession } from '../../src-main/engine/account-session';
import type { AccountRecord } from '../../src-main/engine/accounts';
import { normalizeFingerprint } from '../../src-main/engine/certificate';
import { replayChanges } from '../../src-main/imap/replay-changes';
import { syncImapAccount, syncOneFolder, type AccountSyncContext } from '../../src-main/imap/sync-account';
import { HeronDb } from '../../src-renderer/store/db';
import { completeChange, pendingChangesOf, queueChange } from '../../src-renderer/store/pending-changes';
import { foldersOf } from '../../src-renderer/store/queries';
import { createStoreRendererApi } from '../../src-renderer/store/renderer-api';
import { loadCorpus } from '../lab/corpus';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab } from '../lab/lab';

const USER = 'alice';
const CORPUS_FOLDERS = ['INBOX', 'Archive', 'Archive/2024', 'Trash'];
let lab: Lab;
let password: string;
let seq = 0;

function account(port = lab.ports.imaps, security: 'tls' | 'none' = 'tls'): AccountRecord {
  return {
    id: `replay-${++seq}`, name: 'Alice', email: 'alice@maillab.test', outgoing: null, createdAt: 0, keepBodiesDays: null,
    incoming: { protocol: 'imap', host: lab.host, port, security, username: USER },
    pinnedCertificate: { fingerprint256: normalizeFingerprint(new X509Certificate(lab.caPem).fingerprint256), pem: lab.caPem },
  };
}

/** The renderer side as the app will have it: the store's API plus the pending-changes functions; outcomes are also recorded. */
function rendererFor(db: HeronDb, outcomes: Map<string, ChangeOutcome>): RendererApi {
  return {
    ...createStoreRendererApi(db, () => undefined),
    pendingChanges: (accountId) => pendingChangesOf(db, accountId),
    completeChange: (changeId, outcome) => (outcomes.set(changeId, outcome), completeChange(db, changeId, outcome)),
  };
}

interface Harness {
  db: HeronDb;
  accountId: string;
  renderer: RendererApi;
  ctx: AccountSyncContext;
  folders: Folder[];
  /** The last outcome reported for each change id. */
  outcomes: Map<string, ChangeOutcome>;
  /** A session for the same account and store through other settings (a dead port, a proxy). */
  sessionVia(port: number, security?: 'tls' | 'none'): AccountSession;
  queue(folderPath: string, uids: number[], change: LocalChange): Promise<string>;
  close(): Promise<void>;
}

/** A store synced from the server with the real sync, and a session to replay on. */
async function harness(): Promise<Harness> {
  const record = account();
  const db = new HeronDb(`imap-replay-${record.id}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const outcomes = new Map<string, ChangeOutcome>();
  const renderer = rendererFor(db, outcomes);
  const sessions: AccountSession[] = [createAccountSession(record, async () => password)];
  const ctx: AccountSyncContext = { session: sessions[0] as AccountSession, renderer, accountId: record.id, progress: () => undefined };
  const folders = await syncImapAccount(ctx);
  return {
    db,
    accountId: record.id,
    renderer,
    ctx,
    folders,
    outcomes,
    sessionVia(port, security = 'tls') {
      const session = createAccountSession({ ...record, incoming: { ...record.incoming, port, security } }, async () => password);
      sessions.push(session);
      return session;
    },
    async queue(folderPath, uids, change) {
      return (await queueChange(db, { accountId: record.id, folderPath, uids, change })).id;
    },
    async close() {
      for (const session of sessions) await session.close();
      db.close();
    },
  };
}

async function storeMessages(h: Harness, folderPath: string): Promise<MessageHeader[]> {
  return h.db.messages.where('[accountId+folderPath+uid]').between([h.accountId, folderPath, 0], [h.accountId, folderPath, Infinity]).toArray();
}

/** A second client, as another mail program would be. */
async function otherClient(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: USER, pass: password }, logger: false, tls: { ca: [lab.caPem], servername: 'localhost' } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** \Recent belongs to a session, not to a message: comparisons leave it out. */
function norm(flags: Iterable<string>): string[] {
  return [...flags].filter((f) => f !== '\\Recent').sort();
}

interface ServerMessage {
  folder: string;
  uid: number;
  flags: string[];
  messageId: string;
}

/** Every message of every folder as an independent connection sees it. */
async function serverMessages(): Promise<ServerMessage[]> {
  const client = await otherClient();
  const all: ServerMessage[] = [];
  try {
    for (const entry of await client.list()) {
      if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
      const lock = await client.getMailboxLock(entry.path, { readOnly: true });
      try {
        if ((client.mailbox as { exists: number }).exists === 0) continue;
        for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) {
          all.push({ folder: entry.path, uid: m.uid, flags: norm(m.flags ?? []), messageId: m.envelope?.messageId ?? '' });
        }
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
  return all;
}

function foldersHolding(server: ServerMessage[], messageId: string | null): string[] {
  return server.filter((m) => m.messageId === messageId).map((m) => m.folder);
}

function flagsOn(server: ServerMessage[], folder: string, uid: number): string[] | undefined {
  return server.find((m) => m.folder === folder && m.uid === uid)?.flags;
}

/** After a resync of every folder, the store holds exactly what the server holds (UIDs and flags). */
async function assertStoreEqualsServer(h: Harness): Promise<void> {
  const server = await serverMessages();
  for (const folder of await foldersOf(h.db, h.accountId)) {
    if (!folder.selectable) continue;
    const onServer = server.filter((m) => m.folder === folder.path).map((m) => `${m.uid} ${m.flags.join(' ')}`);
    const stored = (await storeMessages(h, folder.path)).map((m) => `${m.uid} ${norm(m.flags).join(' ')}`);
    assert.deepEqual(stored, onServer, `${folder.path}: store equals server`);
  }
}

async function changeOnServer(work: (client: ImapFlow) => Promise<unknown>, folder = 'INBOX'): Promise<void> {
  const client = await otherClient();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      await work(client);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

before(async () => {
  lab = await startLab();
  password = lab.users.find((u) => u.name === USER)?.password ?? '';
});

after(async () => {
  await lab?.stop();
});

beforeEach(async () => {
  // Every test starts from the same 100 messages; loadCorpus creates the folders it fills.
  await lab.resetUser(USER);
  await loadCorpus(lab, USER, { seed: 11, count: 100, folders: CORPUS_FOLDERS });
});

describe('replaying local changes', () => {
  it('mark read, flag, move, delete to Trash, expunge in Trash and archive reach the server exactly', async () => {
    const h = await harness();
    try {
      const inbox = await storeMessages(h, 'INBOX');
      const trash = await storeMessages(h, 'Trash');
      assert.ok(inbox.length >= 20 && trash.length >= 3, `corpus spread: INBOX ${inbox.length}, Trash ${trash.length}`);
      const unread = inbox.filter((m) => m.unread === 1).slice(0, 2);
      const unflagged = inbox.filter((m) => m.flagged === 0 && !unread.includes(m)).slice(0, 2);
      const rest = inbox.filter((m) => !unread.includes(m) && !unflagged.includes(m));
      const [moved, deleted, archived] = [rest.slice(0, 3), rest.slice(3, 5), rest.slice(5, 7)];
      const expunged = trash.slice(0, 2);
      assert.equal(unread.length, 2);
      const uids = (rows: MessageHeader[]) => rows.map((m) => m.uid);

      await h.queue('INBOX', uids(unread), { kind: 'flags', add: ['\\Seen'], remove: [] });
      await h.queue('INBOX', uids(unflagged), { kind: 'flags', add: ['\\Flagged'], remove: [] });
      await h.queue('INBOX', uids(moved), { kind: 'move', toFolder: 'Archive/2024' });
      await h.queue('INBOX', uids(deleted), { kind: 'delete' });
      await h.queue('Trash', uids(expunged), { kind: 'delete' });
      await h.queue('INBOX', uids(archived), { kind: 'archive' });
      assert.equal((await storeMessages(h, 'INBOX')).length, inbox.length - 7, 'the store shows the removals at once');

      const result = await replayChanges(h.ctx.session, h.renderer, h.folders);
      assert.deepEqual({ ...result, touchedFolders: [...result.touchedFolders].sort() }, {
        applied: 6,
        dropped: 0,
        retried: 0,
        touchedFolders: ['Archive', 'Archive/2024', 'INBOX', 'Trash'],
      });
      assert.deepEqual(await pendingChangesOf(h.db, h.accountId), []);

      const server = await serverMessages();
      for (const m of unread) assert.ok(flagsOn(server, 'INBOX', m.uid)?.includes('\\Seen'), `INBOX ${m.uid} read`);
      for (const m of unflagged) assert.ok(flagsOn(server, 'INBOX', m.uid)?.includes('\\Flagged'), `INBOX ${m.uid} flagged`);
      for (const m of unflagged) assert.deepEqual(flagsOn(server, 'INBOX', m.uid), norm([...m.flags, '\\Flagged']), 'no other flag changed');
      for (const m of moved) assert.deepEqual(foldersHolding(server, m.messageId), ['Archive/2024'], `${m.messageId} moved`);
      for (const m of deleted) assert.deepEqual(foldersHolding(server, m.messageId), ['Trash'], `${m.messageId} in Trash`);
      for (const m of expunged) assert.deepEqual(foldersHolding(server, m.messageId), [], `${m.messageId} expunged`);
      for (const m of archived) assert.deepEqual(foldersHolding(server, m.messageId), ['Archive'], `${m.messageId} archived`);
      const untouched = rest.slice(7);
      for (const m of untouched) assert.deepEqual(flagsOn(server, 'INBOX', m.uid), norm(m.flags), `INBOX ${m.uid} untouched`);

      // The engine resyncs the touched folders; the moved messages then show in their new folders.
      for (const path of result.touchedFolders) await syncOneFolder(h.ctx, path, false);
      await assertStoreEqualsServer(h);
      assert.equal((await storeMessages(h, 'Archive/2024')).filter((m) => moved.some((x) => x.messageId === m.messageId)).length, 3);
    } finally {
      await h.close();
    }
  });

  it('offline: the change stays queued with its attempt counted, and is applied exactly once when the server is back', async () => {
    const h = await harness();
    const dead = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imaps } });
    const deadPort = dead.port;
    await dead.close();
    try {
      const [first, second] = (await storeMessages(h, 'INBOX')).filter((m) => m.flagged === 0);
      assert.ok(first && second);
      const move = await h.queue('INBOX', [first.uid], { kind: 'move', toFolder: 'Archive/2024' });
      const flag = await h.queue('INBOX', [second.uid], { kind: 'flags', add: ['\\Flagged'], remove: [] });

      const offline = await replayChanges(h.sessionVia(deadPort), h.renderer, h.folders);
      assert.deepEqual(offline, { applied: 0, dropped: 0, retried: 1, touchedFolders: [] });
      const queued = await pendingChangesOf(h.db, h.accountId);
      assert.deepEqual(queued.map((c) => [c.id, c.attempts]), [[move, 1], [flag, 0]], 'order kept, only the first attempted');
      assert.match(queued[0]?.lastError ?? '', /^connection-refused/);
      assert.equal((await storeMessages(h, 'INBOX')).some((m) => m.uid === first.uid), false, 'still shown as moved');

      const online = await replayChanges(h.ctx.session, h.renderer, h.folders);
      assert.deepEqual([online.applied, online.dropped, online.retried], [2, 0, 0]);
      assert.deepEqual(await replayChanges(h.ctx.session, h.renderer, h.folders), { applied: 0, dropped: 0, retried: 0, touchedFolders: [] });
      const server = await serverMessages();
      assert.deepEqual(foldersHolding(server, first.messageId), ['Archive/2024'], 'moved exactly once');
      assert.ok(flagsOn(server, 'INBOX', second.uid)?.includes('\\Flagged'));
    } finally {
      await h.close();
    }
  });

  it('a connection cut as the MOVE is sent keeps the change and everything after it, in order', async () => {
    const h = await harness();
    // The cut needs to read the protocol, so this runs on the plaintext port.
    const proxy = await startFaultProxy({
      target: { host: lab.host, port: lab.ports.imap },
      faults: [{ direction: 'client-to-server', trigger: { onText: 'UID MOVE' }, action: { kind: 'cut' } }],
    });
    try {
      const [a, b] = await storeMessages(h, 'INBOX');
      assert.ok(a && b);
      const flagFirst = await h.queue('INBOX', [b.uid], { kind: 'flags', add: ['\\Answered'], remove: [] });
      const move = await h.queue('INBOX', [a.uid], { kind: 'move', toFolder: 'Archive' });
      const later = await h.queue('INBOX', [b.uid], { kind: 'flags', add: ['$Label1'], remove: [] });

      const cut = await replayChanges(h.sessionVia(proxy.port, 'none'), h.renderer, h.folders);
      assert.deepEqual([cut.applied, cut.retried], [1, 1]);
      const queued = await pendingChangesOf(h.db, h.accountId);
      assert.deepEqual(queued.map((c) => c.id), [move, later], `${flagFirst} went through before the cut`);
      assert.match(queued[0]?.lastError ?? '', /^connection-lost/);
      assert.deepEqual(foldersHolding(await serverMessages(), a.messageId), ['INBOX'], 'the server never got the MOVE');

      const resumed = await replayChanges(h.ctx.session, h.renderer, h.folders);
      assert.deepEqual([resumed.applied, resumed.dropped, resumed.retried], [2, 0, 0]);
      const server = await serverMessages();
      assert.deepEqual(foldersHolding(server, a.messageId), ['Archive']);
      assert.ok(flagsOn(server, 'INBOX', b.uid)?.includes('$Label1') && flagsOn(server, 'INBOX', b.uid)?.includes('\\Answered'));
    } finally {
      await h.close();
      await proxy.close();
    }
  });

  it('server wins: changes on messages another client expunged, or refused by the server, are dropped; later ones still apply', async () => {
    const h = await harness();
    try {
      const [x, y, z, w] = (await storeMessages(h, 'INBOX')).filter((m) => m.flagged === 0);
      assert.ok(x && y && z && w);
      const flagGone = await h.queue('INBOX', [x.uid], { kind: 'flags', add: ['\\Flagged'], remove: [] });
      const deleteGone = await h.queue('INBOX', [y.uid], { kind: 'delete' });
      const refused = await h.queue('INBOX', [w.uid], { kind: 'move', toFolder: 'No such folder' });
      const fine = await h.queue('INBOX', [z.uid], { kind: 'flags', add: ['\\Flagged'], remove: [] });
      await changeOnServer((client) => client.messageDelete(`${x.uid},${y.uid}`, { uid: true }));

      const result = await replayChanges(h.ctx.session, h.renderer, h.folders);
      assert.deepEqual([result.applied, result.dropped, result.retried], [1, 3, 0]);
      const reason = (id: string) => { const o = h.outcomes.get(id); return o && !o.ok ? `${String(o.retry)} ${o.error}` : o?.ok; };
      assert.match(String(reason(flagGone)), /^false not-found: /);
      assert.match(String(reason(deleteGone)), /^false not-found: /);
      assert.match(String(reason(refused)), /^false server-rejected: .*(exist|TRYCREATE)/i, 'the server\'s own words are kept');
      assert.equal(reason(fine), true);
      assert.deepEqual(await pendingChangesOf(h.db, h.accountId), []);
      const server = await serverMessages();
      assert.ok(flagsOn(server, 'INBOX', z.uid)?.includes('\\Flagged'), 'the change after the conflicts applied');
      assert.deepEqual(foldersHolding(server, y.messageId), [], 'not resurrected into Trash');
      assert.deepEqual(foldersHolding(server, w.messageId), ['INBOX'], 'the refused move left it in place');
      // The store follows the server without waiting for a sync: expunged messages gone, the refused move undone.
      const stored = new Map((await storeMessages(h, 'INBOX')).map((m) => [m.uid, m]));
      assert.equal(stored.has(x.uid) || stored.has(y.uid), false);
      assert.deepEqual(norm(stored.get(w.uid)?.flags ?? []), norm(w.flags));
      for (const path of result.touchedFolders) await syncOneFolder(h.ctx, path, false);
      await assertStoreEqualsServer(h);
    } finally {
      await h.close();
    }
  });

  it('without Archive the archive is dropped with a clear reason and undone; without Trash a delete expunges', async () => {
    const h = await harness();
    try {
      const [a, b] = await storeMessages(h, 'INBOX');
      assert.ok(a && b);
      const archive = await h.queue('INBOX', [a.uid], { kind: 'archive' });
      await h.queue('INBOX', [b.uid], { kind: 'delete' });
      const plain = h.folders.filter((f) => f.specialUse !== 'archive' && f.specialUse !== 'trash');
      const result = await replayChanges(h.ctx.session, h.renderer, plain);
      assert.deepEqual([result.applied, result.dropped], [1, 1]);
      const outcome = h.outcomes.get(archive);
      assert.ok(outcome && !outcome.ok && !outcome.retry);
      assert.match(outcome.error, /^unsupported: .*no Archive folder/);
      assert.ok((await storeMessages(h, 'INBOX')).some((m) => m.uid === a.uid), 'the archived message is back in the store');
      const server = await serverMessages();
      assert.deepEqual(foldersHolding(server, a.messageId), ['INBOX']);
      assert.deepEqual(foldersHolding(server, b.messageId), [], 'expunged, not moved to a Trash the account does not have');
    } finally {
      await h.close();
    }
  });

  it('without MOVE and UIDPLUS: COPY + expunge, and never an EXPUNGE that takes another client\'s \\Deleted messages', async () => {
    const h = await harness();
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.imap }, stripCapabilities: ['MOVE', 'UIDPLUS'] });
    try {
      const session = h.sessionVia(proxy.port, 'none');
      const [a, b, c] = await storeMessages(h, 'INBOX');
      assert.ok(a && b && c);
      // Nothing else is marked \Deleted: COPY, STORE \Deleted and a plain EXPUNGE.
      await h.queue('INBOX', [a.uid], { kind: 'move', toFolder: 'Archive' });
      assert.equal((await replayChanges(session, h.renderer, h.folders)).applied, 1);
      let server = await serverMessages();
      assert.deepEqual(foldersHolding(server, a.messageId), ['Archive']);
      let sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.doesNotMatch(sent, /UID MOVE|UID EXPUNGE/);
      assert.match(sent, /UID COPY/);
      assert.match(sent, /\r\n\S+ EXPUNGE\r\n/);

      // Another client marked c \Deleted without expunging: b is copied and marked, but nothing is expunged.
      await changeOnServer((client) => client.messageFlagsAdd(String(c.uid), ['\\Deleted'], { uid: true }));
      const sentBefore = Buffer.concat(proxy.clientSent()).length;
      await h.queue('INBOX', [b.uid], { kind: 'move', toFolder: 'Archive' });
      assert.equal((await replayChanges(session, h.renderer, h.folders)).applied, 1);
      server = await serverMessages();
      assert.deepEqual(flagsOn(server, 'INBOX', c.uid), norm([...c.flags, '\\Deleted']), "the other client's message is still there");
      assert.deepEqual(foldersHolding(server, b.messageId).sort(), ['Archive', 'INBOX']);
      assert.ok(flagsOn(server, 'INBOX', b.uid)?.includes('\\Deleted'), 'the source copy waits for the next expunge');
      sent = Buffer.concat(proxy.clientSent()).subarray(sentBefore).toString('latin1');
      assert.doesNotMatch(sent, /EXPUNGE/);
    } finally {
      await h.close();
      await proxy.close();
    }
  });
});

// Actions go through the store's queue and then the engine's replay, which is asked again while changes it never tried remain.

import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { EngineApi } from '../../shared/contract';
import type { MessageHeader } from '../../shared/model';
import { markRead, markUnread, replayUntilDone, runChange, toggleFlag } from '../../src-renderer/features/actions/run-change';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { HeronDb } from '../../src-renderer/store/db';
import { completeChange, pendingChangesOf } from '../../src-renderer/store/pending-changes';

function header(uid: number, flags: string[]): MessageHeader {
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    date: uid,
    subject: '',
    from: [],
    to: [],
    cc: [],
    messageId: `<m${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    flags,
    unread: flags.includes('\\Seen') ? 0 : 1,
    flagged: flags.includes('\\Flagged') ? 1 : 0,
    size: 1,
    hasAttachments: false,
    preview: '',
    threadId: `<m${uid}@example.test>`,
  };
}

async function seeded(): Promise<HeronDb> {
  const db = new HeronDb(`heron-actions-${randomUUID()}`, { indexedDB, IDBKeyRange });
  await applyBatch(db, {
    accountId: 'a1',
    folders: [{ accountId: 'a1', path: 'INBOX', name: 'INBOX', delimiter: '/', parentPath: null, specialUse: 'inbox', subscribed: true, selectable: true, total: 0, unread: 0 }],
    folderPath: 'INBOX',
    upsertMessages: [1, 2, 3].map((uid) => {
      const { threadId: _t, ...h } = header(uid, uid === 1 ? ['\\Seen'] : []);
      return h;
    }),
  });
  return db;
}

/** An engine whose replay settles each queued change as `settle` says, counting calls. */
function engine(db: HeronDb, settle: (call: number) => 'done' | 'nothing' | 'retry' | 'fail') {
  let calls = 0;
  const api = {
    async replayChanges(accountId: string) {
      calls += 1;
      const how = settle(calls);
      if (how === 'fail') throw { code: 'offline', message: 'offline' };
      for (const change of await pendingChangesOf(db, accountId)) {
        if (how === 'done') await completeChange(db, change.id, { ok: true });
        if (how === 'retry') await completeChange(db, change.id, { ok: false, retry: true, error: 'offline' });
      }
    },
  } as unknown as EngineApi;
  return { api, calls: () => calls };
}

describe('flag edits', () => {
  it('touches only the messages the edit changes', () => {
    const headers = [header(1, ['\\Seen']), header(2, []), header(3, ['\\Seen', '\\Flagged'])];
    assert.deepEqual(markRead(headers), { uids: [2], change: { kind: 'flags', add: ['\\Seen'], remove: [] } });
    assert.deepEqual(markUnread(headers), { uids: [1, 3], change: { kind: 'flags', add: [], remove: ['\\Seen'] } });
    assert.equal(markRead([header(1, ['\\Seen'])]), null);
  });

  it('flags all unless all are flagged, then unflags', () => {
    assert.deepEqual(toggleFlag([header(1, []), header(3, ['\\Flagged'])]), { uids: [1], change: { kind: 'flags', add: ['\\Flagged'], remove: [] } });
    assert.deepEqual(toggleFlag([header(3, ['\\Flagged'])]), { uids: [3], change: { kind: 'flags', add: [], remove: ['\\Flagged'] } });
    assert.equal(toggleFlag([]), null);
  });
});

describe('running a change', () => {
  it('applies it locally at once and has the engine replay it', async () => {
    const db = await seeded();
    const { api, calls } = engine(db, () => 'done');
    await runChange(db, api, { accountId: 'a1', folderPath: 'INBOX', uids: [2] }, { kind: 'flags', add: ['\\Seen'], remove: [] });
    assert.equal((await db.messages.get(['a1', 'INBOX', 2]))?.unread, 0);
    await replayUntilDone(db, api, 'a1');
    assert.ok(calls() >= 1);
    assert.deepEqual(await pendingChangesOf(db, 'a1'), []);
    db.close();
  });

  it('asks again when a replay under way missed the new change, but not for changes waiting on a retry', async () => {
    const db = await seeded();
    // The first replay had read the queue before the change arrived, so it does nothing.
    const missed = engine(db, (call) => (call === 1 ? 'nothing' : 'done'));
    await runChange(db, missed.api, { accountId: 'a1', folderPath: 'INBOX', uids: [3] }, { kind: 'delete' });
    await replayUntilDone(db, missed.api, 'a1');
    assert.deepEqual(await pendingChangesOf(db, 'a1'), []);
    assert.equal(await db.messages.get(['a1', 'INBOX', 3]), undefined);

    const offline = engine(db, () => 'retry');
    await runChange(db, offline.api, { accountId: 'a1', folderPath: 'INBOX', uids: [2] }, { kind: 'flags', add: ['\\Flagged'], remove: [] });
    await replayUntilDone(db, offline.api, 'a1');
    const waiting = await pendingChangesOf(db, 'a1');
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0]?.attempts, offline.calls());
    db.close();
  });

  it('stops when the engine cannot replay, keeping the change queued', async () => {
    const db = await seeded();
    const down = engine(db, () => 'fail');
    await replayUntilDone(db, down.api, 'a1');
    await runChange(db, down.api, { accountId: 'a1', folderPath: 'INBOX', uids: [2] }, { kind: 'archive' });
    await replayUntilDone(db, down.api, 'a1');
    assert.equal((await pendingChangesOf(db, 'a1')).length, 1);
    db.close();
  });

  it('does nothing for no messages', async () => {
    const db = await seeded();
    const { api, calls } = engine(db, () => 'done');
    await runChange(db, api, { accountId: 'a1', folderPath: 'INBOX', uids: [] }, { kind: 'delete' });
    assert.equal(calls(), 0);
    db.close();
  });
});

// Body cache in the store (fake-indexeddb): putBodies/getBody round trip, replacement, atomicity, bodiesMissing, and cleanup by batch apply.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, test } from 'node:test';
import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HeronError } from '../../shared/errors';
import type { AttachmentMeta, MessageBody, MessageHeader } from '../../shared/model';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { bodiesMissing, getBody, PREVIEW_CHARS, putBodies } from '../../src-renderer/store/bodies';
import { HeronDb } from '../../src-renderer/store/db';

function openDb(): HeronDb {
  return new HeronDb(`heron-bodies-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

function attachment(partId: string, over: Partial<AttachmentMeta> = {}): AttachmentMeta {
  return { partId, filename: `file-${partId}.bin`, contentType: 'application/octet-stream', size: 100 + Number(partId), contentId: null, inline: false, ...over };
}

function body(uid: number, over: Partial<MessageBody> = {}): MessageBody {
  return {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid,
    text: `Text of ${uid}`,
    html: `<p>HTML of ${uid}<img src="cid:img${uid}@x"></p>`,
    attachments: [attachment('1', { contentType: 'image/png', contentId: `img${uid}@x`, inline: true, filename: null })],
    inlineParts: { [`img${uid}@x`]: 'data:image/png;base64,iVBORw0KGgo=' },
    parseError: null,
    size: 2048 + uid,
    fetchedAt: 1_700_000_000_000 + uid,
    ...over,
  };
}

function header(uid: number, folderPath = 'INBOX'): Omit<MessageHeader, 'threadId'> {
  return {
    accountId: 'a1', folderPath, uid, date: 1_700_000_000_000 + uid, subject: `S${uid}`, from: [], to: [], cc: [], messageId: `<m${uid}.${folderPath}@x>`,
    inReplyTo: null, references: [], flags: [], unread: 1, flagged: 0, size: 2048, hasAttachments: true, preview: '',
  };
}

/** Put requests on one table fail once armed: a full disk, as Dexie sees it. */
function failingPuts(tableName: string): { middleware: Middleware<DBCore>; arm: () => void } {
  let armed = false;
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'test-failing-puts',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req: DBCoreMutateRequest) =>
            armed && name === tableName && req.type === 'put' ? Promise.reject(new DOMException('The disk is full (test).', 'QuotaExceededError')) : table.mutate(req),
        };
      },
    }),
  };
  return { middleware, arm: () => (armed = true) };
}

async function rejection(work: Promise<unknown>): Promise<HeronError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof HeronError, `expected a HeronError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('putBodies / getBody', () => {
  it('stores bodies with their attachments and reads them back exactly, attachments in numeric partId order', async () => {
    const db = openDb();
    const many = Array.from({ length: 12 }, (_, i) => attachment(String(i + 1)));
    const bodies = [body(1), body(2, { html: null, inlineParts: {}, attachments: many, parseError: 'Only the first 10 of 20 bytes of this message were read.' }), body(3, { attachments: [] })];
    await putBodies(db, bodies);
    for (const expected of bodies) assert.deepEqual(await getBody(db, 'a1', 'INBOX', expected.uid), expected);
    assert.equal(await db.attachments.count(), 1 + 12);
    assert.equal(await getBody(db, 'a1', 'INBOX', 4), undefined);
    assert.equal(await getBody(db, 'a1', 'Other', 1), undefined);
    assert.equal(await getBody(db, 'a2', 'INBOX', 1), undefined);
    db.close();
  });

  it('replaces a body stored again, dropping attachments the new parse no longer has', async () => {
    const db = openDb();
    await putBodies(db, [body(5, { attachments: [attachment('1'), attachment('2'), attachment('3')] }), body(6)]);
    const again = body(5, { text: 'Parsed again', attachments: [attachment('1', { filename: 'renamed.bin' })], fetchedAt: 1 });
    await putBodies(db, [again]);
    assert.deepEqual(await getBody(db, 'a1', 'INBOX', 5), again);
    assert.deepEqual(await getBody(db, 'a1', 'INBOX', 6), body(6), 'a neighbour is untouched');
    db.close();
  });

  it('stores only the fields of MessageBody, whatever else the message carried', async () => {
    const db = openDb();
    const extra = { ...body(7), secret: 'not for the store' } as MessageBody;
    await putBodies(db, [extra]);
    assert.deepEqual(Object.keys((await db.bodies.get(['a1', 'INBOX', 7])) ?? {}).sort(), ['accountId', 'fetchedAt', 'folderPath', 'html', 'inlineParts', 'parseError', 'size', 'text', 'uid']);
    db.close();
  });

  it('writes nothing when the transaction fails, and says store-failed', async () => {
    const db = openDb();
    const failure = failingPuts('attachments');
    db.use(failure.middleware);
    await putBodies(db, [body(1)]);
    failure.arm();
    const error = await rejection(putBodies(db, [body(1, { text: 'new' }), body(2)]));
    assert.equal(error.code, 'store-failed');
    assert.deepEqual(await getBody(db, 'a1', 'INBOX', 1), body(1), 'the old body and its attachments survive');
    assert.equal(await getBody(db, 'a1', 'INBOX', 2), undefined);
    db.close();
  });

  it('refuses a body that cannot be keyed as an internal error, before writing anything', async () => {
    const db = openDb();
    for (const bad of [body(Number.NaN), body(-1), body(1, { folderPath: '' }), body(1, { attachments: [attachment('')] })]) {
      const error = await rejection(putBodies(db, [body(9), bad]));
      assert.equal(error.code, 'internal');
    }
    assert.equal(await db.bodies.count(), 0);
    await putBodies(db, []);
    db.close();
  });
});

describe('bodiesMissing', () => {
  it('names the UIDs without a cached body, once each, in the order asked, per account and folder', async () => {
    const db = openDb();
    await putBodies(db, [body(2), body(4), body(10), body(4, { folderPath: 'Sent' }), body(6, { accountId: 'a2' })]);
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', [10, 1, 2, 3, 4, 5, 6, 1]), [1, 3, 5, 6]);
    assert.deepEqual(await bodiesMissing(db, 'a1', 'Sent', [2, 4]), [2]);
    assert.deepEqual(await bodiesMissing(db, 'a2', 'INBOX', [6, 7]), [7]);
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', []), []);
    db.close();
  });

  it('answers for thousands of UIDs against thousands of cached bodies', async () => {
    const db = openDb();
    const cached = Array.from({ length: 3000 }, (_, i) => body(2 * i + 1, { attachments: [], inlineParts: {}, html: 'x'.repeat(2000) }));
    await putBodies(db, cached);
    const asked = Array.from({ length: 6000 }, (_, i) => i + 1);
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', asked), asked.filter((uid) => uid % 2 === 0));
    // Unsorted and sparse: the range read spans the lowest to the highest UID asked.
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', [5999, 2, 1, 6000]), [2, 6000]);
    db.close();
  });
});

describe('batch apply drops cached bodies with their messages', () => {
  it('on removed UIDs, a UIDVALIDITY reset, and a removed folder', async () => {
    const db = openDb();
    const folder = (path: string) => ({ accountId: 'a1', path, name: path, delimiter: '/', parentPath: null, specialUse: null, subscribed: true, selectable: true, total: 0, unread: 0 });
    await applyBatch(db, { accountId: 'a1', folders: [folder('INBOX'), folder('Old')] });
    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [1, 2, 3, 4].map((uid) => header(uid)) });
    await applyBatch(db, { accountId: 'a1', folderPath: 'Old', upsertMessages: [1].map((uid) => header(uid, 'Old')) });
    await putBodies(db, [body(1), body(2), body(3), body(4), body(1, { folderPath: 'Old' })]);

    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', removedUids: [2] });
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', [1, 2, 3, 4]), [2]);
    assert.equal(await db.attachments.where('[accountId+folderPath+uid+partId]').equals(['a1', 'INBOX', 2, '1']).count(), 0);

    await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', resetFolder: true });
    assert.deepEqual(await bodiesMissing(db, 'a1', 'INBOX', [1, 3, 4]), [1, 3, 4]);

    await applyBatch(db, { accountId: 'a1', removedFolders: ['Old'] });
    assert.deepEqual(await bodiesMissing(db, 'a1', 'Old', [1]), [1]);
    assert.equal(await db.attachments.count(), 0);
    db.close();
  });
});

test('a stored body gives its message a preview from the text', async () => {
  const db = new HeronDb(`heron-preview-${randomUUID()}`, { indexedDB, IDBKeyRange });
  await applyBatch(db, {
    accountId: 'a1', folders: [], folderPath: 'INBOX',
    upsertMessages: [{
      accountId: 'a1', folderPath: 'INBOX', uid: 9, date: 1, subject: 's', from: [], to: [], cc: [], messageId: '<p@x>', inReplyTo: null,
      references: [], flags: [], unread: 1, flagged: 0, size: 10, hasAttachments: false, preview: '',
    }],
  });
  const body = (text: string) => ({ accountId: 'a1', folderPath: 'INBOX', uid: 9, text, html: null, attachments: [], inlineParts: {}, parseError: null, size: 10, fetchedAt: 1 });
  await putBodies(db, [body(`  Hello\n\n  there ${'x'.repeat(400)}`)]);
  const preview = (await db.messages.get(['a1', 'INBOX', 9]))?.preview ?? '';
  assert.equal(preview.slice(0, 12), 'Hello there ');
  assert.equal(preview.length, PREVIEW_CHARS);
  await putBodies(db, [body('A different text')]);
  assert.equal((await db.messages.get(['a1', 'INBOX', 9]))?.preview, 'A different text', 'the newest body sets the preview');
  db.close();
});

test('a header sent again (resync) keeps the preview made from the cached body', async () => {
  const db = new HeronDb(`heron-preview-keep-${randomUUID()}`, { indexedDB, IDBKeyRange });
  const header = {
    accountId: 'a1', folderPath: 'INBOX', uid: 3, date: 1, subject: 's', from: [], to: [], cc: [], messageId: '<k@x>', inReplyTo: null,
    references: [], flags: [], unread: 1 as const, flagged: 0 as const, size: 10, hasAttachments: false, preview: '',
  };
  await applyBatch(db, { accountId: 'a1', folders: [], folderPath: 'INBOX', upsertMessages: [header] });
  await putBodies(db, [{ accountId: 'a1', folderPath: 'INBOX', uid: 3, text: 'Body words here', html: null, attachments: [], inlineParts: {}, parseError: null, size: 10, fetchedAt: 1 }]);
  await applyBatch(db, { accountId: 'a1', folderPath: 'INBOX', upsertMessages: [{ ...header, flags: ['\\Seen'], unread: 0 }] });
  const row = await db.messages.get(['a1', 'INBOX', 3]);
  assert.equal(row?.preview, 'Body words here');
  assert.equal(row?.unread, 0);
  db.close();
});

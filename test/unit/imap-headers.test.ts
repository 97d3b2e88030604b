// Header mapping, UID sets, sync order and reconnect backoff: the pure parts of IMAP sync.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import type { Folder } from '../../shared/model';
import { backoffDelay, RECONNECT_BASE_MS, RECONNECT_CAP_MS } from '../../src-main/engine/account-session';
import { hasAttachments, messageIds, referencesOf, toHeader } from '../../src-main/imap/headers';
import { syncOrder } from '../../src-main/imap/sync-account';
import { newestFirstChunks, uidSet } from '../../src-main/imap/uid-set';

describe('header mapping', () => {
  it('maps an envelope to a header row, with ids in <id> form and unread/flagged derived from flags', () => {
    const message = {
      seq: 1,
      uid: 42,
      flags: new Set(['\\Flagged']),
      size: 1234,
      internalDate: new Date('2026-01-02T03:04:05Z'),
      envelope: {
        date: new Date('2026-01-01T10:00:00Z'),
        subject: 'Grüße',
        from: [{ name: 'Ann', address: 'ann@example.test' }],
        to: [{ address: 'bob@example.test' }],
        cc: [],
        messageId: '<abc@example.test>',
        inReplyTo: '<parent@example.test> (comment)',
      },
      headers: Buffer.from('References: <root@example.test>\r\n <parent@example.test>\r\n'),
      bodyStructure: { type: 'multipart/mixed', childNodes: [{ type: 'text/plain' }, { type: 'application/pdf', disposition: 'attachment' }] },
    } as unknown as FetchMessageObject;
    const header = toHeader('acc', 'INBOX', message);
    assert.deepEqual(header, {
      accountId: 'acc', folderPath: 'INBOX', uid: 42, date: Date.parse('2026-01-01T10:00:00Z'), subject: 'Grüße',
      from: [{ name: 'Ann', address: 'ann@example.test' }], to: [{ name: '', address: 'bob@example.test' }], cc: [],
      messageId: '<abc@example.test>', inReplyTo: '<parent@example.test>', references: ['<root@example.test>', '<parent@example.test>'],
      flags: ['\\Flagged'], unread: 1, flagged: 1, size: 1234, hasAttachments: true, preview: '',
    });
  });

  it('falls back to INTERNALDATE when the Date header is missing or invalid', () => {
    const message = { uid: 1, internalDate: new Date('2026-01-02T03:04:05Z'), envelope: { date: 'not a date' } } as unknown as FetchMessageObject;
    assert.equal(toHeader('a', 'INBOX', message).date, Date.parse('2026-01-02T03:04:05Z'));
  });

  it('finds Message-IDs and References only where they are', () => {
    assert.deepEqual(messageIds('junk <a@b> more <c@d>'), ['<a@b>', '<c@d>']);
    assert.deepEqual(messageIds(null), []);
    assert.deepEqual(referencesOf(Buffer.from('X-Other: <no@no>\r\n')), []);
    assert.deepEqual(referencesOf(undefined), []);
  });

  it('marks attachments from BODYSTRUCTURE: declared, or named non-text leaves; not inline text', () => {
    const leaf = (over: Partial<MessageStructureObject>) => ({ type: 'text/plain', ...over }) as MessageStructureObject;
    assert.equal(hasAttachments(leaf({})), false);
    assert.equal(hasAttachments(leaf({ disposition: 'attachment' })), true);
    assert.equal(hasAttachments(leaf({ type: 'image/png', parameters: { name: 'a.png' } })), true);
    assert.equal(hasAttachments(leaf({ type: 'image/png', disposition: 'inline', dispositionParameters: { filename: 'a.png' } })), false);
    assert.equal(hasAttachments({ type: 'multipart/alternative', childNodes: [leaf({}), leaf({ type: 'text/html' })] } as MessageStructureObject), false);
  });
});

describe('UID sets', () => {
  it('compresses runs and removes duplicates', () => {
    assert.equal(uidSet([9, 1, 2, 3, 5, 10, 11, 12, 3]), '1:3,5,9:12');
    assert.equal(uidSet([7]), '7');
    assert.equal(uidSet([]), '');
  });

  it('chunks newest first, each chunk ascending', () => {
    assert.deepEqual(newestFirstChunks([1, 2, 3, 4, 5, 6, 7], 3), [[5, 6, 7], [2, 3, 4], [1]]);
  });
});

describe('sync order and backoff', () => {
  it('syncs the inbox and other special folders first, skips containers', () => {
    const folder = (path: string, specialUse: Folder['specialUse'], selectable = true) => ({ path, specialUse, selectable }) as Folder;
    const order = syncOrder([folder('Zeta', null), folder('Trash', 'trash'), folder('Box', null, false), folder('INBOX', 'inbox'), folder('Sent', 'sent'), folder('Alpha', null)]);
    assert.deepEqual(order.map((f) => f.path), ['INBOX', 'Sent', 'Trash', 'Alpha', 'Zeta']);
  });

  it('backs off exponentially with jitter, up to a cap', () => {
    assert.equal(backoffDelay(1, () => 0.5), RECONNECT_BASE_MS);
    assert.equal(backoffDelay(3, () => 0.5), 4 * RECONNECT_BASE_MS);
    assert.equal(backoffDelay(1, () => 0), RECONNECT_BASE_MS / 2);
    assert.equal(backoffDelay(50, () => 0.5), RECONNECT_CAP_MS);
    assert.ok(backoffDelay(50, () => 0.999) < RECONNECT_CAP_MS * 1.5);
  });
});

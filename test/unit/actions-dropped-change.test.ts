// What a person reads when the server refused one of their actions for good.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_MESSAGES } from '../../shared/errors';
import { describeDroppedChange, droppedReason, folderLabel } from '../../src-renderer/features/actions/dropped-change';

test('each kind of change is named as the action the person took, with its folders and count', () => {
  const row = (change: Parameters<typeof describeDroppedChange>[0]['change'], count = 2, folderPath = 'INBOX') => describeDroppedChange({ change, count, folderPath });
  assert.equal(row({ kind: 'move', toFolder: 'Projects/Heron' }), 'Moving 2 messages from Inbox to Heron');
  assert.equal(row({ kind: 'delete' }, 1), 'Deleting 1 message from Inbox');
  assert.equal(row({ kind: 'archive' }, 1200, 'Lists/rust'), 'Archiving 1,200 messages from rust');
  assert.equal(row({ kind: 'flags', add: ['\\Seen'], remove: [] }), 'Marking 2 messages as read in Inbox');
  assert.equal(row({ kind: 'flags', add: [], remove: ['\\Seen'] }, 1), 'Marking 1 message as unread in Inbox');
  assert.equal(row({ kind: 'flags', add: ['\\Flagged'], remove: [] }), 'Flagging 2 messages in Inbox');
  assert.equal(row({ kind: 'flags', add: [], remove: ['\\Flagged'] }), 'Removing the flag from 2 messages in Inbox');
  assert.equal(row({ kind: 'flags', add: ['\\Draft'], remove: [] }), 'Changing the flags of 2 messages in Inbox');
});

test('folder labels: INBOX in any case is Inbox; other folders by their last path part', () => {
  assert.equal(folderLabel('inbox'), 'Inbox');
  assert.equal(folderLabel('INBOX.Archive', '.'), 'Archive');
  assert.equal(folderLabel('Archive/2024'), '2024');
  assert.equal(folderLabel('Sent'), 'Sent');
});

test("the reason reads as the vocabulary's message plus the server's words, whatever replay recorded", () => {
  assert.deepEqual(droppedReason("server-rejected: NO [TRYCREATE] Mailbox doesn't exist: Archive/2023"), {
    message: ERROR_MESSAGES['server-rejected'],
    serverWords: "NO [TRYCREATE] Mailbox doesn't exist: Archive/2023",
  });
  assert.deepEqual(droppedReason('not-found: The messages no longer exist in this folder on the server.'), {
    message: ERROR_MESSAGES['not-found'],
    serverWords: 'The messages no longer exist in this folder on the server.',
  });
  assert.deepEqual(droppedReason(`offline: ${ERROR_MESSAGES.offline}`), { message: ERROR_MESSAGES.offline, serverWords: null }, 'the same words are not shown twice');
  assert.deepEqual(droppedReason('something odd happened'), { message: 'something odd happened', serverWords: null });
});

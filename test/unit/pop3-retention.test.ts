// Which server copies a POP3 sync deletes: only what the options name, never the rest of a message kept in part.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POP3_OPTIONS, type Pop3Options, type PopMessage } from '../../shared/model';
import { serverDeletions } from '../../src-main/pop3/retention';

const DAY = 24 * 60 * 60_000;
const NOW = 100 * DAY;

const record = (uidl: string, over: Partial<PopMessage> = {}): PopMessage => ({
  accountId: 'a', uidl, uid: 1, downloadedAt: NOW, partial: false, deletedLocally: false, ...over,
});

const doomed = (records: PopMessage[], options: Partial<Pop3Options>) => serverDeletions(records, { ...DEFAULT_POP3_OPTIONS, ...options }, NOW).map((r) => r.uidl);

describe('POP3 server deletions', () => {
  it('deletes nothing by default: the server stays a second copy', () => {
    assert.deepEqual(doomed([record('a'), record('b', { downloadedAt: 0 }), record('c', { deletedLocally: true })], {}), []);
  });

  it('without leave-on-server deletes every whole message, and keeps a partial one until the rest is downloaded', () => {
    assert.deepEqual(doomed([record('a'), record('b', { partial: true }), record('c')], { leaveOnServer: false }), ['a', 'c']);
  });

  it('after N days deletes what was downloaded at least N days ago', () => {
    const records = [record('old', { downloadedAt: NOW - 3 * DAY }), record('edge', { downloadedAt: NOW - 2 * DAY }), record('new', { downloadedAt: NOW - 2 * DAY + 1 })];
    assert.deepEqual(doomed(records, { deleteAfterDays: 2 }), ['old', 'edge']);
    assert.deepEqual(doomed([record('old', { downloadedAt: 0, partial: true })], { deleteAfterDays: 2 }), [], 'a partial message is never aged out');
  });

  it('deletes what was deleted for good in Heron when asked to, partial ones included', () => {
    const records = [record('kept'), record('gone', { deletedLocally: true }), record('gone-partial', { deletedLocally: true, partial: true })];
    assert.deepEqual(doomed(records, { deleteWhenDeletedLocally: true }), ['gone', 'gone-partial']);
    assert.deepEqual(doomed(records, { leaveOnServer: false }), ['kept', 'gone', 'gone-partial']);
  });
});

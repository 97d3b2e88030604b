// The outbox in words: every state says what happened and offers only what can still be done, refused recipients by name.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOutgoing, outboxOrder } from '../../src-renderer/features/compose/outbox-view';
import type { OutboxRow } from '../../src-renderer/store/rows';

const NOW = Date.UTC(2026, 10, 23, 12);
const UNDO = 5_000;
const at = { at: (ms: number) => new Date(ms).toISOString().slice(11, 16) };

function row(over: Partial<OutboxRow>): OutboxRow {
  return {
    id: 'o1', accountId: 'a1', messageId: '<m@x>', from: { name: 'Ann', address: 'ann@x.test' }, to: [{ name: '', address: 'bob@x.test' }], cc: [], bcc: [],
    subject: 'Hi', text: 'Hi', html: null, inReplyTo: null, references: [], attachments: [], attempts: 0, state: 'queued', draftId: null,
    createdAt: NOW - 1_000, nextAttemptAt: NOW - 1_000 + UNDO, lastError: null, date: null, rejected: [], accepted: [], serverResponse: null,
    sentAt: null, filedAt: null, sentFolder: null, ...over,
  };
}

describe('outbox lines', () => {
  it('offers Undo only inside the Undo window, and calls a later time scheduled', () => {
    assert.deepEqual(describeOutgoing(row({}), NOW, UNDO, at), { status: 'Sending in a moment', details: [], actions: ['undo', 'send-now'] });
    const later = describeOutgoing(row({ nextAttemptAt: Date.UTC(2026, 10, 24, 8) }), NOW, UNDO, at);
    assert.equal(later.status, 'Scheduled for 08:00');
    assert.deepEqual(later.actions, ['send-now', 'edit', 'remove']);
  });

  it('says nothing can be done while the engine sends', () => {
    assert.deepEqual(describeOutgoing(row({ state: 'sending' }), NOW, UNDO, at).actions, []);
  });

  it('gives the reason and the next try for a temporary failure', () => {
    const line = describeOutgoing(row({ state: 'retry', nextAttemptAt: Date.UTC(2026, 10, 23, 12, 5), lastError: { code: 'timeout', message: 'The server did not answer in time.' } }), NOW, UNDO, at);
    assert.equal(line.status, 'Not sent yet; Heron tries again at 12:05');
    assert.deepEqual(line.details, ['The server did not answer in time.']);
  });

  it('names each refused recipient with the server words', () => {
    const rejected = [{ address: 'nobody@x.test', response: '550 5.1.1 User unknown', temporary: false }];
    const failed = describeOutgoing(row({ state: 'failed', rejected, lastError: { code: 'server-rejected', message: 'The server refused every recipient.' } }), NOW, UNDO, at);
    assert.equal(failed.status, 'Not sent');
    assert.deepEqual(failed.details, ['The server refused every recipient.', 'nobody@x.test: 550 5.1.1 User unknown']);
    assert.deepEqual(failed.actions, ['send-again', 'edit', 'remove']);
    const partly = describeOutgoing(row({ state: 'sent', rejected, filedAt: NOW, accepted: ['bob@x.test'] }), NOW, UNDO, at);
    assert.equal(partly.status, 'Sent, but not to nobody@x.test');
    assert.deepEqual(partly.actions, ['dismiss']);
  });

  it('warns before sending again a message that may have arrived', () => {
    const line = describeOutgoing(row({ state: 'unconfirmed', lastError: { code: 'connection-lost', message: 'The connection broke.' } }), NOW, UNDO, at);
    assert.match(line.status, /^Perhaps sent/);
    assert.match(line.details.join(' '), /arrive twice/);
  });

  it('shows a copy that could not be filed, and nothing to do while filing', () => {
    assert.deepEqual(describeOutgoing(row({ state: 'sent', filedAt: null }), NOW, UNDO, at).actions, []);
    const notFiled = describeOutgoing(row({ state: 'sent', filedAt: NOW, lastError: { code: 'server-rejected', message: 'Quota exceeded.' } }), NOW, UNDO, at);
    assert.deepEqual(notFiled.details, ['The copy could not be filed in Sent: Quota exceeded.']);
  });

  it('orders what needs the person first, then waiting, then done', () => {
    const ordered = outboxOrder([
      row({ id: 'sent', state: 'sent', createdAt: 1 }),
      row({ id: 'queued', state: 'queued', createdAt: 2 }),
      row({ id: 'failed', state: 'failed', createdAt: 5 }),
      row({ id: 'retry', state: 'retry', createdAt: 3 }),
      row({ id: 'unconfirmed', state: 'unconfirmed', createdAt: 4 }),
    ]);
    assert.deepEqual(ordered.map((r) => r.id), ['unconfirmed', 'failed', 'retry', 'queued', 'sent']);
  });
});

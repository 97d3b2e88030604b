// Selecting rows: click, ctrl/cmd toggles, shift ranges, keyboard moves, and where the cursor lands after rows are removed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actionKeys,
  afterRemoval,
  applyClick,
  clickModifiers,
  emptySelection,
  extendTo,
  moveCursor,
  rangeFor,
  selectAll,
  settleFollow,
  toggleCursor,
  type ListSelection,
} from '../../src-renderer/features/list/selection';
import { rowLabel, type ListRow } from '../../src-renderer/features/list/list-rows';
import type { MessageHeader } from '../../shared/model';

/** Rows 0..9 stand for UIDs 100..109. */
const keyAt = (index: number): number | undefined => (index >= 0 && index < 10 ? 100 + index : undefined);
const keysBetween = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => 100 + from + i);
const PLAIN = { range: false, toggle: false };
const TOGGLE = { range: false, toggle: true };
const RANGE = { range: true, toggle: false };

function clickAt(selection: ListSelection<number>, index: number, modifiers = PLAIN): ListSelection<number> {
  const range = rangeFor(selection, index, modifiers);
  return applyClick(selection, index, keyAt(index) as number, modifiers, range ? keysBetween(range.from, range.to) : undefined);
}

describe('selection by mouse', () => {
  it('a plain click selects one row and sets the anchor', () => {
    const s = clickAt(clickAt(emptySelection(), 3), 5);
    assert.deepEqual(s, { keys: [105], cursor: 5, anchor: 5, followCursor: false });
  });

  it('ctrl (or cmd on a Mac) adds and removes single rows', () => {
    let s = clickAt(emptySelection(), 2);
    s = clickAt(s, 6, TOGGLE);
    s = clickAt(s, 4, TOGGLE);
    assert.deepEqual(s.keys, [102, 106, 104]);
    s = clickAt(s, 6, TOGGLE);
    assert.deepEqual(s.keys, [102, 104]);
    assert.equal(s.anchor, 6);
    assert.deepEqual(clickModifiers({ shiftKey: false, ctrlKey: false, metaKey: true }, true), TOGGLE);
    assert.deepEqual(clickModifiers({ shiftKey: false, ctrlKey: false, metaKey: true }, false), PLAIN);
    assert.deepEqual(clickModifiers({ shiftKey: true, ctrlKey: true, metaKey: false }, false), { range: true, toggle: true });
  });

  it('shift selects from the anchor to the row, either way, and keeps the anchor', () => {
    let s = clickAt(emptySelection(), 3);
    s = clickAt(s, 6, RANGE);
    assert.deepEqual(s.keys, [103, 104, 105, 106]);
    assert.equal(s.anchor, 3);
    s = clickAt(s, 1, RANGE);
    assert.deepEqual(s.keys, [101, 102, 103]);
    assert.deepEqual(rangeFor(s, 8, RANGE), { from: 3, to: 8 });
    assert.equal(rangeFor(s, 8, TOGGLE), null);
  });

  it('ctrl+shift adds a range to what is selected', () => {
    let s = clickAt(emptySelection(), 0);
    s = clickAt(s, 5, TOGGLE);
    s = clickAt(s, 7, { range: true, toggle: true });
    assert.deepEqual(s.keys, [100, 105, 106, 107]);
  });

  it('shift with nothing selected selects just that row', () => {
    assert.deepEqual(clickAt(emptySelection(), 4, RANGE).keys, [104]);
  });
});

describe('selection by keyboard', () => {
  it('moves the cursor within the list and selects the row under it', () => {
    let s = moveCursor(emptySelection<number>(), 0, 10, keyAt);
    assert.deepEqual(s.keys, [100]);
    s = moveCursor(s, 12, 10, keyAt);
    assert.equal(s.cursor, 9);
    s = moveCursor(s, -3, 10, keyAt);
    assert.equal(s.cursor, 0);
    assert.deepEqual(moveCursor(s, 0, 0, keyAt), emptySelection());
  });

  it('waits for a row that is not loaded yet, then selects it', () => {
    const unloaded = (index: number) => (index < 5 ? keyAt(index) : undefined);
    const s = moveCursor(emptySelection<number>(), 8, 10, unloaded);
    assert.deepEqual(s, { keys: [], cursor: 8, anchor: 8, followCursor: true });
    assert.equal(settleFollow(s, unloaded), s);
    assert.deepEqual(settleFollow(s, keyAt).keys, [108]);
  });

  it('shift with an arrow extends from the anchor', () => {
    let s = clickAt(emptySelection(), 4);
    s = extendTo(s, 6, 10, keysBetween(4, 6));
    assert.deepEqual([s.keys, s.cursor, s.anchor], [[104, 105, 106], 6, 4]);
  });

  it('x toggles the row under the cursor; select all takes every key', () => {
    let s = moveCursor(emptySelection<number>(), 2, 10, keyAt);
    s = moveCursor(s, 3, 10, keyAt);
    s = toggleCursor(s, keyAt(3));
    assert.deepEqual(s.keys, []);
    s = toggleCursor(s, keyAt(3));
    assert.deepEqual(s.keys, [103]);
    assert.deepEqual(selectAll(s, keysBetween(0, 9)).keys.length, 10);
  });
});

describe('after an action', () => {
  it('acts on the selection, else on the cursor row', () => {
    assert.deepEqual(actionKeys(clickAt(emptySelection(), 2), 999), [102]);
    assert.deepEqual(actionKeys({ ...emptySelection<number>(), cursor: 4 }, 104), [104]);
    assert.deepEqual(actionKeys(emptySelection<number>(), undefined), []);
  });

  it('puts the cursor where removed rows began, on the row that moved up, never on a removed one', () => {
    let s = clickAt(emptySelection(), 2);
    s = clickAt(s, 5, RANGE);
    const after = afterRemoval(s, [102, 103, 104, 105], 6);
    assert.deepEqual([after.keys, after.cursor, after.followCursor], [[], 2, true]);
    // The list has not reloaded yet: row 2 still shows a removed message.
    assert.equal(settleFollow(after, keyAt), after);
    // Reloaded: row 2 is what was row 6.
    assert.deepEqual(settleFollow(after, (i) => [100, 101, 106, 107][i]).keys, [106]);
  });

  it('keeps rows an action did not remove, and clamps to a shorter list', () => {
    const s = clickAt(clickAt(emptySelection(), 8), 9, TOGGLE);
    assert.deepEqual(afterRemoval(s, [109], 9).keys, [108]);
    const last = afterRemoval(clickAt(emptySelection(), 9), [109], 9);
    assert.equal(last.cursor, 8);
    assert.deepEqual(afterRemoval(clickAt(emptySelection(), 0), [100], 0), emptySelection());
  });
});

describe('row names', () => {
  const header: MessageHeader = {
    accountId: 'a1',
    folderPath: 'INBOX',
    uid: 7,
    date: 0,
    subject: 'Budget',
    from: [{ name: 'Ann Lee', address: 'ann@example.test' }],
    to: [],
    cc: [],
    messageId: null,
    inReplyTo: null,
    references: [],
    flags: ['\\Flagged', '\\Answered'],
    unread: 1,
    flagged: 1,
    size: 1,
    hasAttachments: true,
    preview: '',
    threadId: 't',
  };

  it('names state, sender, subject and date', () => {
    const row: ListRow = { kind: 'message', key: 7, header };
    assert.equal(rowLabel(row, '5 Mar'), 'Unread, Flagged, Ann Lee, Budget, 5 Mar, has attachment, answered');
    const quiet: ListRow = { kind: 'message', key: 7, header: { ...header, unread: 0, flagged: 0, flags: [], hasAttachments: false, subject: ' ', from: [] } };
    assert.equal(rowLabel(quiet, '09:00'), '(no sender), (no subject), 09:00');
  });

  it('names a conversation with its size and senders', () => {
    const row: ListRow = {
      kind: 'conversation',
      key: 't',
      conversation: {
        threadId: 't',
        latest: { ...header, unread: 0 },
        uids: [7, 3],
        count: 2,
        unreadCount: 0,
        flagged: false,
        hasAttachments: false,
        answered: false,
        senders: [header.from[0] as MessageHeader['from'][number], { name: 'Bo Chen', address: 'bo@example.test' }],
      },
    };
    assert.equal(rowLabel(row, '5 Mar'), 'Ann, Bo, Budget, 5 Mar, 2 messages');
  });
});

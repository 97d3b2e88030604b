// Stored layout and view settings: sizes clamped to usable limits, anything malformed falls back to the default.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBoolean, parseChoice, parseStringList } from '../../src-renderer/app/settings';
import { clampPane, DEFAULT_LAYOUT, parseLayout, PANE_LIMITS } from '../../src-renderer/features/layout/layout';

describe('layout settings', () => {
  it('reads a stored layout and clamps its sizes', () => {
    assert.deepEqual(parseLayout({ arrangement: 'stacked', folderWidth: 300, listWidth: 10, listHeight: 99_999 }), {
      arrangement: 'stacked',
      folderWidth: 300,
      listWidth: PANE_LIMITS.listWidth.min,
      listHeight: PANE_LIMITS.listHeight.max,
    });
    assert.equal(clampPane('folderWidth', 200.6), 201);
  });

  it('falls back to the default for missing or malformed values', () => {
    assert.deepEqual(parseLayout(undefined), DEFAULT_LAYOUT);
    assert.deepEqual(parseLayout('columns'), DEFAULT_LAYOUT);
    assert.deepEqual(parseLayout([1, 2]), DEFAULT_LAYOUT);
    assert.deepEqual(parseLayout({ arrangement: 'diagonal', folderWidth: 'wide' }), DEFAULT_LAYOUT);
  });

  it('reads choices, booleans and lists defensively', () => {
    const mode = parseChoice(['conversations', 'messages'] as const, 'conversations');
    assert.equal(mode('messages'), 'messages');
    assert.equal(mode('threads'), 'conversations');
    assert.equal(parseBoolean(true)(false), false);
    assert.equal(parseBoolean(true)('no'), true);
    assert.deepEqual(parseStringList(['a', 1, 'b']), ['a', 'b']);
    assert.deepEqual(parseStringList(null), []);
  });
});

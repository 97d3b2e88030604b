// The keyboard map: Gmail's letters, arrows in the list, nothing while typing, Ctrl/Cmd+A only in the list.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandFor, SHORTCUT_HELP, type KeyContext, type KeyPress } from '../../src-renderer/features/actions/keyboard';

const anywhere: KeyContext = { inList: false, editing: false, onControl: false, mac: false };
const inList: KeyContext = { ...anywhere, inList: true };

function press(key: string, mods: Partial<KeyPress> = {}): KeyPress {
  return { key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods };
}

describe('keyboard shortcuts', () => {
  it('maps the letters wherever focus is', () => {
    const cases: Array<[KeyPress, string]> = [
      [press('j'), 'next'],
      [press('k'), 'previous'],
      [press('o'), 'open'],
      [press('Enter'), 'open'],
      [press('u'), 'back'],
      [press('Escape'), 'back'],
      [press('e'), 'archive'],
      [press('#', { shiftKey: true }), 'delete'],
      [press('Delete'), 'delete'],
      [press('s'), 'toggle-flag'],
      [press('U', { shiftKey: true }), 'mark-unread'],
      [press('I', { shiftKey: true }), 'mark-read'],
      [press('x'), 'toggle-select'],
      [press('v'), 'move'],
      [press('/'), 'focus-search'],
      [press('c'), 'compose'],
      [press('r'), 'reply'],
      [press('a'), 'reply-all'],
      [press('f'), 'forward'],
      [press('?', { shiftKey: true }), 'help'],
      [press('J', { shiftKey: true }), 'extend-next'],
    ];
    for (const [key, command] of cases) assert.equal(commandFor(key, anywhere), command, key.key);
    assert.equal(commandFor(press('q'), anywhere), null);
  });

  it('gives arrows, Home and End to the list only', () => {
    assert.equal(commandFor(press('ArrowDown'), inList), 'next');
    assert.equal(commandFor(press('ArrowUp'), inList), 'previous');
    assert.equal(commandFor(press('ArrowDown', { shiftKey: true }), inList), 'extend-next');
    assert.equal(commandFor(press('ArrowUp', { shiftKey: true }), inList), 'extend-previous');
    assert.equal(commandFor(press('Home'), inList), 'first');
    assert.equal(commandFor(press('End'), inList), 'last');
    assert.equal(commandFor(press('ArrowDown'), anywhere), null);
    assert.equal(commandFor(press('End'), anywhere), null);
  });

  it('ignores every key while typing', () => {
    const editing = { ...inList, editing: true };
    for (const key of ['j', '/', '?', 'Enter', 'ArrowDown', '#']) assert.equal(commandFor(press(key), editing), null, key);
    assert.equal(commandFor(press('a', { ctrlKey: true }), editing), null);
  });

  it('leaves Enter to buttons and links', () => {
    assert.equal(commandFor(press('Enter'), { ...anywhere, onControl: true }), null);
    assert.equal(commandFor(press('e'), { ...anywhere, onControl: true }), 'archive');
  });

  it('selects all with Ctrl+A, or Cmd+A on a Mac, in the list only', () => {
    assert.equal(commandFor(press('a', { ctrlKey: true }), inList), 'select-all');
    assert.equal(commandFor(press('a', { ctrlKey: true }), anywhere), null);
    assert.equal(commandFor(press('a', { metaKey: true }), { ...inList, mac: true }), 'select-all');
    assert.equal(commandFor(press('a', { metaKey: true }), inList), null);
  });

  it('leaves other modified keys to the browser', () => {
    assert.equal(commandFor(press('j', { ctrlKey: true }), inList), null);
    assert.equal(commandFor(press('e', { metaKey: true }), { ...inList, mac: true }), null);
    assert.equal(commandFor(press('e', { altKey: true }), inList), null);
    assert.equal(commandFor(press('r', { ctrlKey: true }), anywhere), null);
  });

  it('lists every command in the help', () => {
    assert.ok(SHORTCUT_HELP.length >= 15);
    assert.ok(SHORTCUT_HELP.some((s) => s.keys.includes('#') && s.does === 'Delete'));
  });
});

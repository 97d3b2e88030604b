// Which rows are selected: click, ctrl/cmd-click and shift-click as pure steps, by position in the list and by key.

/**
 * Keys are what the rows stand for (a UID in the flat list, a thread id in conversations), so a selection
 * survives new mail shifting the positions. cursor and anchor are positions: the row the keyboard is on, and
 * where a shift-range starts.
 */
export interface ListSelection<K> {
  keys: readonly K[];
  cursor: number;
  anchor: number;
  /** The cursor is on a row whose key is not loaded yet; it becomes the selection once it is. */
  followCursor: boolean;
  /** Rows just removed, which may still show until the list reloads: the cursor must not settle on them. */
  removed?: readonly K[];
}

export function emptySelection<K>(): ListSelection<K> {
  return { keys: [], cursor: -1, anchor: -1, followCursor: false };
}

export interface ClickModifiers {
  /** Shift: select from the anchor to here. */
  range: boolean;
  /** Ctrl (or Cmd on a Mac): add or remove one row. */
  toggle: boolean;
}

/** Ctrl toggles everywhere; on a Mac, Cmd does too (Ctrl-click there usually means a context menu). */
export function clickModifiers(event: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }, mac: boolean): ClickModifiers {
  return { range: event.shiftKey, toggle: event.ctrlKey || (mac && event.metaKey) };
}

/** The positions a shift-selection to `index` covers, inclusive, or null when it is a plain or toggle step. */
export function rangeFor<K>(selection: ListSelection<K>, index: number, modifiers: ClickModifiers): { from: number; to: number } | null {
  if (!modifiers.range) return null;
  const anchor = selection.anchor < 0 ? index : selection.anchor;
  return { from: Math.min(anchor, index), to: Math.max(anchor, index) };
}

function unique<K>(keys: readonly K[]): K[] {
  return [...new Set(keys)];
}

/**
 * The selection after a click on the row at `index`. For a shift-click, `rangeKeys` are the keys from
 * rangeFor(), which the caller loads (they may lie outside the rows in memory).
 */
export function applyClick<K>(selection: ListSelection<K>, index: number, key: K, modifiers: ClickModifiers, rangeKeys: readonly K[] = [key]): ListSelection<K> {
  if (modifiers.range) {
    const anchor = selection.anchor < 0 ? index : selection.anchor;
    const keys = modifiers.toggle ? unique([...selection.keys, ...rangeKeys]) : unique(rangeKeys);
    return { keys, cursor: index, anchor, followCursor: false };
  }
  if (modifiers.toggle) {
    const keys = selection.keys.includes(key) ? selection.keys.filter((k) => k !== key) : [...selection.keys, key];
    return { keys, cursor: index, anchor: index, followCursor: false };
  }
  return { keys: [key], cursor: index, anchor: index, followCursor: false };
}

function clamp(index: number, count: number): number {
  return Math.max(0, Math.min(count - 1, index));
}

/** j/k and the arrow keys: the cursor moves and the selection becomes that one row. */
export function moveCursor<K>(selection: ListSelection<K>, target: number, count: number, keyAt: (index: number) => K | undefined): ListSelection<K> {
  if (count === 0) return emptySelection();
  const cursor = clamp(target, count);
  const key = keyAt(cursor);
  return key === undefined ? { keys: [], cursor, anchor: cursor, followCursor: true } : { keys: [key], cursor, anchor: cursor, followCursor: false };
}

/** Shift with an arrow key: the cursor moves and the selection runs from the anchor to it (keys from rangeFor()). */
export function extendTo<K>(selection: ListSelection<K>, target: number, count: number, rangeKeys: readonly K[]): ListSelection<K> {
  if (count === 0) return emptySelection();
  const cursor = clamp(target, count);
  const anchor = selection.anchor < 0 ? cursor : selection.anchor;
  return { keys: unique(rangeKeys), cursor, anchor, followCursor: false };
}

/** x: adds or removes the cursor row without moving. */
export function toggleCursor<K>(selection: ListSelection<K>, key: K | undefined): ListSelection<K> {
  if (key === undefined) return selection;
  return applyClick(selection, selection.cursor, key, { range: false, toggle: true });
}

export function selectAll<K>(selection: ListSelection<K>, keys: readonly K[]): ListSelection<K> {
  return { ...selection, keys: unique(keys), followCursor: false };
}

/** Once the cursor row's key is loaded, a cursor that was waiting for it selects it. */
export function settleFollow<K>(selection: ListSelection<K>, keyAt: (index: number) => K | undefined): ListSelection<K> {
  if (!selection.followCursor) return selection;
  const key = keyAt(selection.cursor);
  if (key === undefined || selection.removed?.includes(key)) return selection;
  return { keys: [key], cursor: selection.cursor, anchor: selection.anchor, followCursor: false };
}

/**
 * After the selected rows left the list (archive, delete, move): the cursor stays where they began, now on
 * the row that moved up into that place, which becomes the selection once it is loaded. Keys that were not
 * removed (an action that failed for some) stay selected.
 */
export function afterRemoval<K>(selection: ListSelection<K>, removed: readonly K[], newCount: number): ListSelection<K> {
  const keys = selection.keys.filter((k) => !removed.includes(k));
  if (keys.length > 0) return { ...selection, keys, followCursor: false };
  if (newCount <= 0) return emptySelection();
  // A shift-range is removed as a block: the row after it moves up to where the block began.
  const start = selection.keys.length > 1 && selection.anchor >= 0 ? Math.min(selection.cursor, selection.anchor) : selection.cursor;
  const cursor = clamp(start < 0 ? 0 : start, newCount);
  return { keys: [], cursor, anchor: cursor, followCursor: true, removed: [...removed] };
}

/** What an action acts on: the selection, or else the cursor row. */
export function actionKeys<K>(selection: ListSelection<K>, cursorKey: K | undefined): K[] {
  if (selection.keys.length > 0) return [...selection.keys];
  return cursorKey === undefined ? [] : [cursorKey];
}

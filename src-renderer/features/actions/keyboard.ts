// The mail window's keyboard shortcuts as a pure map from a key press to a command (Gmail's letters, plus the usual arrows).

export type Command =
  | 'next'
  | 'previous'
  | 'extend-next'
  | 'extend-previous'
  | 'first'
  | 'last'
  | 'open'
  | 'back'
  | 'archive'
  | 'delete'
  | 'toggle-flag'
  | 'mark-unread'
  | 'mark-read'
  | 'toggle-select'
  | 'select-all'
  | 'move'
  | 'focus-search'
  | 'compose'
  | 'reply'
  | 'reply-all'
  | 'forward'
  | 'help';

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export interface KeyContext {
  /** The message list has focus: arrows, Home/End and select-all belong to it there. */
  inList: boolean;
  /** Focus is in a text field, select or editable element: letters are typing, not commands. */
  editing: boolean;
  /** Focus is on a button or link, where Enter activates it rather than opening a message. */
  onControl: boolean;
  mac: boolean;
}

/** Single keys without modifiers (Shift aside, since it makes '#', '?' and capitals). */
const LETTERS: Record<string, Command> = {
  j: 'next',
  k: 'previous',
  J: 'extend-next',
  K: 'extend-previous',
  o: 'open',
  Enter: 'open',
  u: 'back',
  Escape: 'back',
  e: 'archive',
  '#': 'delete',
  Delete: 'delete',
  s: 'toggle-flag',
  U: 'mark-unread',
  I: 'mark-read',
  x: 'toggle-select',
  v: 'move',
  '/': 'focus-search',
  c: 'compose',
  r: 'reply',
  a: 'reply-all',
  f: 'forward',
  '?': 'help',
};

const LIST_KEYS: Record<string, Command> = {
  ArrowDown: 'next',
  ArrowUp: 'previous',
  Home: 'first',
  End: 'last',
};

export function commandFor(press: KeyPress, context: KeyContext): Command | null {
  if (context.editing) return null;
  const primary = context.mac ? press.metaKey : press.ctrlKey;
  if (press.altKey) return null;
  if (primary || press.ctrlKey || press.metaKey) {
    // Ctrl/Cmd+A selects every message only where the list has focus; elsewhere it selects text as usual.
    return primary && !press.shiftKey && press.key.toLowerCase() === 'a' && context.inList ? 'select-all' : null;
  }
  if (context.inList) {
    if (press.key === 'ArrowDown' && press.shiftKey) return 'extend-next';
    if (press.key === 'ArrowUp' && press.shiftKey) return 'extend-previous';
    const listCommand = LIST_KEYS[press.key];
    if (listCommand && !press.shiftKey) return listCommand;
  }
  if (press.key === 'Enter' && context.onControl) return null;
  return LETTERS[press.key] ?? null;
}

/** Whether focus is somewhere keys type text, so letters must not trigger commands. */
export function isEditable(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag !== 'input') return false;
  const type = (element as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** Buttons, links and summaries take Enter themselves. */
export function isControl(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  return ['button', 'a', 'summary'].includes(element.tagName.toLowerCase()) || ['button', 'menuitem', 'link', 'separator'].includes(element.getAttribute('role') ?? '');
}

/** What the help dialog lists, in its order. */
export const SHORTCUT_HELP: ReadonlyArray<{ keys: string[]; does: string }> = [
  { keys: ['j', '↓'], does: 'Next message' },
  { keys: ['k', '↑'], does: 'Previous message' },
  { keys: ['Shift+j', 'Shift+↓'], does: 'Extend the selection down' },
  { keys: ['Shift+k', 'Shift+↑'], does: 'Extend the selection up' },
  { keys: ['o', 'Enter'], does: 'Open the message' },
  { keys: ['u', 'Esc'], does: 'Back to the list' },
  { keys: ['x'], does: 'Select or deselect the message' },
  { keys: ['Ctrl+a', '⌘A'], does: 'Select all messages (in the list)' },
  { keys: ['e'], does: 'Archive' },
  { keys: ['#', 'Delete'], does: 'Delete' },
  { keys: ['v'], does: 'Move to a folder' },
  { keys: ['s'], does: 'Flag or unflag' },
  { keys: ['Shift+u'], does: 'Mark as unread' },
  { keys: ['Shift+i'], does: 'Mark as read' },
  { keys: ['c'], does: 'Write a new message' },
  { keys: ['r'], does: 'Reply' },
  { keys: ['a'], does: 'Reply to all' },
  { keys: ['f'], does: 'Forward' },
  { keys: ['/'], does: 'Search' },
  { keys: ['?'], does: 'Show these shortcuts' },
];

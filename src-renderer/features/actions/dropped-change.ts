// Says in words which of the person's actions the server refused for good, so an undone change is never a silent flicker.

import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode } from '../../../shared/errors';
import type { LocalChange } from '../../../shared/model';
import type { DroppedChangeRow } from '../../store/rows';

/** A folder as the person knows it: "Inbox" for INBOX, else the last part of its path. */
export function folderLabel(path: string, delimiter = '/'): string {
  if (path.toUpperCase() === 'INBOX') return 'Inbox';
  const parts = path.split(delimiter);
  return parts[parts.length - 1] || path;
}

function messages(count: number): string {
  return count === 1 ? '1 message' : `${count.toLocaleString()} messages`;
}

function flagWords(change: Extract<LocalChange, { kind: 'flags' }>, count: number): string {
  const n = messages(count);
  if (change.add.includes('\\Seen')) return `Marking ${n} as read`;
  if (change.remove.includes('\\Seen')) return `Marking ${n} as unread`;
  if (change.add.includes('\\Flagged')) return `Flagging ${n}`;
  if (change.remove.includes('\\Flagged')) return `Removing the flag from ${n}`;
  if (change.add.includes('\\Answered')) return `Marking ${n} as answered`;
  return `Changing the flags of ${n}`;
}

/** "Moving 2 messages from Inbox to Projects" and so on: what was undone, in the words of the action the person took. */
export function describeDroppedChange(row: Pick<DroppedChangeRow, 'change' | 'count' | 'folderPath'>): string {
  const from = folderLabel(row.folderPath);
  const n = messages(row.count);
  switch (row.change.kind) {
    case 'flags':
      return `${flagWords(row.change, row.count)} in ${from}`;
    case 'move':
      return `Moving ${n} from ${from} to ${folderLabel(row.change.toFolder)}`;
    case 'delete':
      return `Deleting ${n} from ${from}`;
    case 'archive':
      return `Archiving ${n} from ${from}`;
  }
}

/**
 * Why, from the replay's record (`<error code>: <server words or message>`): the vocabulary's message for the code,
 * and the server's own words when they add something.
 */
export function droppedReason(error: string): { message: string; serverWords: string | null } {
  const split = error.indexOf(': ');
  const code = split > 0 ? error.slice(0, split) : '';
  if (!(ERROR_CODES as readonly string[]).includes(code)) return { message: error, serverWords: null };
  const message = ERROR_MESSAGES[code as ErrorCode];
  const words = error.slice(split + 2).trim();
  return { message, serverWords: words && words !== message ? words : null };
}

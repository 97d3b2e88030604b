// What one row of the list stands for (a message, or a conversation in this folder) and how it is named for screen readers.

import type { Address, MessageHeader } from '../../../shared/model';
import type { ConversationRow } from '../../store/list-queries';

export type ListMode = 'conversations' | 'messages';

/** A UID in the flat list, a thread id in conversations. */
export type RowKey = number | string;

export type ListRow =
  | { kind: 'message'; key: number; header: MessageHeader }
  | { kind: 'conversation'; key: string; conversation: ConversationRow };

/** The message a row shows and opens: the message itself, or the conversation's newest in this folder. */
export function headerOf(row: ListRow): MessageHeader {
  return row.kind === 'message' ? row.header : row.conversation.latest;
}

export function displayName(address: Address | undefined): string {
  if (!address) return '(no sender)';
  return address.name.trim() || address.address || '(no sender)';
}

export function subjectOf(header: Pick<MessageHeader, 'subject'>): string {
  return header.subject.trim() || '(no subject)';
}

/** Senders as a row shows them: one name, or the first names of a conversation's participants. */
export function sendersOf(row: ListRow): string {
  if (row.kind === 'message') return displayName(row.header.from[0]);
  const names = row.conversation.senders.map((s) => displayName(s));
  if (names.length <= 1) return names[0] ?? '(no sender)';
  // First names keep a conversation's row short; two people with the same first name show once.
  const firsts = [...new Set(names.map((name) => name.split(/\s+/)[0] || name))];
  if (firsts.length === 1) return names[0] as string;
  return firsts.length <= 3 ? firsts.join(', ') : `${firsts.slice(0, 2).join(', ')} … ${firsts[firsts.length - 1] as string}`;
}

export interface RowMarkers {
  unread: boolean;
  flagged: boolean;
  attachment: boolean;
  answered: boolean;
  /** Messages in a conversation row; 1 for a message. */
  count: number;
}

export function markersOf(row: ListRow): RowMarkers {
  if (row.kind === 'message') {
    const h = row.header;
    return { unread: h.unread === 1, flagged: h.flagged === 1, attachment: h.hasAttachments, answered: h.flags.includes('\\Answered'), count: 1 };
  }
  const c = row.conversation;
  return { unread: c.unreadCount > 0, flagged: c.flagged, attachment: c.hasAttachments, answered: c.answered, count: c.count };
}

/** The row's accessible name: state first (as mail clients read it), then sender, subject and date. */
export function rowLabel(row: ListRow, date: string): string {
  const m = markersOf(row);
  const parts: string[] = [];
  if (m.unread) parts.push('Unread');
  if (m.flagged) parts.push('Flagged');
  parts.push(sendersOf(row), subjectOf(headerOf(row)), date);
  if (m.count > 1) parts.push(`${m.count} messages`);
  if (m.attachment) parts.push('has attachment');
  if (m.answered) parts.push('answered');
  return parts.join(', ');
}

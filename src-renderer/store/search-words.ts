// Keeps a message row's search tokens in step with its header and cached body; search-index.ts turns changes of them into term edits.

import type { MessageBody, MessageHeader } from '../../shared/model';
import { bodyWords, headerWords } from '../../shared/search-tokens';
import type { MessageRow } from './rows';
import { BODY_MARK, MESSAGE_MARK } from './search-index';

/** Header words plus the mark every message carries (coverage counts messages through it). */
function ownWords(header: MessageHeader): string[] {
  return [...headerWords(header), MESSAGE_MARK];
}

/** The body part of a row's words: what a header re-sync must carry over, because the body is not at hand then. */
function bodyPart(row: MessageRow): string[] {
  if (!row.words || row.bodyIndexedAt === undefined) return [];
  return row.words.slice(row.headerWords ?? row.words.length);
}

/**
 * `header` with words computed from its own fields, keeping the body words `previous` (the stored row of
 * the same message) had. Whatever search fields `header` itself carries are ignored: a header that came back
 * from a pending change's copy may hold stale ones.
 */
export function withHeaderWords<T extends MessageHeader>(header: T, previous: MessageRow | null | undefined): T & MessageRow {
  const { words: _words, headerWords: _count, bodyIndexedAt: _at, ...plain } = header as T & MessageRow;
  const own = ownWords(header);
  if (previous?.bodyIndexedAt === undefined) return { ...(plain as T), words: own, headerWords: own.length };
  const known = new Set(own);
  const words = [...own, ...bodyPart(previous).filter((w) => !known.has(w))];
  return { ...(plain as T), words, headerWords: own.length, bodyIndexedAt: previous.bodyIndexedAt };
}

/** `row` with the body's words added after its header words (a body fetched again replaces the old body words). */
export function withBodyWords(row: MessageRow, body: Pick<MessageBody, 'text' | 'html'>, indexedAt: number): MessageRow {
  const own = row.words && row.headerWords !== undefined ? row.words.slice(0, row.headerWords) : ownWords(row);
  const words = [...own, BODY_MARK, ...bodyWords(body.text, body.html, new Set(own))];
  return { ...row, words, headerWords: own.length, bodyIndexedAt: indexedAt };
}

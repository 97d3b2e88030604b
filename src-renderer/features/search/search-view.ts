// What the search results say, as plain functions: the coverage sentence, a hit's name, and its key.

import type { MessageHeader } from '../../../shared/model';
import type { SearchCoverage } from '../../store/search';

const number = new Intl.NumberFormat();

export function formatDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Says what a local search looked at, so a person knows what "Search on server" would add. */
export function coverageText(coverage: SearchCoverage): string {
  const headers = `Searched ${number.format(coverage.headers)} message ${coverage.headers === 1 ? 'header' : 'headers'}`;
  if (coverage.bodiesCachedSince === null) return `${headers} (headers only: no message bodies are cached)`;
  return `${headers}; bodies of messages cached since ${formatDay(coverage.bodiesCachedSince)}`;
}

export function totalText(total: number, shown: number): string {
  if (total === 0) return 'No messages found here.';
  const found = `${number.format(total)} ${total === 1 ? 'message' : 'messages'} found`;
  return total > shown ? `${found}, the newest ${number.format(shown)} shown.` : `${found}.`;
}

export function senderOf(hit: MessageHeader): string {
  const from = hit.from[0];
  return from ? from.name || from.address : '(no sender)';
}

export function subjectOf(hit: MessageHeader): string {
  return hit.subject.trim() || '(no subject)';
}

/** A hit's accessible name: who sent it and what it is about. */
export function hitName(hit: MessageHeader): string {
  return `${senderOf(hit)}: ${subjectOf(hit)}`;
}

export function hitKey(hit: Pick<MessageHeader, 'accountId' | 'folderPath' | 'uid'>): string {
  return `${hit.accountId}\u0000${hit.folderPath}\u0000${hit.uid}`;
}

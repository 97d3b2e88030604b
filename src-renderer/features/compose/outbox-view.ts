// What an outbox message's state means to the person: a line of status, the server's words, and what they can do about it.

import type { OutboxRow } from '../../store/rows';

export type OutboxAction = 'undo' | 'send-now' | 'send-again' | 'edit' | 'remove' | 'dismiss';

export interface OutboxLine {
  status: string;
  /** The reason, in the error vocabulary's words, and what each refused recipient was told. */
  details: string[];
  actions: OutboxAction[];
}

export interface TimeFormat {
  /** A time of day or a date and time, as the person reads them. */
  at: (ms: number) => string;
}

const DEFAULT_FORMAT: TimeFormat = { at: (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) };

function refusals(row: OutboxRow): string[] {
  return row.rejected.map((r) => `${r.address}: ${r.response}${r.temporary ? ' (the server may take it later)' : ''}`);
}

export function describeOutgoing(row: OutboxRow, now: number, undoWindowMs: number, format: TimeFormat = DEFAULT_FORMAT): OutboxLine {
  const reason = row.lastError ? [row.lastError.message] : [];
  switch (row.state) {
    case 'queued': {
      const at = row.nextAttemptAt ?? now;
      // Queued at createdAt with the Undo delay: within it, it is "sending", after it "scheduled".
      if (at - row.createdAt <= undoWindowMs) return { status: at > now ? 'Sending in a moment' : 'Waiting to be sent', details: [], actions: ['undo', 'send-now'] };
      return { status: `Scheduled for ${format.at(at)}`, details: [], actions: ['send-now', 'edit', 'remove'] };
    }
    case 'sending':
      return { status: 'Sending…', details: [], actions: [] };
    case 'retry':
      return {
        status: row.nextAttemptAt !== null ? `Not sent yet; Heron tries again at ${format.at(row.nextAttemptAt)}` : 'Not sent yet',
        details: reason,
        actions: ['send-now', 'edit', 'remove'],
      };
    case 'failed':
      return { status: 'Not sent', details: [...reason, ...refusals(row)], actions: ['send-again', 'edit', 'remove'] };
    case 'unconfirmed':
      return {
        status: 'Perhaps sent: the connection broke before the server confirmed it',
        details: [...reason, 'Check with a recipient or in Sent before sending it again, or it may arrive twice.'],
        actions: ['send-again', 'edit', 'remove'],
      };
    case 'sent': {
      const refused = refusals(row);
      if (row.filedAt === null) return { status: 'Sent; filing a copy in Sent', details: refused, actions: [] };
      const notFiled = row.lastError ? [`The copy could not be filed in Sent: ${row.lastError.message}`] : [];
      return {
        status: refused.length > 0 ? `Sent, but not to ${row.rejected.map((r) => r.address).join(', ')}` : 'Sent',
        details: [...refused, ...notFiled],
        actions: ['dismiss'],
      };
    }
  }
}

/** The rows the outbox shows first: what needs the person, then what waits, then what is done. */
export function outboxOrder(rows: readonly OutboxRow[]): OutboxRow[] {
  const rank: Record<OutboxRow['state'], number> = { failed: 0, unconfirmed: 0, retry: 1, sending: 2, queued: 3, sent: 4 };
  return [...rows].sort((a, b) => rank[a.state] - rank[b.state] || a.createdAt - b.createdAt);
}

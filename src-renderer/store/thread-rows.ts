// Keeps the threads table in step with message writes: counts move by deltas, and a thread is recounted from its messages only when a delta cannot tell.

import type { MessageHeader } from '../../shared/model';
import type { HeronDb, ThreadKey } from './db';
import type { ThreadRow } from './rows';

type Contribution = Pick<MessageHeader, 'threadId' | 'date' | 'subject' | 'unread'>;

interface Delta {
  count: number;
  unread: number;
  /** Earliest and latest message added, to extend the row's range. */
  addedFirst: Contribution | null;
  addedLast: number;
  /** Range of the messages taken away: if it reaches the row's first or last date, the row must be recounted. */
  removedMin: number;
  removedMax: number;
  removed: number;
}

function emptyDelta(): Delta {
  return { count: 0, unread: 0, addedFirst: null, addedLast: -Infinity, removedMin: Infinity, removedMax: -Infinity, removed: 0 };
}

/** Builds a thread row from all of its messages. */
export function threadRowFrom(accountId: string, threadId: string, messages: readonly MessageHeader[]): ThreadRow | null {
  let row: ThreadRow | null = null;
  for (const m of messages) {
    if (!row) {
      row = { accountId, threadId, subject: m.subject, firstDate: m.date, lastDate: m.date, messageCount: 0, unreadCount: 0 };
    }
    row.messageCount += 1;
    row.unreadCount += m.unread;
    if (m.date < row.firstDate) {
      row.firstDate = m.date;
      row.subject = m.subject;
    }
    if (m.date > row.lastDate) row.lastDate = m.date;
  }
  return row;
}

export class ThreadTally {
  private readonly deltas = new Map<string, Delta>();

  constructor(private readonly accountId: string) {}

  private delta(threadId: string): Delta {
    let d = this.deltas.get(threadId);
    if (!d) {
      d = emptyDelta();
      this.deltas.set(threadId, d);
    }
    return d;
  }

  add(m: Contribution): void {
    const d = this.delta(m.threadId);
    d.count += 1;
    d.unread += m.unread;
    if (!d.addedFirst || m.date < d.addedFirst.date) d.addedFirst = m;
    if (m.date > d.addedLast) d.addedLast = m.date;
  }

  remove(m: Contribution): void {
    const d = this.delta(m.threadId);
    d.count -= 1;
    d.unread -= m.unread;
    d.removed += 1;
    if (m.date < d.removedMin) d.removedMin = m.date;
    if (m.date > d.removedMax) d.removedMax = m.date;
  }

  /** One message row went from `before` to `after` (either may be absent). */
  change(before: Contribution | null, after: Contribution | null): void {
    if (before && after && before.threadId === after.threadId && before.date === after.date && before.subject === after.subject) {
      // A flag change: only the unread count moves, and the row's dates stay right.
      if (after.unread !== before.unread) this.delta(after.threadId).unread += after.unread - before.unread;
      return;
    }
    if (before) this.remove(before);
    if (after) this.add(after);
  }

  /** Writes the changed thread rows; call it after the message rows are written, inside the same transaction. */
  async write(db: HeronDb): Promise<void> {
    if (this.deltas.size === 0) return;
    const ids = [...this.deltas.keys()];
    const rows = await db.threads.bulkGet(ids.map((id): ThreadKey => [this.accountId, id]));
    const puts: ThreadRow[] = [];
    const deletes: ThreadKey[] = [];
    const recount: string[] = [];
    ids.forEach((threadId, i) => {
      const d = this.deltas.get(threadId) as Delta;
      const row = rows[i];
      const count = (row?.messageCount ?? 0) + d.count;
      const unread = (row?.unreadCount ?? 0) + d.unread;
      if (count === 0) {
        if (row) deletes.push([this.accountId, threadId]);
        return;
      }
      const rangeLost = d.removed > 0 && (!row || d.removedMin <= row.firstDate || d.removedMax >= row.lastDate);
      // Negative or impossible counts mean the row drifted from the messages; recounting heals it.
      if (rangeLost || count < 0 || unread < 0 || unread > count || (!row && !d.addedFirst)) {
        recount.push(threadId);
        return;
      }
      const next: ThreadRow = row
        ? { ...row, messageCount: count, unreadCount: unread }
        : { accountId: this.accountId, threadId, subject: '', firstDate: Infinity, lastDate: -Infinity, messageCount: count, unreadCount: unread };
      if (d.addedFirst && d.addedFirst.date < next.firstDate) {
        next.firstDate = d.addedFirst.date;
        next.subject = d.addedFirst.subject;
      }
      if (d.addedLast > next.lastDate) next.lastDate = d.addedLast;
      puts.push(next);
    });
    const recounted = await Promise.all(
      recount.map((threadId) =>
        db.messages
          .where('[accountId+threadId]')
          .equals([this.accountId, threadId])
          .toArray()
          .then((messages) => ({ threadId, row: threadRowFrom(this.accountId, threadId, messages) })),
      ),
    );
    for (const { threadId, row } of recounted) {
      if (row) puts.push(row);
      else deletes.push([this.accountId, threadId]);
    }
    await Promise.all([db.threads.bulkPut(puts), db.threads.bulkDelete(deletes)]);
  }
}

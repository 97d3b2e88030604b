// The outbox: messages wait here until the server accepted them; the composer queues, undoes and retries, the engine claims and reports.

import { Dexie } from 'dexie';
import { HeronError, type HeronErrorData } from '../../shared/errors';
import type { Address, OutboxWork, OutgoingMessage, SendReport } from '../../shared/model';
import { ContactTally, SENDABLE_ADDRESS, SENT_SCORE } from './contacts';
import type { HeronDb } from './db';
import { changeMessages } from './local-changes';
import type { OutboxRow, OutboxState } from './rows';
import { toStoreError } from './store-error';

/** How long a sent message waits before it leaves, so "Undo" can still take it back. */
export const UNDO_DELAY_MS = 5_000;

/** What the composer hands over: the message as the engine will build it, less what the outbox assigns itself. */
export interface OutgoingInput
  extends Pick<OutgoingMessage, 'accountId' | 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'text' | 'html' | 'inReplyTo' | 'references' | 'attachments'> {
  draftId: string | null;
  /** "Send later": when to send. Default: now plus the Undo delay. */
  sendAt?: number;
}

/** What a message left in 'sending' by a round that never reported tells the person. */
const STOPPED_MID_SEND: HeronErrorData = {
  code: 'connection-lost',
  message: 'Heron stopped while this message was being sent, so it may have reached the server. It will not be sent again unless you ask.',
};

function refuse(reason: string): never {
  throw new HeronError('invalid-input', undefined, { operation: 'queue-outgoing', reason });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function validate(input: OutgoingInput): void {
  if (!input.accountId) refuse('A message needs an account to send it from.');
  if (!SENDABLE_ADDRESS.test(input.from.address)) refuse('The sender address is not valid.');
  const recipients = [...input.to, ...input.cc, ...input.bcc];
  if (recipients.length === 0) refuse('A message needs at least one recipient.');
  const bad = recipients.find((r) => !SENDABLE_ADDRESS.test(r.address));
  if (bad) refuse(`"${bad.address}" is not a valid address.`);
  if (input.attachments.some((a) => !a.filename || !BASE64.test(a.base64))) refuse('An attachment has no name or unreadable content.');
  if (input.sendAt !== undefined && !Number.isFinite(input.sendAt)) refuse('The time to send is not valid.');
}

/** `<uuid@domain>` with the sender's domain when it is plain ASCII (a Message-ID may not carry other characters). */
export function newMessageId(from: Address): string {
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1).toLowerCase();
  return `<${crypto.randomUUID()}@${/^[a-z0-9.-]+$/.test(domain) ? domain : 'heron.invalid'}>`;
}

function toOutgoing(row: OutboxRow, date: number): OutgoingMessage {
  const { id, accountId, messageId, from, to, cc, bcc, subject, text, html, inReplyTo, references, attachments, attempts } = row;
  return { id, accountId, messageId, from, to, cc, bcc, subject, text, html, inReplyTo, references, attachments, date, attempts };
}

/**
 * Puts a message in the outbox; the caller then asks the engine to send the account's outbox (it wakes at sendAt).
 * Its recipients rise in the address suggestions in the same transaction.
 */
export async function queueOutgoing(db: HeronDb, input: OutgoingInput, now = Date.now()): Promise<OutboxRow> {
  validate(input);
  const { sendAt, ...message } = input;
  const row: OutboxRow = {
    ...message,
    id: crypto.randomUUID(),
    messageId: newMessageId(input.from),
    state: 'queued',
    createdAt: now,
    attempts: 0,
    nextAttemptAt: sendAt ?? now + UNDO_DELAY_MS,
    lastError: null,
    // RFC 5322 §3.6.1: when the person said the message was ready, that is Send, or the time chosen for Send later;
    // every attempt then builds the same bytes.
    date: sendAt ?? now,
    rejected: [],
    accepted: [],
    serverResponse: null,
    sentAt: null,
    filedAt: null,
    sentFolder: null,
  };
  const contacts = new ContactTally();
  contacts.add(input.accountId, [...input.to, ...input.cc, ...input.bcc], now, SENT_SCORE);
  try {
    return await db.transaction('rw', [db.outbox, db.contacts], async () => {
      // Strictly increasing per account, so messages go in the order they were sent even within one millisecond.
      const rows = await db.outbox.where('[accountId+state]').between([input.accountId, Dexie.minKey], [input.accountId, Dexie.maxKey]).toArray();
      row.createdAt = Math.max(now, ...rows.map((r) => r.createdAt + 1));
      await Promise.all([db.outbox.add(row), contacts.write(db.contacts)]);
      return row;
    });
  } catch (error) {
    throw toStoreError(error, 'queue-outgoing');
  }
}

/**
 * Takes a message out of the outbox (Undo, or dismissing one that failed or was dealt with). False when it is too
 * late: the engine is sending it, or the server accepted it and its copy is not in Sent yet.
 */
export async function removeOutgoing(db: HeronDb, id: string): Promise<boolean> {
  try {
    return await db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(id);
      if (!row) return true;
      if (row.state === 'sending' || (row.state === 'sent' && row.filedAt === null)) return false;
      await db.outbox.delete(id);
      return true;
    });
  } catch (error) {
    throw toStoreError(error, 'remove-outgoing');
  }
}

const RETRYABLE_BY_PERSON: ReadonlySet<OutboxState> = new Set(['queued', 'retry', 'failed', 'unconfirmed']);

/** "Send now" / "Send again": due at once; the caller then asks the engine to send the account's outbox. */
export async function retryOutgoing(db: HeronDb, id: string, now = Date.now()): Promise<void> {
  try {
    await db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(id);
      if (!row) throw new HeronError('not-found', 'That message is no longer in the outbox.');
      if (!RETRYABLE_BY_PERSON.has(row.state)) return;
      // A message sent early ("Send now" on Send later) is dated now, not at the time it was scheduled for.
      await db.outbox.put({ ...row, state: 'queued', nextAttemptAt: now, lastError: null, rejected: [], ...(row.attempts === 0 ? { date: now } : {}) });
    });
  } catch (error) {
    throw toStoreError(error, 'retry-outgoing');
  }
}

/** The engine's view of an account's outbox at `now` (RendererApi.outboxWork). */
export async function outboxWork(db: HeronDb, accountId: string, now: number): Promise<OutboxWork> {
  try {
    return await db.transaction('rw', db.outbox, async () => {
      const rows = await db.outbox
        .where('[accountId+state]')
        .anyOf(['queued', 'retry', 'sending', 'sent'].map((state) => [accountId, state]))
        .toArray();
      // Rounds run one at a time per account and report every message they claimed, so a row still sending is a leftover.
      for (const row of rows.filter((r) => r.state === 'sending')) {
        await db.outbox.put({ ...row, state: 'unconfirmed', lastError: STOPPED_MID_SEND, nextAttemptAt: null });
      }
      const waiting = rows.filter((r) => (r.state === 'queued' || r.state === 'retry') && r.nextAttemptAt !== null);
      const due = waiting.filter((r) => (r.nextAttemptAt as number) <= now).sort((a, b) => a.createdAt - b.createdAt);
      const later = waiting.map((r) => r.nextAttemptAt as number).filter((at) => at > now);
      const toFile = rows.filter((r) => r.state === 'sent' && r.filedAt === null).map((r) => toOutgoing(r, r.date ?? r.sentAt ?? now));
      return { due: due.map((r) => r.id), toFile, nextAttemptAt: later.length > 0 ? Math.min(...later) : null };
    });
  } catch (error) {
    throw toStoreError(error, 'outbox-work');
  }
}

/** Marks a due message as being sent and hands it over; null when it is gone (Undo), rescheduled or not due. */
export async function claimOutgoing(db: HeronDb, id: string, now: number): Promise<OutgoingMessage | null> {
  try {
    return await db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(id);
      if (!row || (row.state !== 'queued' && row.state !== 'retry') || row.nextAttemptAt === null || row.nextAttemptAt > now) return null;
      const claimed: OutboxRow = { ...row, state: 'sending', attempts: row.attempts + 1, date: row.date ?? now };
      await db.outbox.put(claimed);
      return toOutgoing(claimed, claimed.date as number);
    });
  } catch (error) {
    throw toStoreError(error, 'claim-outgoing');
  }
}

/**
 * \Answered for the stored copies of the message replied to (changeMessages): for IMAP through the local change
 * queue, so the flag shows at once, survives being offline, and reaches the server with the next replay; for POP3,
 * whose folders exist only in the store, applied there for good.
 */
async function queueAnswered(db: HeronDb, row: OutboxRow): Promise<void> {
  if (!row.inReplyTo) return;
  if (!(await db.accounts.get(row.accountId))) return;
  const link = await db.threadLinks.get([row.accountId, row.inReplyTo]);
  if (!link) return;
  const replied = await db.messages
    .where('[accountId+threadId]')
    .equals([row.accountId, link.threadId])
    .filter((m) => m.messageId === row.inReplyTo && !m.flags.includes('\\Answered'))
    .toArray();
  const byFolder = new Map<string, number[]>();
  for (const m of replied) byFolder.set(m.folderPath, [...(byFolder.get(m.folderPath) ?? []), m.uid]);
  for (const [folderPath, uids] of byFolder) {
    await changeMessages(db, { accountId: row.accountId, folderPath, uids, change: { kind: 'flags', add: ['\\Answered'], remove: [] } });
  }
}

/** Applies the engine's report (RendererApi.recordSend). A report that no longer fits the row's state (sent twice) is ignored. */
export async function recordSend(db: HeronDb, id: string, report: SendReport): Promise<void> {
  try {
    const answered = await db.transaction('rw', db.outbox, async (): Promise<OutboxRow | null> => {
      const row = await db.outbox.get(id);
      if (!row) return null;
      switch (report.kind) {
        case 'accepted': {
          if (row.state === 'sent') return null;
          const { accepted, rejected, response, at } = report;
          const sent: OutboxRow = { ...row, state: 'sent', accepted, rejected, serverResponse: response, sentAt: at, lastError: null, nextAttemptAt: null };
          await db.outbox.put(sent);
          return sent;
        }
        case 'filed': {
          if (row.state !== 'sent') return null;
          // Done unless there is something the person should still read: refused recipients, or a copy that could not be filed.
          if (row.rejected.length === 0 && report.error === null) await db.outbox.delete(id);
          else await db.outbox.put({ ...row, filedAt: Date.now(), sentFolder: report.sentFolder, lastError: report.error });
          return null;
        }
        default: {
          if (row.state !== 'sending') return null;
          const nextAttemptAt = report.kind === 'retry' ? report.nextAttemptAt : null;
          const rejected = report.kind === 'failed' ? report.rejected : [];
          await db.outbox.put({ ...row, state: report.kind, lastError: report.error, nextAttemptAt, rejected });
          return null;
        }
      }
    });
    // After the acceptance committed on its own: nothing about the flag may put that record at risk.
    if (answered) await queueAnswered(db, answered);
  } catch (error) {
    throw toStoreError(error, 'record-send');
  }
}

// Row types for the store's tables that shared/model.ts does not define (bodies, attachments, threads, thread links, outbox, drafts, settings).

import type { Address } from '../../shared/model';
import type { HeronErrorData } from '../../shared/errors';

/** A message's content, kept apart from its header so listing 100,000 headers never loads bodies. */
export interface BodyRow {
  accountId: string;
  folderPath: string;
  uid: number;
  /** The text/plain part, if the message has one. */
  text: string | null;
  /** The text/html part as received; it is sanitized when shown, never when stored, so a better sanitizer can rerun. */
  html: string | null;
  fetchedAt: number;
}

export interface AttachmentRow {
  accountId: string;
  folderPath: string;
  uid: number;
  /** The MIME part number (e.g. '2' or '1.3'), which stays stable for a given UID. */
  partId: string;
  filename: string | null;
  contentType: string;
  size: number;
  /** Set for inline parts that HTML refers to as cid:… */
  contentId: string | null;
  inline: boolean;
  /** The decoded content once downloaded; null while only the metadata is known. */
  content: ArrayBuffer | null;
}

/** One conversation in one account, maintained by batch apply so lists need not scan messages. */
export interface ThreadRow {
  accountId: string;
  threadId: string;
  /** Subject of the earliest message, which is usually the one that started the conversation. */
  subject: string;
  firstDate: number;
  lastDate: number;
  messageCount: number;
  unreadCount: number;
}

/**
 * One Message-ID known to an account's threads: carried by a stored message, or only named in the
 * In-Reply-To or References of one (a parent not stored yet, which links its replies to each other).
 */
export interface ThreadLinkRow {
  accountId: string;
  messageId: string;
  threadId: string;
}

export type OutboxState = 'queued' | 'sending' | 'retry' | 'failed';

/** A message waiting to be sent; it stays here until the server accepted it. */
export interface OutboxRow {
  id: string;
  accountId: string;
  state: OutboxState;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  /** The draft this message was written in, whose attachments travel with it. */
  draftId: string | null;
  createdAt: number;
  attempts: number;
  /** When to try again; null when not scheduled (IndexedDB leaves null out of the index). */
  nextAttemptAt: number | null;
  lastError: HeronErrorData | null;
}

/** A message being written; saved as it is typed so nothing is lost. */
export interface DraftRow {
  id: string;
  accountId: string;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  createdAt: number;
  updatedAt: number;
}

/** Values a setting may hold: what survives structured clone and JSON alike. */
export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };

export interface SettingRow {
  key: string;
  value: SettingValue;
}

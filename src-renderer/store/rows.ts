// Row types for the store's tables that shared/model.ts does not define (folder count ownership, message search fields, search terms, bodies, attachments, threads, thread links, outbox, drafts, contacts, settings, pending and dropped changes, POP3 sources and UID counters).

import type { Address, AttachmentMeta, Flag, Folder, MessageBody, MessageHeader, OutgoingAttachment, OutgoingMessage, PendingChange, RecipientRejection } from '../../shared/model';
import type { HeronErrorData } from '../../shared/errors';

/**
 * A message's parsed content (MessageBody without its attachment list, which lives in `attachments`), kept
 * apart from its header so listing 100,000 headers never loads bodies. The HTML is stored as received and
 * sanitized when shown, never when stored, so a better sanitizer can rerun.
 */
export type BodyRow = Omit<MessageBody, 'attachments'>;

/** A folder as the store keeps it. */
export interface FolderRow extends Folder {
  /**
   * Set once a batch has touched the folder's messages: from then on total and unread are the store's own counts,
   * moved by each write's delta (FolderTally), and a later folder listing does not overwrite them with the server's.
   */
  storeCounted?: true;
}

/**
 * A message as the store keeps it: the header plus its search tokens (store-only, never sent by the engine).
 * The fields are optional in the type only so a plain MessageHeader can still be written where no words
 * change (a flag edit spreads the stored row and keeps them); every row applyBatch or putBodies writes has them.
 */
export interface MessageRow extends MessageHeader {
  /**
   * Search tokens (not indexed here: searchTerms is the index, and these say which of its rows to edit when the
   * message changes or goes): header words first, then body words not already among them.
   */
  words?: string[];
  /** How many of `words` are header words; the rest came from the body and survive a header re-sync. */
  headerWords?: number;
  /** When the cached body's words were added (putBodies); absent while only the header is searchable. */
  bodyIndexedAt?: number;
}

/**
 * One word's postings in one folder, for one slice of UIDs (search-index.ts): parallel arrays, a message's UID
 * and date at the same position, so a query ranks hits newest first without reading a message row.
 */
export interface SearchTermRow {
  accountId: string;
  folderPath: string;
  word: string;
  /** floor(uid / TERM_SEGMENT_UIDS). */
  seg: number;
  uids: Uint32Array;
  dates: Float64Array;
}

/**
 * One attachment of a cached body, as listed: metadata only. The bytes are fetched on demand; if they are
 * ever cached, they belong in a table of their own, so that opening a message never reads them.
 */
export interface AttachmentRow extends AttachmentMeta {
  accountId: string;
  folderPath: string;
  uid: number;
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

/**
 * queued: waiting for its time (Undo delay, Send later). sending: claimed by the engine. retry: a temporary failure,
 * tried again at nextAttemptAt. failed: refused for good, waits for the person. unconfirmed: the connection broke
 * after the whole message went out, so it may have arrived; never resent without the person. sent: the server
 * accepted it; the row goes once the copy is in Sent, unless there is something to tell (refused recipients, a
 * copy that could not be filed).
 */
export type OutboxState = 'queued' | 'sending' | 'retry' | 'failed' | 'unconfirmed' | 'sent';

/**
 * A message in the outbox: it stays here until the server accepted it (and longer if some recipients were refused).
 * The outbox table exists since version 1 but no build wrote a row before these fields, so they need no upgrade.
 */
export interface OutboxRow extends Omit<OutgoingMessage, 'date'> {
  state: OutboxState;
  /** The draft this message was written in, for the composer to tidy up. */
  draftId: string | null;
  createdAt: number;
  /** When to send or try again; null when no attempt is planned (IndexedDB leaves null out of the index). */
  nextAttemptAt: number | null;
  lastError: HeronErrorData | null;
  /** The Date header: set when queued (Send, or the Send later time); null only in rows queued before Heron did that. */
  date: number | null;
  /** Recipients the server refused: all of them when failed, some of them when sent. */
  rejected: RecipientRejection[];
  /** Filled when the server accepted the message. */
  accepted: string[];
  serverResponse: string | null;
  sentAt: number | null;
  /** When the engine finished filing the copy in Sent (or found nowhere to file it); null until then. */
  filedAt: number | null;
  sentFolder: string | null;
}

/**
 * A message being written; saved as it is typed so nothing is lost, and reopened after a reload or a crash while
 * `open`. The drafts table exists since version 1 but no build wrote a row before these fields, so they need no upgrade.
 */
export interface DraftRow {
  id: string;
  accountId: string;
  /** `<uuid@domain>`, the same for every copy filed in the server's Drafts folder, so a save replaces the last one. */
  messageId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  /** rich: `html` is the edited document and `text` its plain version; plain: `text` only and `html` null. */
  format: 'rich' | 'plain';
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: OutgoingAttachment[];
  /** A composer shows it now; such drafts open again when Heron starts. */
  open: boolean;
  createdAt: number;
  /** When the person last changed it; the server copy is out of date while serverSavedAt is older. */
  updatedAt: number;
  /** The updatedAt of the version last filed in the server's Drafts folder; null: never filed. */
  serverSavedAt: number | null;
  /** Where that copy is: the Drafts folder's path; null when there is none (POP3, or no Drafts folder). */
  serverFolder: string | null;
}

/**
 * An address the person has seen in one account's mail or written to, for the composer's suggestions. Kept by the
 * store as mail arrives and is sent (contacts.ts), never by the server: it survives a mailbox move.
 */
export interface ContactRow {
  accountId: string;
  /** The address in lower case: one row however the address is spelled. */
  key: string;
  /** The newest non-empty display name seen with it; '' while none was. */
  name: string;
  /** The address as last seen. */
  address: string;
  /** +1 for every stored message naming it in From, To or Cc; +5 for every message the person sends to it. */
  score: number;
  /** The newest date of those messages. */
  lastSeen: number;
  /**
   * Folded words of the name and of the address (the whole address, its local part, the local part's pieces between
   * . _ - +, the domain), indexed multi-entry so a typed prefix of any of them is one index range.
   */
  words: string[];
}

/** Values a setting may hold: what survives structured clone and JSON alike. */
export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };

export interface SettingRow {
  key: string;
  value: SettingValue;
}

/** The server's last known state of one message a pending change touches: what the store puts back if the change is dropped. */
export interface ServerCopy {
  uid: number;
  /** The flags the server last reported, kept current by every sync batch while the change waits (pending-overlay.ts). */
  flags: Flag[];
  /** The whole header, for changes that take the message out of the store (move, delete, archive); null for flag changes. */
  header: Omit<MessageHeader, 'threadId'> | null;
}

/**
 * A local change the server refused for good (server wins): the store put the messages back as the server has them
 * and keeps this record until the person has seen it, so an undone action never goes unexplained.
 */
export interface DroppedChangeRow {
  /** The pending change's id. */
  id: string;
  accountId: string;
  folderPath: string;
  change: PendingChange['change'];
  /** How many messages the change was for. */
  count: number;
  /** Why, in the error vocabulary's words (as replay reported it). */
  error: string;
  droppedAt: number;
}

/** A queued local change as the store keeps it. */
export interface PendingChangeRow extends PendingChange {
  /** UIDVALIDITY of folderPath when the change was queued (from its sync cursor), so a replay never hits other messages under reused UIDs. */
  uidValidity: number | null;
  server: ServerCopy[];
}

/**
 * A POP3 copy's raw message (RFC 5322 bytes as base64), keyed like its body and moved with it: it is the only copy
 * there is, which attachments, "View source" and a later re-parse read back.
 */
export interface SourceRow {
  accountId: string;
  folderPath: string;
  uid: number;
  base64: string;
}

/** The next local UID of a POP3 account (allocateUids): it only grows, so a UID is never given twice in the account. */
export interface UidCounterRow {
  accountId: string;
  nextUid: number;
}

// The domain model both processes share: accounts, folders, messages, sync cursors and batches, outgoing mail.

import type { HeronErrorData } from './errors';

export type IncomingProtocol = 'imap' | 'pop3';
export type Protocol = IncomingProtocol | 'smtp';

/** 'tls' is implicit TLS from the first byte; 'starttls' upgrades and never continues in plaintext; 'none' is unencrypted. */
export type Security = 'tls' | 'starttls' | 'none';

export interface ServerSettings {
  host: string;
  port: number;
  security: Security;
  username: string;
}

export interface IncomingSettings extends ServerSettings {
  protocol: IncomingProtocol;
}

export type OutgoingSettings = ServerSettings;

/** How (and whether) an account's password is kept between runs. */
export type PasswordStorage =
  /** Encrypted by the operating system's key store (Electron safeStorage). */
  | 'encrypted'
  /** Written to a file only the user can read (mode 0600), not encrypted; browser mode, by request. */
  | 'plain-file'
  /** Held in memory for this run only; asked for again after a restart. */
  | 'memory'
  /** Not known yet (after a restart in browser mode without "remember"). */
  | 'none';

/** What the renderer may know about an account. It never carries a password or token. */
export interface AccountSummary {
  id: string;
  name: string;
  email: string;
  incoming: IncomingSettings;
  outgoing: OutgoingSettings | null;
  /** SHA-256 fingerprint of the one certificate trusted for this account's servers, if the person pinned one. */
  pinnedFingerprint256: string | null;
  passwordStorage: PasswordStorage;
  /** Bodies of messages from the last N days are downloaded ahead for offline reading; null: only when opened. */
  keepBodiesDays: number | null;
  /** POP3 accounts only (null for IMAP). */
  pop3: Pop3Options | null;
  createdAt: number;
}

/** New accounts keep a month of mail readable offline, a balance of disk use and usefulness on a plane. */
export const DEFAULT_KEEP_BODIES_DAYS = 30;

/**
 * How a POP3 account treats the server's copy of what it downloaded. Every deletion on the server happens only
 * after the store committed the message durably, and takes effect at QUIT.
 */
export interface Pop3Options {
  /**
   * Keep messages on the server after downloading them. The default: until the person says otherwise the server
   * stays a second copy (Heron's store lives in one browser profile or one machine), and other devices still see the mail.
   */
  leaveOnServer: boolean;
  /** With leaveOnServer: delete a message from the server once it was downloaded this many days ago; null: never. */
  deleteAfterDays: number | null;
  /** With leaveOnServer: a message deleted for good in Heron (emptied from Trash) is deleted on the server at the next sync. */
  deleteWhenDeletedLocally: boolean;
  /** Larger messages are downloaded in part (headers and the first lines, with TOP) until the person asks for the rest; null: no limit. */
  maxMessageBytes: number | null;
}

export const DEFAULT_POP3_OPTIONS: Pop3Options = { leaveOnServer: true, deleteAfterDays: null, deleteWhenDeletedLocally: false, maxMessageBytes: null };

export interface AccountChanges {
  name?: string;
  keepBodiesDays?: number | null;
  /**
   * A new incoming server; the engine logs in to it before saving. The protocol cannot change: IMAP mirrors the
   * server, POP3 mail may exist only in Heron, so one account never turns into the other.
   */
  incoming?: IncomingSettings;
  /** A new outgoing server; null: the account only receives mail. */
  outgoing?: OutgoingSettings | null;
  /** POP3 accounts only. */
  pop3?: Pop3Options;
  /**
   * A certificate the person confirmed for the incoming server (as it will be after these changes); null: trust
   * none. Absent: the pinned one stays while the incoming host stays, and a new host starts with none.
   */
  pinnedFingerprint256?: string | null;
}

export interface NewAccountInput {
  name: string;
  email: string;
  incoming: IncomingSettings;
  outgoing: OutgoingSettings | null;
  password: string;
  /** Browser mode only: keep the password in a 0600 file. The desktop app always encrypts it. */
  rememberPassword: boolean;
  pinnedFingerprint256?: string | null;
  keepBodiesDays?: number | null;
  /** POP3 accounts only; DEFAULT_POP3_OPTIONS when absent. */
  pop3?: Pop3Options;
}

export type SpecialUse = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive' | 'all' | 'flagged';

export interface Folder {
  accountId: string;
  /** The server's full path (e.g. 'INBOX.Work' or 'Archive/2024'), decoded to Unicode. */
  path: string;
  name: string;
  delimiter: string | null;
  parentPath: string | null;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  /** False for \Noselect containers that hold folders but no messages. */
  selectable: boolean;
  total: number;
  unread: number;
}

export interface Address {
  name: string;
  address: string;
}

export type Flag = '\\Seen' | '\\Flagged' | '\\Answered' | '\\Deleted' | '\\Draft' | (string & {});

/** One message as the list and threading need it; bodies are stored apart. */
export interface MessageHeader {
  accountId: string;
  folderPath: string;
  uid: number;
  /** Milliseconds since the epoch (Date header, else INTERNALDATE). */
  date: number;
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  flags: Flag[];
  /** 1 when \Seen is absent. A number because IndexedDB cannot index booleans. */
  unread: 0 | 1;
  flagged: 0 | 1;
  size: number;
  hasAttachments: boolean;
  preview: string;
  /** Set by threading inside the store's batch apply. */
  threadId: string;
}

/** Where sync stands for one folder; it moves in the same transaction as the data it covers. */
export interface SyncCursor {
  accountId: string;
  folderPath: string;
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: string | null;
  /** Lowest UID fetched so far while backfilling newest-first; null when the folder is complete. */
  backfillBelowUid: number | null;
  /** How many messages the server said the folder held when this cursor was written: a count that moved otherwise means expunges. */
  messageCount?: number | null;
  updatedAt: number;
}

/** One unit of sync work, applied by the store in a single transaction. */
export interface SyncBatch {
  accountId: string;
  /** Folders to create or update. */
  folders?: Folder[];
  /** `folders` is the server's complete list: any other stored folder of the account is gone (deleted or renamed). */
  foldersComplete?: boolean;
  /** Folder paths that no longer exist on the server (their messages go too). */
  removedFolders?: string[];
  /** The folder whose messages this batch touches, if any. */
  folderPath?: string;
  /** Drop every cached message of folderPath first (UIDVALIDITY changed). */
  resetFolder?: boolean;
  upsertMessages?: Omit<MessageHeader, 'threadId'>[];
  /** Flag-only changes, cheaper than a full upsert. */
  flagChanges?: { uid: number; flags: Flag[] }[];
  removedUids?: number[];
  cursor?: SyncCursor;
  /** The engine will act on the acknowledgement in a way that cannot be undone (POP3 DELE): commit durably first. */
  durability?: 'strict' | 'default';
  /** POP3: the bodies of upsertMessages, stored (and indexed for search) in the same transaction: a POP3 message exists only as downloaded. */
  bodies?: MessageBody[];
  /**
   * POP3 (and a POP3 account's Sent copies): each message's raw RFC 5322 bytes as base64, kept in the same transaction.
   * They are the only copy there is: attachments, "View source" and re-parsing read them back (RendererApi.messageSource).
   */
  sources?: { uid: number; base64: string }[];
  /** POP3: what the store records of these server messages, written in the same transaction as the messages. */
  popMessages?: PopMessage[];
  /** POP3: UIDLs the server no longer lists (Heron deleted them, or another client did): their records go; local copies stay. */
  removedPopUidls?: string[];
}

/**
 * A POP3 server message as the store knows it, by UIDL. The record outlives the local copy (a message deleted in
 * Heron is not downloaded again) and goes once the server no longer lists the UIDL.
 */
export interface PopMessage {
  accountId: string;
  uidl: string;
  /** The local UID of its copy (RendererApi.allocateUids), unique in the account whatever folder it is moved to. */
  uid: number;
  downloadedAt: number;
  /** Only the headers and the first lines are stored (the size limit); EngineApi.downloadRest fetches it whole. */
  partial: boolean;
  /** The person deleted the local copy for good; with deleteWhenDeletedLocally the engine deletes it on the server next. */
  deletedLocally: boolean;
}

/** Sent back only after the batch's transaction committed. */
export interface BatchAck {
  applied: true;
  messages: number;
  durability: 'strict' | 'default';
}

/** An attachment as the reader lists it; its bytes are fetched on demand. */
export interface AttachmentMeta {
  /** Stable id of the part within the message (mailparser's order), used to fetch its bytes. */
  partId: string;
  filename: string | null;
  contentType: string;
  size: number;
  /** For inline images referenced as cid: in the HTML. */
  contentId: string | null;
  inline: boolean;
}

/** A parsed message body, produced in main with mailparser and cached by the store. Not sanitized: the reader does that. */
export interface MessageBody {
  accountId: string;
  folderPath: string;
  uid: number;
  text: string | null;
  html: string | null;
  attachments: AttachmentMeta[];
  /** Inline cid: parts small enough to embed, as data: URLs keyed by Content-ID, so the reader needs no network. */
  inlineParts: Record<string, string>;
  /** Set when the message could not be parsed; text then holds what could be read. */
  parseError: string | null;
  /**
   * Every Authentication-Results header value (RFC 8601), unfolded, top first. The reader trusts only those
   * whose authserv-id names the account's own server. Absent on bodies cached before Heron read these headers.
   */
  authResults?: string[];
  size: number;
  fetchedAt: number;
}

export interface AttachmentContent {
  filename: string | null;
  contentType: string;
  /** Base64, so the same value crosses IPC and the WebSocket's JSON. */
  base64: string;
}

/** A message's raw text as the server stores it, for "View source". */
export interface MessageSource {
  /** The first bytes (1 MiB), decoded as UTF-8 where they are valid UTF-8 and as Latin-1 otherwise. */
  text: string;
  /** True when the message is longer than what was fetched. */
  truncated: boolean;
}

/** A change the person made locally, applied to the store at once and replayed on the server in order. */
export type LocalChange =
  | { kind: 'flags'; add: Flag[]; remove: Flag[] }
  | { kind: 'move'; toFolder: string }
  /** To the account's Trash; in Trash itself, expunged for good. */
  | { kind: 'delete' }
  | { kind: 'archive' };

export interface PendingChange {
  id: string;
  accountId: string;
  folderPath: string;
  uids: number[];
  change: LocalChange;
  createdAt: number;
  attempts: number;
  lastError: string | null;
  /** The folder's UIDVALIDITY when the change was made: if it moved since, the UIDs name other messages. */
  uidValidity?: number | null;
}

/** The outcome of replaying one pending change. `retry` keeps it queued (network); otherwise it is dropped and the server wins. */
export type ChangeOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

export type SyncPhase = 'connecting' | 'folders' | 'newest' | 'backfill' | 'changes' | 'bodies' | 'idle';

/**
 * An attachment of an outgoing message. Its bytes travel as base64 inside the outbox row for now, which suits
 * attachments of a few MiB; larger ones would want a table of their own, read only when the message is built.
 */
export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  base64: string;
  /** Set for an image the HTML shows inline (cid:); such parts go beside the HTML, not in the attachment list. */
  contentId: string | null;
}

/** An outbox message as the engine needs it to build and send it. */
export interface OutgoingMessage {
  id: string;
  accountId: string;
  /** `<id@domain>`, made once when queued: every attempt and the Sent copy carry it, so a repeat can be recognised. */
  messageId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: OutgoingAttachment[];
  /** The Date header, fixed when queued (Send, or the Send later time), so every attempt builds the same message. */
  date: number;
  /** Attempts started so far, this one included. */
  attempts: number;
}

/**
 * A draft as the engine files it in the account's Drafts folder. Its Message-ID stays the same for the draft's
 * whole life, so each save replaces the copy the previous save left there.
 */
export interface DraftMessage extends Omit<OutgoingMessage, 'id' | 'attempts'> {
  /** The Date header: when the draft was last edited. */
  date: number;
}

/** Where a draft was filed: the Drafts folder's path, or null when the account has none on a server (POP3, or no Drafts folder). */
export interface DraftSaved {
  folder: string | null;
}

/** What the submission server says it will take. */
export interface OutgoingLimits {
  /** The EHLO SIZE limit in bytes of the whole message as sent (base64 makes attachments a third larger); null: none announced. */
  maxMessageBytes: number | null;
}

/** A recipient the server refused at RCPT TO (or after the message when it answers per recipient). */
export interface RecipientRejection {
  address: string;
  /** The server's reply, e.g. '550 5.1.1 <x@y>: Recipient address rejected: User unknown'. */
  response: string;
  /** A 4xx reply: the server may take it later. */
  temporary: boolean;
}

/** What the engine should do for one account's outbox now. */
export interface OutboxWork {
  /** Messages due now (queued or retrying whose time has come), in the order they were queued; each is claimed right before it is sent. */
  due: string[];
  /** Accepted messages whose copy is not in Sent yet (the engine stopped between acceptance and filing). */
  toFile: OutgoingMessage[];
  /** When the next queued or retrying message falls due, if one is waiting. */
  nextAttemptAt: number | null;
}

/** How sending one outbox message went, as the engine reports it to the store. */
export type SendReport =
  /** The server took it: recorded before anything else happens to the message, so it is never sent again. */
  | { kind: 'accepted'; accepted: string[]; rejected: RecipientRejection[]; response: string; at: number }
  /** Not sent, and worth trying again by itself (network, timeout, a 4xx reply). */
  | { kind: 'retry'; error: HeronErrorData; nextAttemptAt: number }
  /** Not sent, and trying again will not help until something changes (a 5xx reply, the password, the certificate). */
  | { kind: 'failed'; error: HeronErrorData; rejected: RecipientRejection[] }
  /** The whole message went out but the connection broke before the server's reply: it may have been delivered. Never resent by itself. */
  | { kind: 'unconfirmed'; error: HeronErrorData }
  /** Filed in Sent (or there is no Sent folder, or filing failed for good with `error`): the outbox is done with it. */
  | { kind: 'filed'; sentFolder: string | null; error: HeronErrorData | null };

export interface SyncProgress {
  accountId: string;
  folderPath: string | null;
  phase: SyncPhase;
  fetched: number;
  total: number;
}

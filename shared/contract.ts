// The typed contract between the engine (main process) and the renderer, carried by IPC or a WebSocket.

import type { HeronErrorData } from './errors';
import type {
  AccountChanges,
  AccountSummary,
  AttachmentContent,
  BatchAck,
  ChangeOutcome,
  DraftMessage,
  DraftSaved,
  Folder,
  IncomingSettings,
  MessageBody,
  MessageSource,
  NewAccountInput,
  OutboxWork,
  OutgoingLimits,
  OutgoingMessage,
  OutgoingSettings,
  PendingChange,
  PopMessage,
  SendReport,
  SyncBatch,
  SyncCursor,
  SyncProgress,
} from './model';
import type { DiscoveryResult, DoctorReport, DoctorTarget, DomainHealth, OutgoingReport } from './setup';

export type AppMode = 'desktop' | 'browser';

export interface AppInfo {
  name: 'Heron';
  version: string;
  mode: AppMode;
  /** Whether this build can encrypt saved passwords (desktop with a real OS key store). */
  canEncryptSecrets: boolean;
  /**
   * Browser mode only: the per-run token of the server's link-confirmation page (GET /open). Links in a message
   * carry it because the sandboxed message frame sends no cookie; it grants nothing but that page.
   */
  linkToken?: string;
}


export interface ConnectionReport {
  ok: true;
  protocol: IncomingSettings['protocol'];
  /** What the server announced after login, so the UI can show it. */
  capabilities: string[];
  /** Whether the password and mail travelled encrypted on this connection. */
  encrypted: boolean;
  folders: Folder[];
}

/** What the renderer may ask of the engine. Every method rejects with HeronErrorData as its reason. */
export interface EngineApi {
  getAppInfo(): Promise<AppInfo>;
  listAccounts(): Promise<AccountSummary[]>;
  /** Saves the account and its secret in main; only the summary comes back. */
  addAccount(input: NewAccountInput): Promise<AccountSummary>;
  removeAccount(accountId: string): Promise<void>;
  /**
   * Changes an account's settings. A new incoming server (or certificate) is proven first by logging in with
   * `password` when given, else with the password Heron keeps; nothing is saved if that fails. A given password
   * that worked replaces the kept one, kept as before (never longer than the person chose).
   */
  updateAccount(accountId: string, changes: AccountChanges, password?: string | null): Promise<AccountSummary>;
  /** Gives the password again for an account whose password was not kept (browser mode after a restart). */
  unlockAccount(accountId: string, password: string, remember: boolean): Promise<AccountSummary>;
  /** Logs in with settings not yet saved, lists the folders and logs out; a fingerprint the person confirmed pins that certificate. */
  testIncoming(settings: IncomingSettings, password: string, pinnedFingerprint256?: string | null): Promise<ConnectionReport>;
  /** Finds server settings for an address (SRV records, autoconfig, built-in providers, MX, probing), in parallel with timeouts. */
  discoverSettings(email: string): Promise<DiscoveryResult>;
  /** The connection doctor: checks one server step by step and says what is wrong; with a password it also logs in. */
  diagnose(target: DoctorTarget, password: string | null, pinnedFingerprint256?: string | null): Promise<DoctorReport>;
  /** Connects to an outgoing (SMTP submission) server and logs in; nothing is sent. */
  testOutgoing(settings: OutgoingSettings, password: string, pinnedFingerprint256?: string | null): Promise<OutgoingReport>;
  /** The sending domain's SPF and DMARC records, and DKIM for a selector when one is given: advice, never blocking. */
  checkDomainHealth(domain: string, dkimSelector?: string | null): Promise<DomainHealth>;
  /** Refreshes the account's folders and messages into the store now. */
  syncAccount(accountId: string): Promise<void>;
  /** The person opened this folder: sync it now, ahead of the schedule. */
  openFolder(accountId: string, folderPath: string): Promise<void>;
  /** Fetches and parses a message body; the renderer caches what comes back. */
  fetchBody(accountId: string, folderPath: string, uid: number): Promise<MessageBody>;
  fetchAttachment(accountId: string, folderPath: string, uid: number, partId: string): Promise<AttachmentContent>;
  /** UIDs of the folder's messages with every word of `text` in From, To, Cc, Subject or body (IMAP UID SEARCH), ascending. */
  searchServer(accountId: string, folderPath: string, text: string): Promise<{ uids: number[] }>;
  /** Fetches these messages' headers into the store (applyBatch) without moving the folder's sync cursor; at most 2,000. */
  fetchHeaders(accountId: string, folderPath: string, uids: number[]): Promise<void>;
  /** The raw message (its first MiB) for "View source"; never sets \Seen. */
  fetchSource(accountId: string, folderPath: string, uid: number): Promise<MessageSource>;
  /** The store queued local changes for this account: replay them on the server when it can be reached. */
  replayChanges(accountId: string): Promise<void>;
  /**
   * The store queued, rescheduled or released outgoing messages of this account: send what is due now and wake
   * for the next one (Undo delay, Send later). Resolves when this round is over; how each message went is in the store.
   */
  sendOutbox(accountId: string): Promise<void>;
  /**
   * Files a draft in the account's Drafts folder (flagged \Draft and \Seen), replacing the copies earlier saves of
   * the same draft left there, only once the new copy is in. Resolves with folder null when there is no Drafts folder.
   */
  saveDraft(accountId: string, draft: DraftMessage): Promise<DraftSaved>;
  /** Removes a draft's copies from the Drafts folder (it was sent or thrown away); nothing to do is not an error. */
  discardDraft(accountId: string, messageId: string): Promise<void>;
  /** The submission server's limits (EHLO SIZE), asked once per connection settings and remembered. */
  outgoingLimits(accountId: string): Promise<OutgoingLimits>;
  /** POP3: downloads a message kept in part (the size limit) whole, by its UIDL, into the folder it is in now. */
  downloadRest(accountId: string, folderPath: string, uid: number): Promise<void>;
  /** Opens an http(s) link outside Heron after validation; anything else is refused. */
  openExternal(url: string): Promise<void>;
}

export type AccountState = 'idle' | 'connecting' | 'syncing' | 'error' | 'needs-password' | 'paused';

/** What the engine tells the renderer without waiting for an answer. */
export type EngineEvent =
  | { type: 'accounts-changed'; accounts: AccountSummary[] }
  | { type: 'account-state'; accountId: string; state: AccountState; error?: HeronErrorData }
  | { type: 'sync-progress'; progress: SyncProgress };

/** What the engine may ask of, or tell, the renderer. The renderer owns the store, so sync goes through here. */
export interface RendererApi {
  getSyncCursor(accountId: string, folderPath: string): Promise<SyncCursor | null>;
  /** Resolves only after the batch's transaction has committed (strictly, when the batch asks for it). */
  applyBatch(batch: SyncBatch): Promise<BatchAck>;
  /** Every UID the store holds for a folder, for servers without QRESYNC (expunges are found by difference). */
  getFolderUids(accountId: string, folderPath: string): Promise<number[]>;
  /** Bodies the engine fetched ahead of time (keep bodies of the last N days offline). */
  putBodies(bodies: MessageBody[]): Promise<void>;
  /** Which of these UIDs have no cached body yet, so prefetching skips what is already offline. */
  bodiesMissing(accountId: string, folderPath: string, uids: number[]): Promise<number[]>;
  /** The account's queued local changes, oldest first. */
  pendingChanges(accountId: string): Promise<PendingChange[]>;
  /** Records how replaying one change went: done, dropped (server wins), or kept for a retry. */
  completeChange(changeId: string, outcome: ChangeOutcome): Promise<void>;
  /**
   * The account's outbox work at `now`. Messages still marked as being sent are from a round that ended without
   * an answer (Heron stopped): they become unconfirmed, since they may have reached the server.
   */
  outboxWork(accountId: string, now: number): Promise<OutboxWork>;
  /** Claims a due message right before it is sent; null when it was removed (Undo), rescheduled or is no longer due. */
  claimOutgoing(outboxId: string, now: number): Promise<OutgoingMessage | null>;
  /** Records how sending went; an acceptance also queues \Answered for the message replied to. */
  recordSend(outboxId: string, report: SendReport): Promise<void>;
  /** POP3: every server message the store has a record of (downloaded, partial, deleted locally). */
  popMessages(accountId: string): Promise<PopMessage[]>;
  /**
   * POP3 accounts: `count` fresh local UIDs, consecutive, returned as the first. Committed before it resolves, so no two
   * callers (sync, filing a Sent copy) ever get the same UID, and a UID is never reused in the account.
   */
  allocateUids(accountId: string, count: number): Promise<number>;
  /** The raw message (base64) the store keeps for a POP3 account's message, wherever it was moved; null when there is none. */
  messageSource(accountId: string, folderPath: string, uid: number): Promise<string | null>;
  engineEvent(event: EngineEvent): void;
}

/** Renderer methods that are notifications: no reply is awaited. */
export const RENDERER_EVENT_METHODS = ['engineEvent'] as const satisfies readonly (keyof RendererApi)[];

/** The one Electron IPC channel the preload exposes. */
export const IPC_CHANNEL = 'heron:rpc';

/** Close codes the browser-mode server uses, so the page can tell the person what happened. */
export const WS_CLOSE = {
  /** Another tab already holds the store. */
  otherTabActive: 4001,
  /** The token was missing or wrong. */
  forbidden: 4003,
} as const;

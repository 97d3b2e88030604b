// The engine's side of the outbox: works each account's queue from the store, sends, reports every outcome, files in Sent.
//
// Design. The store owns the queue (src-renderer/store/outbox.ts) and the engine works it, as with local changes:
// - The composer writes the row (its Message-ID is made there, once) due at now + the Undo delay, or at the time
//   chosen for Send later, then calls EngineApi.sendOutbox. A round asks outboxWork(account, now) and sets a timer
//   for the next due time; every renderer attach sweeps every account. Undo and Send later therefore need nothing
//   more, and a scheduled message leaves on time after a restart, because its time is in the store.
// - Each due message is claimed right before it is sent (claimOutgoing re-reads the row): one removed during the
//   Undo delay, or rescheduled, is never sent. Messages go one at a time over the account's pooled connection.
// - MailComposer builds the message from the row deterministically (Date fixed when queued, boundaries from the
//   row id; attachments as base64 in the row, fine for attachments of a few MiB), so a retry sends the same bytes
//   and the Sent copy matches.
// - Accepted: recorded in the store ('sent', accepted and refused recipients, the server's reply) before anything
//   else; then APPENDed to Sent (not again if a copy with that Message-ID is there; not at all where the server files
//   it itself, see server-files-sent.ts), or for a POP3 account written into its local Sent (pop3/local-sent.ts),
//   and only then 'filed' clears the row. A crash between acceptance and filing files it in a later round and never
//   sends it again. Default durability is enough: a lost write leaves the row 'sending', which the next round turns
//   into 'unconfirmed'.
// - Not accepted: a 4xx, a timeout, or a connection that broke before the final dot → 'retry' with backoff. A 5xx,
//   a refused login, an untrusted certificate, STARTTLS refused → 'failed' with the server's words, per recipient.
//   A connection that broke after the final dot was handed over, before the reply → 'unconfirmed': the server may
//   have taken it (RFC 1047), so it is never resent without the person. A row still 'sending' when a round starts
//   (Heron stopped mid-send) becomes unconfirmed in the store for the same reason.
// - \Answered for a reply is queued by the store as a LocalChange right after it records the acceptance: the store
//   knows where the replied message is now (it may have moved since the reply was written), the flag shows at once,
//   works offline, and reaches the server through the ordinary replay, which the round asks for. A direct STORE
//   from here would need the engine to find the message on the server and leave the store behind until a sync.
// - A failure of the connection or the login ends the round, so a wrong password is not tried once per queued
//   message; the account then waits for the retry time, or for the person when retrying cannot help.

import type { RendererApi } from '../../shared/contract';
import { HeronError, toHeronError } from '../../shared/errors';
import type { OutgoingMessage, SendReport } from '../../shared/model';
import type { AccountSession } from '../engine/account-session';
import type { AccountRecord } from '../engine/accounts';
import { isRetryable } from '../imap/replay-changes';
import { POP3_SENT } from '../pop3/local-folders';
import { fileInLocalSent } from '../pop3/local-sent';
import { buildMessage, envelopeOf } from './build-message';
import { appendOnce, sentFolderOf } from './file-sent';
import { acceptedOutcome, failedOutcome, type Outcome } from './send-outcome';
import { serverFilesSent } from './server-files-sent';
import { createSmtpSender, type SmtpSender } from './transport';

/** setTimeout's limit (about 24.8 days); a later Send later time is simply looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface OutboxDeps {
  renderer(): RendererApi | null;
  password(accountId: string): Promise<string | null>;
  accounts(): Promise<AccountRecord[]>;
  /** The account's IMAP command connection (for APPEND), shared with sync. */
  imapSession(account: AccountRecord): AccountSession;
  /** After a round: resync the Sent folders copies were filed in, and replay local changes when \Answered was queued. */
  afterRound(account: AccountRecord, done: { filedIn: string[]; answered: boolean }): void;
  /** The time due dates are compared with; Date.now unless a test moves time itself (Undo delay, Send later). */
  now?: () => number;
}

export interface Outbox {
  /** Sends what is due for this account now (the person asked: a wait for a retry time or for the person ends). */
  sendNow(account: AccountRecord): Promise<void>;
  /** A renderer attached: every account's outbox is looked at (messages due while Heron was closed leave now). */
  resume(): void;
  /** No store to report to: timers stop; a round under way ends at its next store call. */
  pause(): void;
  /** The account was removed, or unlocked with its password: its state (a hold included) and connection go once the round under way ends. */
  forget(accountId: string): Promise<void>;
  stop(): Promise<void>;
}

interface AccountOutbox {
  account: AccountRecord;
  /** The pooled transport and what it was made with. */
  sender: { key: string; transport: SmtpSender } | null;
  running: Promise<void> | null;
  /** A request came during the round under way: run one more after it. */
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  /** No message is claimed before this time (a retry time), or at all (Infinity: waiting for the person). */
  holdUntil: number;
  /** Reports the store could not take (no renderer): given again before the next round reads the queue. */
  unreported: Map<string, SendReport>;
  closed: boolean;
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const now = deps.now ?? Date.now;
  const outboxes = new Map<string, AccountOutbox>();
  let active = false;

  function stateOf(account: AccountRecord): AccountOutbox {
    let state = outboxes.get(account.id);
    if (!state) {
      state = { account, sender: null, running: null, again: false, timer: undefined, holdUntil: 0, unreported: new Map(), closed: false };
      outboxes.set(account.id, state);
    }
    state.account = account;
    return state;
  }

  function store(): RendererApi {
    const renderer = deps.renderer();
    if (!renderer) throw new HeronError('offline', 'No Heron window is open to keep the outbox in.');
    return renderer;
  }

  /** Gives the store a report; one it cannot take now is kept and given again before the next round. */
  async function report(state: AccountOutbox, id: string, sendReport: SendReport): Promise<void> {
    state.unreported.set(id, sendReport);
    await store().recordSend(id, sendReport);
    state.unreported.delete(id);
  }

  async function sendOne(state: AccountOutbox, message: OutgoingMessage, password: string): Promise<Outcome> {
    const { outgoing, pinnedCertificate } = state.account;
    const fail = (error: HeronError, stopsRound: boolean): Outcome => ({ report: { kind: 'failed', error: error.toData(), rejected: [] }, stopsRound });
    if (!outgoing) return fail(new HeronError('invalid-input', 'This account has no outgoing (SMTP) server. Add one in the account settings.'), true);
    let raw: Buffer;
    try {
      raw = await buildMessage(message, 'wire');
    } catch (error) {
      return fail(toHeronError(error), false);
    }
    // A connection made with other settings, another pinned certificate or an old password is not used again.
    const key = JSON.stringify([outgoing, pinnedCertificate?.fingerprint256 ?? null, password]);
    if (state.sender?.key !== key) {
      state.sender?.transport.close();
      state.sender = { key, transport: createSmtpSender(outgoing, password, pinnedCertificate) };
    }
    const result = await state.sender.transport.send(raw, envelopeOf(message));
    if (result.ok) return acceptedOutcome(result.info, now());
    return failedOutcome(result.error, result.facts, outgoing, message.attempts, now());
  }

  /**
   * Files one accepted message in `sentFolder` (found once per round); a server that cannot be reached now leaves
   * it for a later round, a refusal is recorded with the message instead of being tried forever. `recovering`: an
   * earlier round accepted it (only then can a copy be there already).
   */
  async function file(state: AccountOutbox, message: OutgoingMessage, sentFolder: () => Promise<string | null>, filedIn: Set<string>, recovering: boolean): Promise<void> {
    const account = state.account;
    let filed: SendReport;
    if (account.incoming.protocol === 'pop3') {
      try {
        await fileInLocalSent(store(), account.id, await buildMessage(message, 'sent'), message.messageId, recovering, now());
        filed = { kind: 'filed', sentFolder: POP3_SENT, error: null };
      } catch (error) {
        const heron = toHeronError(error);
        // No store now, or one that could not write: the next round files it.
        if (heron.code === 'offline' || heron.code === 'store-failed') return;
        filed = { kind: 'filed', sentFolder: null, error: heron.toData() };
      }
    } else {
      try {
        const path = await sentFolder();
        if (path) {
          // Gmail and Microsoft 365 already put the message there when they accepted it: Heron's copy would be a second one.
          if (!serverFilesSent(account.incoming, account.outgoing)) {
            await appendOnce(deps.imapSession(account), path, await buildMessage(message, 'sent'), message.messageId, new Date(message.date));
          }
          filedIn.add(path);
        }
        filed = { kind: 'filed', sentFolder: path, error: null };
      } catch (error) {
        const heron = toHeronError(error);
        if (isRetryable(heron)) return;
        filed = { kind: 'filed', sentFolder: null, error: heron.toData() };
      }
    }
    await report(state, message.id, filed);
  }

  /**
   * Claims and sends the due messages in order; each accepted one goes to `fileLater`. Returns whether a reply was
   * sent (so \Answered waits in the change queue) and the earliest retry time set.
   */
  async function sendDue(state: AccountOutbox, due: string[], password: string, fileLater: (m: OutgoingMessage) => void): Promise<{ answered: boolean; retryAt: number | null }> {
    let answered = false;
    let retryAt: number | null = null;
    for (const id of due) {
      if (state.closed) break;
      const message = await store().claimOutgoing(id, now());
      if (!message) continue;
      const outcome = await sendOne(state, message, password);
      await report(state, id, outcome.report);
      if (outcome.report.kind === 'accepted') {
        answered ||= message.inReplyTo !== null;
        fileLater(message);
      }
      const retryTime = outcome.report.kind === 'retry' ? outcome.report.nextAttemptAt : null;
      if (retryTime !== null) retryAt = Math.min(retryAt ?? retryTime, retryTime);
      // The messages not tried yet stay due: they go at the retry time, or when the person acts.
      if (outcome.stopsRound) {
        state.holdUntil = retryTime ?? Infinity;
        break;
      }
    }
    return { answered, retryAt };
  }

  async function round(state: AccountOutbox): Promise<void> {
    for (const [id, pending] of state.unreported) await report(state, id, pending);
    const work = await store().outboxWork(state.account.id, now());
    const filedIn = new Set<string>();
    // Filing runs beside sending, on the IMAP connection, so the next message need not wait for an APPEND.
    let filing: Promise<void> = Promise.resolve();
    let sentPath: Promise<string | null> | null = null;
    const sentFolder = () => (sentPath ??= sentFolderOf(deps.imapSession(state.account)));
    const fileLater = (message: OutgoingMessage, recovering = false) => void (filing = filing.then(() => file(state, message, sentFolder, filedIn, recovering)));
    work.toFile.forEach((message) => fileLater(message, true));

    let sent: { answered: boolean; retryAt: number | null } = { answered: false, retryAt: null };
    let sendFailure: { error: unknown } | null = null;
    if (work.due.length > 0 && now() >= state.holdUntil) {
      const password = await deps.password(state.account.id);
      // Without a password (browser mode after a restart) nothing is claimed: the messages wait for unlockAccount.
      if (password === null) state.holdUntil = Infinity;
      else {
        try {
          sent = await sendDue(state, work.due, password, fileLater);
        } catch (error) {
          sendFailure = { error };
        }
      }
    }
    // Whatever happened to sending, what was accepted is filed first (a store failure while filing surfaces instead).
    await filing;
    if (sendFailure) throw sendFailure.error;

    // Messages held back go when the hold ends; a hold for the person sets no timer at all.
    const wakes = [work.nextAttemptAt, sent.retryAt, state.holdUntil > now() ? state.holdUntil : null].filter((at): at is number => at !== null);
    schedule(state, state.holdUntil === Infinity || wakes.length === 0 ? null : Math.min(...wakes));
    deps.afterRound(state.account, { filedIn: [...filedIn], answered: sent.answered });
  }

  function schedule(state: AccountOutbox, at: number | null): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    if (at === null || !active || state.closed) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (active) wake(state.account.id).catch(() => undefined); // every outcome is in the store
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - now())));
    state.timer.unref();
  }

  /** A round with the account as it is now (its settings may have changed since the timer was set); none if it was removed. */
  async function wake(accountId: string): Promise<void> {
    const account = (await deps.accounts()).find((a) => a.id === accountId);
    if (account) await run(stateOf(account));
  }

  /** One round per account at a time; a request during one gets one more round after it, shared by every such request. */
  function run(state: AccountOutbox): Promise<void> {
    if (state.running) {
      state.again = true;
      return state.running;
    }
    state.running = (async () => {
      // Only the last round's failure counts: a later round that went well supersedes an earlier one that did not.
      let failure: unknown;
      do {
        state.again = false;
        failure = await round(state).then(() => null, (error: unknown) => error);
      } while (state.again && !state.closed);
      if (failure) throw toHeronError(failure);
    })().finally(() => {
      state.running = null;
    });
    return state.running;
  }

  async function close(state: AccountOutbox): Promise<void> {
    state.closed = true;
    clearTimeout(state.timer);
    await state.running?.catch(() => undefined);
    state.sender?.transport.close();
  }

  return {
    sendNow(account) {
      const state = stateOf(account);
      state.holdUntil = 0;
      return run(state);
    },
    resume() {
      active = true;
      void deps.accounts().then(
        (accounts) => accounts.forEach((account) => run(stateOf(account)).catch(() => undefined)),
        () => undefined,
      );
    },
    pause() {
      active = false;
      for (const state of outboxes.values()) schedule(state, null);
    },
    async forget(accountId) {
      const state = outboxes.get(accountId);
      if (!state) return;
      outboxes.delete(accountId);
      await close(state);
    },
    async stop() {
      active = false;
      const all = [...outboxes.values()];
      outboxes.clear();
      await Promise.all(all.map(close));
    },
  };
}

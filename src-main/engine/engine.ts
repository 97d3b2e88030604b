// The engine: answers the renderer's requests, owns accounts and secrets, and syncs into the renderer's store.

import type { AppInfo, AppMode, ConnectionReport, EngineApi, EngineEvent, RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { DEFAULT_KEEP_BODIES_DAYS, DEFAULT_POP3_OPTIONS, type AccountSummary, type IncomingSettings, type NewAccountInput } from '../../shared/model';
import { applyAccountChanges, incomingChanged } from './account-changes';
import type { AccountSession } from './account-session';
import { createAccountRegistry, toSummary, type AccountRecord, type PinnedCertificate } from './accounts';
import { fetchCertificate, normalizeFingerprint } from './certificate';
import { checkIncoming } from './incoming';
import { discoverSettings, type DiscoveryOptions } from '../discovery/discover';
import { diagnose } from '../doctor/diagnose';
import { createDnsResolver } from '../doctor/dns-records';
import { checkDomainHealth } from '../doctor/domain-health';
import { checkOutgoing, pinOutgoing } from '../doctor/outgoing';
import { fetchAttachmentContent, fetchMessageBody } from '../imap/bodies';
import { fetchMessageSource } from '../imap/message-source';
import { fetchHeadersInto, searchServer } from '../imap/server-search';
import { downloadRest } from '../pop3/download-rest';
import { storedAttachment, storedBody, storedSource } from '../pop3/stored-message';
import { discardDraft, saveDraft } from '../smtp/drafts';
import { createOutgoingLimits } from '../smtp/limits';
import { createOutbox } from '../smtp/outbox';
import { createSyncScheduler } from './scheduler';
import type { SecretStore } from './secrets';
import { validateIncoming, validateOutgoing, validatePop3Options } from './validate-settings';

export interface EngineOptions {
  profileDir: string;
  mode: AppMode;
  secrets: SecretStore;
  version: string;
  /** Opens a validated http(s) URL outside Heron; absent in browser mode, where the page opens links itself. */
  openExternal?: (url: string) => Promise<void>;
  /** Browser mode: the token of the server's link-confirmation page, which the page learns from getAppInfo. */
  linkToken?: string;
  /** Where settings discovery looks (DNS servers, autoconfig port and CA, probe port map, time limits); default: the real world. */
  discovery?: DiscoveryOptions;
  /** The engine's clock: the outbox's (Undo delay, Send later) and POP3's ("delete after N days"); Date.now unless a test moves time itself. */
  now?: () => number;
}

export interface Engine {
  api: EngineApi;
  /** Connects a renderer (a window or a browser tab); returns the function that detaches it. */
  attachRenderer(renderer: RendererApi): () => void;
  shutdown(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const registry = createAccountRegistry(options.profileDir);
  const { secrets } = options;
  const now = options.now ?? Date.now;
  let renderer: RendererApi | null = null;

  const summaries = async (): Promise<AccountSummary[]> =>
    Promise.all((await registry.list()).map(async (record) => toSummary(record, await secrets.storageOf(record.id))));
  const tell = (event: EngineEvent) => renderer?.engineEvent(event);
  const announceAccounts = async () => tell({ type: 'accounts-changed', accounts: await summaries() });

  const scheduler = createSyncScheduler({
    accounts: () => registry.list(),
    password: (id) => secrets.get(id),
    renderer: () => renderer,
    tell,
    now,
  });

  const outbox = createOutbox({
    renderer: () => renderer,
    password: (id) => secrets.get(id),
    accounts: () => registry.list(),
    imapSession: (account) => scheduler.sessionFor(account),
    now,
    afterRound(account, { filedIn, answered }) {
      // Failures here are reported through account-state by the scheduler; the outbox itself is done.
      for (const path of filedIn) scheduler.syncFolderNow(account, path).catch(() => undefined);
      if (answered) scheduler.replayNow(account).catch(() => undefined);
    },
  });

  const limits = createOutgoingLimits((id) => secrets.get(id));

  /** Trusts a certificate only if the server still presents the very one whose fingerprint the person confirmed. */
  async function pinCertificate(incoming: IncomingSettings, fingerprint: string): Promise<PinnedCertificate> {
    const presented = await fetchCertificate(incoming);
    if (presented.fingerprint256 !== normalizeFingerprint(fingerprint)) {
      const { pem: _pem, ...detail } = presented;
      throw new HeronError('certificate-untrusted', 'The server now presents a different certificate from the one you confirmed.', detail);
    }
    return { fingerprint256: presented.fingerprint256, pem: presented.pem };
  }

  async function imapSession(accountId: string) {
    const account = await registry.get(accountId);
    if (account.incoming.protocol !== 'imap') throw new HeronError('unsupported', 'POP3 mail is stored locally; there is nothing to fetch from the server.');
    return scheduler.sessionFor(account);
  }

  function store(): RendererApi {
    if (!renderer) throw new HeronError('offline', 'No Heron window is open to keep the mail in.');
    return renderer;
  }

  /** Where a message is read from: a POP3 account's only copy is the one the store keeps; IMAP asks the server. */
  async function messagesOf(accountId: string): Promise<{ stored: RendererApi } | { session: AccountSession }> {
    const account = await registry.get(accountId);
    return account.incoming.protocol === 'pop3' ? { stored: store() } : { session: scheduler.sessionFor(account) };
  }

  const api: EngineApi = {
    async getAppInfo() {
      const info: AppInfo = { name: 'Heron', version: options.version, mode: options.mode, canEncryptSecrets: secrets.canEncrypt };
      return options.linkToken ? { ...info, linkToken: options.linkToken } : info;
    },
    listAccounts: summaries,
    async addAccount(input: NewAccountInput) {
      validateIncoming(input.incoming);
      if (input.outgoing) validateOutgoing(input.outgoing);
      // Saved explicitly, defaults too: a later change of the defaults must never change what gets deleted on a server.
      const pop3 = input.pop3 !== undefined ? validatePop3Options(input.pop3, input.incoming.protocol) : input.incoming.protocol === 'pop3' ? { ...DEFAULT_POP3_OPTIONS } : null;
      const pinned = input.pinnedFingerprint256 ? await pinCertificate(input.incoming, input.pinnedFingerprint256) : null;
      // A serious client proves the settings before saving them: nothing is kept if the login fails.
      await checkIncoming(input.incoming, input.password, pinned);
      const record: AccountRecord = await registry.add({
        name: input.name.trim() || input.email,
        email: input.email.trim(),
        incoming: input.incoming,
        outgoing: input.outgoing,
        pinnedCertificate: pinned,
        keepBodiesDays: input.keepBodiesDays === undefined ? DEFAULT_KEEP_BODIES_DAYS : input.keepBodiesDays,
        ...(pop3 ? { pop3 } : {}),
      });
      const storage = await secrets.set(record.id, input.password, input.rememberPassword);
      await announceAccounts();
      scheduler.syncSoon(record.id);
      return toSummary(record, storage);
    },
    async removeAccount(accountId) {
      await registry.get(accountId);
      await Promise.all([scheduler.forget(accountId), outbox.forget(accountId)]);
      limits.forget(accountId);
      await registry.remove(accountId);
      await secrets.delete(accountId);
      await announceAccounts();
    },
    async updateAccount(accountId, changes, password) {
      const current = await registry.get(accountId);
      const { pinnedFingerprint256, ...settings } = changes;
      // Validated before anything connects: a typo is 'invalid-input', not a password sent to the wrong place.
      const next = applyAccountChanges(current, settings);
      let pinned = next.pinnedCertificate;
      if (pinnedFingerprint256 !== undefined) pinned = pinnedFingerprint256 ? await pinCertificate(next.incoming, pinnedFingerprint256) : null;
      const login = pinnedFingerprint256 !== undefined || Boolean(password) || incomingChanged(current.incoming, next.incoming);
      if (login) {
        const secret = password || (await secrets.get(accountId));
        if (!secret) throw new HeronError('invalid-input', 'Heron does not have the password of this account at the moment: type it in to check the new server.');
        // As when adding: nothing is saved unless the server accepts the login.
        await checkIncoming(next.incoming, secret, pinned);
      }
      const record = await registry.update(accountId, pinnedFingerprint256 === undefined ? settings : { ...settings, pinnedCertificate: pinned });
      const kept = await secrets.storageOf(accountId);
      const storage = password ? await secrets.set(accountId, password, kept === 'encrypted' || kept === 'plain-file') : kept;
      // Open sessions and IDLE still speak to the old server (or with the old pin or password): the next sync opens new ones.
      if (login) await scheduler.forget(accountId);
      // The outbox's pooled connection may use the old outgoing server or password; messages held for them may go now.
      await outbox.forget(accountId);
      outbox.sendNow(record).catch(() => undefined);
      // Asked of the settings as they were: a new server, or a new limit on the same one, is asked again.
      limits.forget(accountId);
      await announceAccounts();
      scheduler.syncSoon(accountId);
      return toSummary(record, storage);
    },
    async unlockAccount(accountId, password, remember) {
      const record = await registry.get(accountId);
      await checkIncoming(record.incoming, password, record.pinnedCertificate);
      const storage = await secrets.set(accountId, password, remember);
      await announceAccounts();
      scheduler.syncSoon(accountId);
      // Its connection was made with the old password; messages held for the password may go now.
      await outbox.forget(accountId);
      outbox.sendNow(record).catch(() => undefined);
      return toSummary(record, storage);
    },
    async testIncoming(settings, password, pinnedFingerprint256): Promise<ConnectionReport> {
      validateIncoming(settings);
      const pinned = pinnedFingerprint256 ? await pinCertificate(settings, pinnedFingerprint256) : null;
      return checkIncoming(settings, password, pinned);
    },
    async diagnose(target, password, pinnedFingerprint256) {
      return diagnose(target, password, { pinnedFingerprint256: pinnedFingerprint256 ?? null });
    },
    async testOutgoing(settings, password, pinnedFingerprint256) {
      validateOutgoing(settings);
      const pinned = pinnedFingerprint256 ? await pinOutgoing(settings, pinnedFingerprint256) : null;
      return checkOutgoing(settings, password, pinned);
    },
    async checkDomainHealth(domain, dkimSelector) {
      // The DNS servers discovery asks (tests and browser mode point both at a private server).
      return checkDomainHealth(domain, dkimSelector ?? null, createDnsResolver(options.discovery?.dnsServers));
    },
    async discoverSettings(email) {
      return discoverSettings(email, options.discovery);
    },
    async syncAccount(accountId) {
      await scheduler.syncNow(await registry.get(accountId));
    },
    async openFolder(accountId, folderPath) {
      await scheduler.syncFolderNow(await registry.get(accountId), folderPath);
    },
    async fetchBody(accountId, folderPath, uid) {
      const from = await messagesOf(accountId);
      return 'stored' in from ? storedBody(from.stored, accountId, folderPath, uid, now()) : fetchMessageBody(from.session, folderPath, uid);
    },
    async fetchAttachment(accountId, folderPath, uid, partId) {
      const from = await messagesOf(accountId);
      return 'stored' in from ? storedAttachment(from.stored, accountId, folderPath, uid, partId) : fetchAttachmentContent(from.session, folderPath, uid, partId);
    },
    async searchServer(accountId, folderPath, text) {
      return searchServer(await imapSession(accountId), folderPath, text);
    },
    async fetchHeaders(accountId, folderPath, uids) {
      const into = store();
      await fetchHeadersInto(await imapSession(accountId), into, accountId, folderPath, uids);
    },
    async fetchSource(accountId, folderPath, uid) {
      const from = await messagesOf(accountId);
      return 'stored' in from ? storedSource(from.stored, accountId, folderPath, uid) : fetchMessageSource(from.session, folderPath, uid);
    },
    async replayChanges(accountId) {
      await scheduler.replayNow(await registry.get(accountId));
    },
    async sendOutbox(accountId) {
      await outbox.sendNow(await registry.get(accountId));
    },
    async saveDraft(accountId, draft) {
      const account = await registry.get(accountId);
      // POP3 has no folders on the server: its drafts stay in the store.
      if (account.incoming.protocol !== 'imap') return { folder: null };
      const saved = await saveDraft(scheduler.sessionFor(account), draft);
      // So the store shows the new copy in Drafts, and not the one it replaced; failures reach account-state.
      if (saved.folder) scheduler.syncFolderNow(account, saved.folder).catch(() => undefined);
      return saved;
    },
    async discardDraft(accountId, messageId) {
      const account = await registry.get(accountId);
      if (account.incoming.protocol !== 'imap') return;
      const folder = await discardDraft(scheduler.sessionFor(account), messageId);
      if (folder) scheduler.syncFolderNow(account, folder).catch(() => undefined);
    },
    async outgoingLimits(accountId) {
      return limits.of(await registry.get(accountId));
    },
    async downloadRest(accountId, folderPath, uid) {
      const account = await registry.get(accountId);
      if (account.incoming.protocol !== 'pop3') throw new HeronError('unsupported', 'Only POP3 accounts keep messages in part; IMAP fetches a message when it is opened.');
      const password = await secrets.get(accountId);
      if (password === null) throw new HeronError('auth-failed', "Heron needs this account's password again: it was not kept after the last restart.");
      // The store as it is when the download's turn comes: a window closed meanwhile has nowhere to keep it.
      await scheduler.exclusivePop3(account, (signal) => downloadRest({ account, password, renderer: store(), now, signal }, folderPath, uid));
    },
    async openExternal(url) {
      if (!options.openExternal) throw new HeronError('unsupported', 'In browser mode, links open in a new tab of your browser.');
      await options.openExternal(url);
    },
  };

  return {
    api,
    attachRenderer(next) {
      renderer = next;
      scheduler.resume();
      outbox.resume();
      return () => {
        if (renderer !== next) return;
        renderer = null;
        // With no store to write into, syncing would only fetch what cannot be kept.
        scheduler.pause();
        outbox.pause();
      };
    },
    async shutdown() {
      // The outbox first, while the store is still there: the message being sent gets its outcome recorded, and
      // filing in Sent uses the scheduler's IMAP connections. No further message is claimed.
      await outbox.stop();
      renderer = null;
      await scheduler.stop();
    },
  };
}

// Opening a composer: which account and identity write, what a reply or forward starts with, and the draft stored before the composer shows it.

import type { EngineApi } from '../../../shared/contract';
import { HeronError } from '../../../shared/errors';
import type { AccountSummary, MessageBody, MessageHeader, OutgoingAttachment } from '../../../shared/model';
import { getBody } from '../../store/bodies';
import type { HeronDb } from '../../store/db';
import { putDraft } from '../../store/drafts';
import type { DraftRow } from '../../store/rows';
import { draftFromServer, newDraft } from './draft-flow';
import { identitiesKey, identitiesOf, type Identity } from './identities';
import { startCompose, type ComposeKind } from './reply';

export interface MessageRef {
  accountId: string;
  folderPath: string;
  uid: number;
}

/**
 * The original's body: cached, else fetched (a Reply pressed before the reader finished loading), else none, and the
 * reply quotes nothing rather than failing offline.
 */
async function bodyOf(db: HeronDb, engine: EngineApi, ref: MessageRef): Promise<MessageBody | undefined> {
  const cached = await getBody(db, ref.accountId, ref.folderPath, ref.uid);
  if (cached) return cached;
  return engine.fetchBody(ref.accountId, ref.folderPath, ref.uid).catch(() => undefined);
}

async function identitiesByAccount(db: HeronDb, accounts: readonly AccountSummary[]): Promise<Map<string, Identity[]>> {
  const stored = await db.settings.bulkGet(accounts.map((a) => identitiesKey(a.id)));
  return new Map(accounts.map((a, i) => [a.id, identitiesOf(a, stored[i]?.value)]));
}

/** A reply is written by the identity the message was sent to, so the answer comes from the address that was asked. */
export function chooseIdentity(identities: readonly Identity[], original: MessageHeader | null): Identity | undefined {
  const addressed = new Set([...(original?.to ?? []), ...(original?.cc ?? [])].map((a) => a.address.toLowerCase()));
  return identities.find((i) => addressed.has(i.address.toLowerCase())) ?? identities[0];
}

/** The original's attachments (not its inline images), fetched from the server: a forward carries them on. */
async function forwardedAttachments(engine: EngineApi, ref: MessageRef, body: MessageBody | undefined): Promise<OutgoingAttachment[]> {
  const parts = (body?.attachments ?? []).filter((a) => !(a.inline && a.contentId !== null));
  return Promise.all(
    parts.map(async (part) => {
      const content = await engine.fetchAttachment(ref.accountId, ref.folderPath, ref.uid, part.partId);
      return { filename: content.filename ?? part.filename ?? 'attachment', contentType: content.contentType, base64: content.base64, contentId: null };
    }),
  );
}

/**
 * Stores a new draft and returns it. New messages come from the given account (else the first that can send);
 * replies and forwards from the account holding the original.
 */
export async function createDraft(
  db: HeronDb,
  engine: EngineApi,
  accounts: readonly AccountSummary[],
  kind: ComposeKind,
  ref: MessageRef | null,
  preferredAccountId: string | null,
  now = Date.now(),
): Promise<DraftRow> {
  const senders = accounts.filter((a) => a.outgoing !== null);
  const wanted = ref?.accountId ?? preferredAccountId;
  const account = senders.find((a) => a.id === wanted) ?? senders[0];
  if (!account) throw new HeronError('invalid-input', 'No account can send mail yet: add an outgoing (SMTP) server in an account\u2019s settings.');
  const identities = await identitiesByAccount(db, senders);
  const header = ref ? await db.messages.get([ref.accountId, ref.folderPath, ref.uid]) : undefined;
  if (ref && !header) throw new HeronError('not-found', 'That message is no longer here.');
  const body = ref ? await bodyOf(db, engine, ref) : undefined;
  const identity = chooseIdentity(identities.get(account.id) ?? [], header ?? null);
  if (!identity) throw new HeronError('internal', 'The account has no address to send from.');
  const own = [...identities.values()].flat().map((i) => i.address);
  const original = header ? { header, text: body?.text ?? null, html: body?.html ?? null } : null;
  const start = startCompose(kind, original, identity, own, 'rich');
  const draft = newDraft(account.id, identity, start, 'rich', now);
  if (kind === 'forward' && ref) draft.attachments = await forwardedAttachments(engine, ref, body);
  await putDraft(db, draft);
  return draft;
}

/** "Edit draft" on a message in the Drafts folder: a draft on this computer that replaces the server's copy when saved. */
export async function editServerDraft(db: HeronDb, engine: EngineApi, account: AccountSummary, ref: MessageRef, now = Date.now()): Promise<DraftRow> {
  const header = await db.messages.get([ref.accountId, ref.folderPath, ref.uid]);
  if (!header) throw new HeronError('not-found', 'That draft is no longer here.');
  const existing = header.messageId ? await db.drafts.where('accountId').equals(account.id).filter((d) => d.messageId === header.messageId).first() : undefined;
  if (existing) {
    await putDraft(db, { ...existing, open: true });
    return existing;
  }
  const body = await bodyOf(db, engine, ref);
  const attachments = await forwardedAttachments(engine, ref, body);
  const draft = draftFromServer(header, body ?? null, { name: account.name, address: account.email }, attachments, now);
  await putDraft(db, draft);
  return draft;
}

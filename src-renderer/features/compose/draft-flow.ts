// A draft's life outside the editor: made from a start (new, reply, forward, a server draft), sent through the outbox with Undo, edited again from the outbox.

import type { EngineApi } from '../../../shared/contract';
import type { Address, DraftMessage, MessageBody, MessageHeader } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { deleteDraft, newDraftMessageId, putDraft } from '../../store/drafts';
import { queueOutgoing, removeOutgoing, type OutgoingInput } from '../../store/outbox';
import type { DraftRow, OutboxRow } from '../../store/rows';
import { htmlToText, sanitizeForEditor } from './editor-html';
import type { Identity } from './identities';
import type { ComposeStart } from './reply';

export function newDraft(accountId: string, identity: Identity, start: ComposeStart, format: DraftRow['format'], now: number): DraftRow {
  const from: Address = { name: identity.name, address: identity.address };
  return {
    id: crypto.randomUUID(),
    accountId,
    messageId: newDraftMessageId(from),
    from,
    to: start.to,
    cc: start.cc,
    bcc: [],
    subject: start.subject,
    format,
    text: format === 'plain' ? start.text : htmlToText(start.html),
    html: format === 'rich' ? start.html : null,
    inReplyTo: start.inReplyTo,
    references: start.references,
    attachments: [],
    open: true,
    createdAt: now,
    updatedAt: now,
    serverSavedAt: null,
    serverFolder: null,
  };
}

/**
 * The message as it leaves the composer: rich drafts send their HTML, cleaned once more (the editor's document
 * could hold what a paste slipped in), with the plain version beside it for mail readers without HTML.
 */
export function finishedBody(draft: Pick<DraftRow, 'format' | 'text' | 'html'>): { text: string; html: string | null } {
  if (draft.format === 'plain' || draft.html === null) return { text: draft.text, html: null };
  const html = sanitizeForEditor(draft.html);
  return { text: htmlToText(html), html };
}

export function outgoingFrom(draft: DraftRow): OutgoingInput {
  const { accountId, from, to, cc, bcc, subject, inReplyTo, references, attachments } = draft;
  return { accountId, from, to, cc, bcc, subject, inReplyTo, references, attachments, draftId: draft.id, ...finishedBody(draft) };
}

/** What the engine files in the Drafts folder. */
export function draftMessage(draft: DraftRow): DraftMessage {
  const { messageId, from, to, cc, bcc, subject, inReplyTo, references, attachments, accountId, updatedAt } = draft;
  return { accountId, messageId, from, to, cc, bcc, subject, inReplyTo, references, attachments, date: updatedAt, ...finishedBody(draft) };
}

/**
 * Send (or Send later): the message goes into the outbox first, then the draft goes. Stopping between the two
 * leaves a draft beside the queued message, never neither. The server's copy of the draft is removed too.
 */
export async function sendDraft(db: HeronDb, engine: EngineApi, draft: DraftRow, sendAt?: number): Promise<OutboxRow> {
  const row = await queueOutgoing(db, sendAt === undefined ? outgoingFrom(draft) : { ...outgoingFrom(draft), sendAt });
  await deleteDraft(db, draft.id);
  engine.sendOutbox(draft.accountId).catch(() => undefined);
  if (draft.serverFolder !== null) engine.discardDraft(draft.accountId, draft.messageId).catch(() => undefined);
  return row;
}

/** Undo: false when it is too late (the engine has it). Otherwise the draft is back, open, as it was sent. */
export async function undoSend(db: HeronDb, outboxId: string, draft: DraftRow, now: number): Promise<boolean> {
  if (!(await removeOutgoing(db, outboxId))) return false;
  // Its server copy was discarded at Send: it is filed again with the next save.
  await putDraft(db, { ...draft, open: true, updatedAt: now, serverSavedAt: null, serverFolder: null });
  return true;
}

/** "Edit" on an outbox message that has not gone: it leaves the outbox and opens as a draft. */
export async function editOutgoing(db: HeronDb, row: OutboxRow, now: number): Promise<DraftRow | null> {
  if (!(await removeOutgoing(db, row.id))) return null;
  const { accountId, from, to, cc, bcc, subject, text, html, inReplyTo, references, attachments } = row;
  const draft: DraftRow = {
    id: crypto.randomUUID(),
    accountId,
    messageId: newDraftMessageId(from),
    from,
    to,
    cc,
    bcc,
    subject,
    format: html === null ? 'plain' : 'rich',
    text,
    html,
    inReplyTo,
    references,
    attachments,
    open: true,
    createdAt: now,
    updatedAt: now,
    serverSavedAt: null,
    serverFolder: null,
  };
  await putDraft(db, draft);
  return draft;
}

/**
 * A draft another client (or an earlier Heron) left in the Drafts folder, opened for editing: it keeps its
 * Message-ID, so the next save replaces that copy instead of adding a second one.
 */
export function draftFromServer(header: MessageHeader, body: MessageBody | null, from: Address, attachments: DraftRow['attachments'], now: number): DraftRow {
  const html = body?.html ? sanitizeForEditor(body.html) : null;
  return {
    id: crypto.randomUUID(),
    accountId: header.accountId,
    messageId: header.messageId ?? newDraftMessageId(from),
    from: header.from[0] ?? from,
    to: header.to,
    cc: header.cc,
    bcc: [],
    subject: header.subject,
    format: html === null ? 'plain' : 'rich',
    text: body?.text ?? (html === null ? '' : htmlToText(html)),
    html,
    inReplyTo: header.inReplyTo,
    references: header.references,
    attachments,
    open: true,
    createdAt: now,
    updatedAt: now,
    serverSavedAt: header.messageId ? now : null,
    serverFolder: header.messageId ? header.folderPath : null,
  };
}

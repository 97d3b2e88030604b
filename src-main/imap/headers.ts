// Turns imapflow's FETCH results into Heron message headers: addresses, dates, thread ids, attachment marks.

import type { FetchMessageObject, FetchQueryObject, MessageAddressObject, MessageStructureObject } from 'imapflow';
import type { Address, Flag, MessageHeader } from '../../shared/model';

/** What each header FETCH asks for: enough for the list and threading, nothing from the body. */
export const HEADER_QUERY: FetchQueryObject = {
  uid: true,
  flags: true,
  envelope: true,
  internalDate: true,
  size: true,
  bodyStructure: true,
  // References is not part of ENVELOPE; threading needs it.
  headers: ['references'],
};

const MESSAGE_ID = /<[^<>\s]+>/g;

function addresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? []).filter((a) => a.address || a.name).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/** Message-IDs are compared exactly by threading, so every source is reduced to the same `<id>` form. */
export function messageIds(text: string | undefined | null): string[] {
  return text ? (text.match(MESSAGE_ID) ?? []) : [];
}

export function referencesOf(headers: Buffer | undefined): string[] {
  if (!headers) return [];
  // Unfold continuation lines, then keep the ids of the References header only.
  const unfolded = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const line = /^references:(.*)$/im.exec(unfolded);
  return messageIds(line?.[1]);
}

/** True when some leaf part is an attachment: declared so, or a named non-text part. */
export function hasAttachments(node: MessageStructureObject | undefined): boolean {
  if (!node) return false;
  if (node.childNodes?.length) return node.childNodes.some(hasAttachments);
  if (node.disposition === 'attachment') return true;
  const named = Boolean(node.dispositionParameters?.filename || node.parameters?.name);
  return named && !node.type.startsWith('text/') && node.disposition !== 'inline';
}

function dateOf(message: FetchMessageObject): number {
  const fromEnvelope = message.envelope?.date ? new Date(message.envelope.date).getTime() : NaN;
  if (Number.isFinite(fromEnvelope)) return fromEnvelope;
  const internal = message.internalDate ? new Date(message.internalDate).getTime() : NaN;
  return Number.isFinite(internal) ? internal : 0;
}

export function toHeader(accountId: string, folderPath: string, message: FetchMessageObject): Omit<MessageHeader, 'threadId'> {
  const flags = [...(message.flags ?? [])] as Flag[];
  const envelope = message.envelope;
  return {
    accountId,
    folderPath,
    uid: message.uid,
    date: dateOf(message),
    subject: envelope?.subject ?? '',
    from: addresses(envelope?.from),
    to: addresses(envelope?.to),
    cc: addresses(envelope?.cc),
    messageId: messageIds(envelope?.messageId)[0] ?? null,
    inReplyTo: messageIds(envelope?.inReplyTo)[0] ?? null,
    references: referencesOf(message.headers),
    flags,
    unread: flags.includes('\\Seen') ? 0 : 1,
    flagged: flags.includes('\\Flagged') ? 1 : 0,
    size: message.size ?? 0,
    hasAttachments: hasAttachments(message.bodyStructure),
    // A preview needs body bytes; it is filled when the body is fetched, not on the header path.
    preview: '',
  };
}

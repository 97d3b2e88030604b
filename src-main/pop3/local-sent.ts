// Owns filing a POP3 account's sent copies: the server has no Sent folder, so the copy goes into the local one, kept
// like a downloaded message (header, body and raw source in one commit).

import type { RendererApi } from '../../shared/contract';
import { localFolders, POP3_SENT } from './local-folders';
import { messageIdOf, readLocalMessage } from './pop3-message';

/**
 * Whether local Sent holds a copy with this Message-ID. The store answers no query by Message-ID, so the stored
 * sources are read, newest first: this runs only for a message an earlier round accepted but never reported filed,
 * whose copy, if any, is among the newest.
 */
async function hasCopy(renderer: RendererApi, accountId: string, messageId: string): Promise<boolean> {
  const uids = await renderer.getFolderUids(accountId, POP3_SENT);
  for (const uid of [...uids].sort((a, b) => b - a)) {
    const base64 = await renderer.messageSource(accountId, POP3_SENT, uid);
    if (base64 !== null && (await messageIdOf(Buffer.from(base64, 'base64'))) === messageId) return true;
  }
  return false;
}

/**
 * Files `raw` (the 'sent' copy, Bcc kept) in local Sent, read. `recovering`: an earlier round may have filed it and
 * stopped before reporting, so a copy already there is taken as filed instead of being added twice.
 */
export async function fileInLocalSent(renderer: RendererApi, accountId: string, raw: Buffer, messageId: string, recovering: boolean, now: number): Promise<void> {
  if (recovering && (await hasCopy(renderer, accountId, messageId))) return;
  const uid = await renderer.allocateUids(accountId, 1);
  const { header, body, source } = await readLocalMessage(raw, { accountId, folderPath: POP3_SENT, uid, flags: ['\\Seen'], at: now });
  // The folders too: mail may be sent before the account's first sync made them.
  await renderer.applyBatch({ accountId, folders: localFolders(accountId), folderPath: POP3_SENT, upsertMessages: [header], bodies: [body], sources: [source] });
}

// Owns "download the rest": a message kept in part under the size limit is fetched whole and replaces its partial copy.

import type { RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { Flag, PopMessage } from '../../shared/model';
import { messageParts, serverMessages, withPop3Session, type Pop3SyncDeps } from './sync';

const recordOf = async (renderer: RendererApi, accountId: string, uid: number): Promise<PopMessage | undefined> =>
  (await renderer.popMessages(accountId)).find((r) => r.uid === uid);

/**
 * Fetches the message whole (RETR) by its record's UIDL and writes it over the partial copy with the record, in one
 * strict commit like a sync's. Only RETR: the session QUITs with nothing marked for deletion.
 */
export async function downloadRest(deps: Omit<Pop3SyncDeps, 'progress'>, folderPath: string, uid: number): Promise<void> {
  const { account, renderer } = deps;
  const record = await recordOf(renderer, account.id, uid);
  if (!record) throw new HeronError('not-found', 'Heron has no record of this message on the POP3 server.', { folderPath, uid });
  if (!record.partial) return;
  const raw = await withPop3Session(deps, async (session) => {
    const message = (await serverMessages(session)).get(record.uidl);
    if (!message) throw new HeronError('not-found', 'The server no longer has this message, so only the part Heron downloaded can be shown.', { folderPath, uid });
    const whole = await session.retr(message.msgno);
    await session.quit();
    return whole;
  });
  // Read again: moved or deleted for good while it downloaded, it must not come back here beside or instead of that.
  const current = await recordOf(renderer, account.id, uid);
  if (current && !current.partial) return;
  if (!current || current.deletedLocally || (await renderer.messageSource(account.id, folderPath, uid)) === null)
    throw new HeronError('not-found', 'This message was moved or deleted while the rest of it was downloading.', { folderPath, uid });
  // For a new copy only: the store keeps the flags of a POP3 message it already holds (they live nowhere else).
  const flags: Flag[] = ['\\Seen'];
  const { batch } = await messageParts(deps, folderPath, [{ raw, uid, partialOf: null }], flags);
  await renderer.applyBatch({ ...batch, popMessages: [{ ...current, partial: false }] });
}

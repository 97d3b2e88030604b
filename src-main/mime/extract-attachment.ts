// Owns getting one attachment's bytes out of a raw message, by the partId parseMessage gave it.

import { HeronError } from '../../shared/errors';
import type { AttachmentContent } from '../../shared/model';
import { walkMessage } from './walk-message';

function notFound(partId: string, cause?: string): HeronError {
  return new HeronError('not-found', 'That attachment is not in the message.', cause ? { partId, cause } : { partId });
}

/**
 * The decoded bytes of attachment `partId` ("1" is mailparser's first attachment). Only that part's bytes are
 * held in memory; the others stream through. A message that cannot be parsed has no attachments (parseMessage
 * lists none), so any partId is then 'not-found'.
 */
export async function extractAttachment(source: Buffer, partId: string): Promise<AttachmentContent> {
  if (!/^[1-9]\d{0,5}$/.test(partId)) throw notFound(partId);
  const wanted = Number(partId) - 1;
  let walked;
  try {
    walked = await walkMessage(source, (_part, index) => (index === wanted ? Number.MAX_SAFE_INTEGER : 0), { skipHtmlToText: true, skipTextToHtml: true });
  } catch (error) {
    throw notFound(partId, error instanceof Error ? error.message : String(error));
  }
  const part = walked.attachments[wanted];
  if (!part?.content) throw notFound(partId);
  return { filename: part.filename, contentType: part.contentType, base64: part.content.toString('base64') };
}

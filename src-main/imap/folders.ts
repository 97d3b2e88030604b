// Folder listing: LIST (with SPECIAL-USE, else imapflow's name matching) plus STATUS counts, as Heron folders.

import type { ImapFlow, ListResponse } from 'imapflow';
import type { Folder, SpecialUse } from '../../shared/model';
import { mapProtocolError } from '../engine/error-map';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

export function toFolder(accountId: string, entry: ListResponse): Folder {
  const selectable = !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent');
  return {
    accountId,
    path: entry.path,
    name: entry.name,
    delimiter: entry.delimiter || null,
    parentPath: entry.parentPath || null,
    specialUse: entry.path.toUpperCase() === 'INBOX' ? 'inbox' : (entry.specialUse && SPECIAL_USE[entry.specialUse]) || null,
    subscribed: entry.subscribed,
    selectable,
    total: entry.status?.messages ?? 0,
    unread: entry.status?.unseen ?? 0,
  };
}

export async function listFolders(client: ImapFlow, accountId: string): Promise<Folder[]> {
  try {
    const entries = await client.list({ statusQuery: { messages: true, unseen: true } });
    return entries.map((entry) => toFolder(accountId, entry));
  } catch (error) {
    throw mapProtocolError(error, { host: client.host, port: client.port });
  }
}

// Owns the folders of a POP3 account: the server has one mailbox and no folders, so these live only in Heron.

import type { Folder } from '../../shared/model';

/** Where downloaded mail goes, and where a POP3 account's sent copies are filed (there is no server Sent folder). */
export const POP3_INBOX = 'INBOX';
export const POP3_SENT = 'Sent';

/** What every POP3 account has: Inbox for what is downloaded, and local Sent, Drafts, Trash and Archive. */
export function localFolders(accountId: string): Folder[] {
  const make = (path: string, specialUse: Folder['specialUse']): Folder => ({
    accountId, path, name: path === POP3_INBOX ? 'Inbox' : path, delimiter: '/', parentPath: null,
    specialUse, subscribed: true, selectable: true, total: 0, unread: 0,
  });
  return [make(POP3_INBOX, 'inbox'), make(POP3_SENT, 'sent'), make('Drafts', 'drafts'), make('Trash', 'trash'), make('Archive', 'archive')];
}

// The "Unencrypted" badge an account keeps while any of its servers sends the password and mail in plain text.

import type { AccountSummary } from '../../../shared/model';
import { unencryptedNote, unencryptedServers } from './unencrypted';
import './setup.css';

/** `explained`: the note is shown as text beside the badge (settings), not only as its tooltip (folder pane). */
export function UnencryptedBadge({ account, explained = false }: { account: Pick<AccountSummary, 'incoming' | 'outgoing'>; explained?: boolean }) {
  const note = unencryptedNote(unencryptedServers(account.incoming, account.outgoing));
  if (!note) return null;
  const badge = (
    <span className="badge unencrypted" title={note}>
      Unencrypted
    </span>
  );
  return explained ? (
    <p className="unencrypted-note">
      {badge} {note}
    </p>
  ) : (
    badge
  );
}

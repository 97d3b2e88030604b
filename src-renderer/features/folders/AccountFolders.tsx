// One account in the folder pane: its name (collapsible), offline and unencrypted badges, settings, sync progress, password prompt or error with its fix, then its folders (a POP3 account's with the tools to make its own).

import type { EngineApi } from '../../../shared/contract';
import { HeronError, type HeronErrorData } from '../../../shared/errors';
import type { AccountSummary, SyncProgress } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { settingsButtonId } from '../accounts/account-settings';
import { ErrorFixButton } from '../accounts/ErrorFixButton';
import { ErrorNote } from '../accounts/ErrorNote';
import { UnlockAccount } from '../accounts/UnlockAccount';
import { Icon } from '../layout/icons';
import { UnencryptedBadge } from '../setup/UnencryptedBadge';
import { FolderPane, type FolderDropTarget, type FolderSelection } from './FolderPane';
import { SyncStatus } from './SyncStatus';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  account: AccountSummary;
  progress: SyncProgress | undefined;
  needsPassword: boolean;
  /** The server cannot be reached: shown as a calm badge, not as an error. */
  offline: boolean;
  error: HeronErrorData | undefined;
  selection: FolderSelection | null;
  onSelect: (selection: FolderSelection) => void;
  collapsed: ReadonlySet<string>;
  onToggleCollapsed: (key: string) => void;
  drop: FolderDropTarget;
  onOpenSettings: () => void;
  /** The person chose the way to the fix the error offers (error-fix.ts). */
  onFix: (error: HeronErrorData) => void;
}

export const accountCollapseKey = (accountId: string) => `account\u0000${accountId}`;

export function AccountFolders({ db, engine, account, progress, needsPassword, offline, error, selection, onSelect, collapsed, onToggleCollapsed, drop, onOpenSettings, onFix }: Props) {
  const key = accountCollapseKey(account.id);
  const closed = collapsed.has(key);
  const name = account.name || account.email;
  return (
    <section className="account" aria-label={account.email}>
      <div className="account-header">
        <h2>
          <button type="button" className="account-toggle" aria-expanded={!closed} onClick={() => onToggleCollapsed(key)} title={account.email}>
            <Icon name={closed ? 'chevron-right' : 'chevron-down'} size={14} />
            <span>{name}</span>
          </button>
          {offline && (
            <span className="badge offline" title="The server cannot be reached; changes wait until it can.">
              <Icon name="offline" size={13} />
              Offline
            </span>
          )}
        </h2>
        {/* Outside the heading, so the heading's name stays the account's name. */}
        <button type="button" className="tool" id={settingsButtonId(account.id)} aria-label="Account settings" title={`Account settings for ${account.email}`} onClick={onOpenSettings}>
          Settings
        </button>
      </div>
      {/* Under the name rather than beside it, where it would squeeze the name in a narrow pane. */}
      <UnencryptedBadge account={account} />
      <SyncStatus progress={progress} />
      {needsPassword && <UnlockAccount engine={engine} account={account} />}
      {error && (
        // Out of reach is the calm badge above, not an error note; trying again still helps.
        <div className="account-error">
          {!offline && <ErrorNote error={HeronError.fromData(error)} />}
          <ErrorFixButton error={error} onFix={() => onFix(error)} />
        </div>
      )}
      {!closed && (
        <FolderPane
          db={db}
          accountId={account.id}
          selection={selection}
          onSelect={onSelect}
          collapsed={collapsed}
          onToggleCollapsed={onToggleCollapsed}
          drop={drop}
          local={account.incoming.protocol === 'pop3'}
        />
      )}
    </section>
  );
}

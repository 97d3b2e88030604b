// The mail window as it stands: accounts with their folders from the store, and the selected folder's counts.

import { useState } from 'react';
import type { EngineApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { AccountSummary } from '../../shared/model';
import { ErrorNote } from '../features/accounts/ErrorNote';
import { UnlockAccount } from '../features/accounts/UnlockAccount';
import { FolderPane, type FolderSelection } from '../features/folders/FolderPane';
import { SyncStatus } from '../features/folders/SyncStatus';
import type { HeronDb } from '../store/db';
import type { AccountStatus } from './use-engine';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  accounts: AccountSummary[];
  statuses: Record<string, AccountStatus>;
  onAddAccount: () => void;
}

export function MailWindow({ db, engine, accounts, statuses, onAddAccount }: Props) {
  const [selection, setSelection] = useState<FolderSelection | null>(null);
  // Opening a folder asks the engine to sync it now; failures show through the account's status.
  const open = (next: FolderSelection) => {
    setSelection(next);
    engine.openFolder(next.accountId, next.path).catch(() => undefined);
  };
  return (
    <div className="mail-window">
      <nav className="sidebar" aria-label="Accounts and folders">
        {accounts.map((account) => {
          const status = statuses[account.id];
          return (
            <section key={account.id} className="account" aria-label={account.email}>
              <h2>{account.name || account.email}</h2>
              {status?.progress && status.progress.phase !== 'idle' && <SyncStatus progress={status.progress} />}
              {status?.state === 'needs-password' && <UnlockAccount engine={engine} account={account} />}
              {status?.state === 'error' && status.error && <ErrorNote error={HeronError.fromData(status.error)} />}
              <FolderPane db={db} accountId={account.id} selection={selection} onSelect={open} />
            </section>
          );
        })}
        <button type="button" onClick={onAddAccount}>
          Add account
        </button>
      </nav>
      <main className="content">
        {selection ? (
          <h1>
            {selection.name} <span className="count">{selection.total} messages</span>
          </h1>
        ) : (
          <p className="hint">Choose a folder.</p>
        )}
      </main>
    </div>
  );
}

// The bar over a POP3 message Heron downloaded only in part (it is larger than the account's limit), with the way to download the rest.

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { popMessageOfUid } from '../../store/pop3';
import { ErrorNote } from '../accounts/ErrorNote';

interface ViewProps {
  busy: boolean;
  error: HeronError | null;
  onDownload: () => void;
}

/** What the bar shows, without the store or the engine. */
export function PartialMessageView({ busy, error, onDownload }: ViewProps) {
  return (
    <div className="partial-bar" role="region" aria-label="Partly downloaded message">
      <span>Only the beginning of this message was downloaded (it is larger than your limit).</span>
      <button type="button" onClick={onDownload} disabled={busy}>
        {busy ? 'Downloading…' : 'Download the rest'}
      </button>
      {error && <ErrorNote error={error} />}
    </div>
  );
}

interface Props {
  db: HeronDb;
  engine: EngineApi;
  account: AccountSummary;
  folderPath: string;
  uid: number;
}

/**
 * Shown while the message's POP3 record says `partial`; the engine's download writes the whole message and the record
 * in one batch, so the bar goes by itself once the rest is here. Nothing for IMAP, whose bodies come on demand.
 */
export function PartialMessageBar({ db, engine, account, folderPath, uid }: Props) {
  const pop3 = account.incoming.protocol === 'pop3';
  const partial = useLiveQuery(
    // A record that cannot be read shows no bar: the message itself is still there to read.
    () => (pop3 ? popMessageOfUid(db, account.id, uid).then((record) => record?.partial === true, () => false) : Promise.resolve(false)),
    [db, pop3, account.id, uid],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);
  if (!partial) return null;

  const download = () => {
    setBusy(true);
    setError(null);
    engine
      .downloadRest(account.id, folderPath, uid)
      .catch((failure: unknown) => setError(toHeronError(failure)))
      .finally(() => setBusy(false));
  };
  return <PartialMessageView busy={busy} error={error} onDownload={download} />;
}

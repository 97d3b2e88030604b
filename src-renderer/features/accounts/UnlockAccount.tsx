// Asking again for a password that was not kept (browser mode after a restart, without "remember").

import { useId, useState, type FormEvent } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import { ErrorNote } from './ErrorNote';

export function UnlockAccount({ engine, account }: { engine: EngineApi; account: AccountSummary }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<HeronError | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await engine.unlockAccount(account.id, password, false);
      setError(null);
    } catch (failure) {
      setError(toHeronError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="unlock" aria-label={`Password for ${account.email}`} onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={id}>Password for {account.email}</label>
      <input id={id} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      <button type="submit" disabled={busy || password === ''}>
        Connect
      </button>
      {error && <ErrorNote error={error} />}
    </form>
  );
}

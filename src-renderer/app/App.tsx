// The top of the UI: connection states, the first-run screen, and the mail window once an account exists.

import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useState } from 'react';
import { SetupWizard } from '../features/setup/SetupWizard';
import { MailWindow } from './MailWindow';
import type { EngineEvent } from '../../shared/contract';
import { useEngine, withEvent, type AccountStatus } from './use-engine';

function Notice({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="notice">
      <h1>{title}</h1>
      <p>{children}</p>
    </main>
  );
}

export function App() {
  const [statuses, setStatuses] = useState<Record<string, AccountStatus>>({});
  const onEngineEvent = useCallback((event: EngineEvent) => setStatuses((all) => withEvent(all, event)), []);
  const session = useEngine(onEngineEvent);
  const db = session.status === 'ready' ? session.db : null;
  const accounts = useLiveQuery(() => (db ? db.accounts.toArray().then((all) => all.sort((a, b) => a.createdAt - b.createdAt)) : []), [db]);
  const [adding, setAdding] = useState(false);

  switch (session.status) {
    case 'connecting':
      return <Notice title="Heron">Starting…</Notice>;
    case 'other-tab':
      return <Notice title="Heron is open in another tab">Heron keeps your mail in one tab at a time. Switch to that tab, or close it and reload this one.</Notice>;
    case 'unreachable':
      return <Notice title="Heron is not running">Heron's engine did not answer. If you restarted Heron, open the address it printed: the access token changes at each start.</Notice>;
    case 'disconnected':
      return <Notice title="Heron stopped">The connection to Heron's engine ended. Start Heron again and open the address it prints.</Notice>;
  }

  if (accounts === undefined) return <Notice title="Heron">Opening your mail…</Notice>;
  if (accounts.length === 0 || adding) {
    return (
      <main className="first-run">
        <h1>{accounts.length === 0 ? 'Welcome to Heron' : 'Add another account'}</h1>
        {accounts.length === 0 && <p>Heron reads and sends mail for any IMAP or POP3 account. Start by adding one.</p>}
        <SetupWizard engine={session.engine} info={session.info} onAdded={() => setAdding(false)} onCancel={accounts.length > 0 ? () => setAdding(false) : undefined} />
      </main>
    );
  }
  return <MailWindow db={session.db} engine={session.engine} info={session.info} accounts={accounts} statuses={statuses} onAddAccount={() => setAdding(true)} />;
}

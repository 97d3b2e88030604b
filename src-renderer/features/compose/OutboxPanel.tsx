// The outbox: every message not yet sent (or sent with something to tell), its state in words, and what can be done about it.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { HeronError, toHeronError } from '../../../shared/errors';
import type { HeronDb } from '../../store/db';
import { removeOutgoing, retryOutgoing, UNDO_DELAY_MS } from '../../store/outbox';
import type { OutboxRow } from '../../store/rows';
import { ErrorNote } from '../accounts/ErrorNote';
import { formatAddress } from './address-input';
import { editOutgoing } from './draft-flow';
import { describeOutgoing, outboxOrder, type OutboxAction } from './outbox-view';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  onOpenDraft: (draftId: string) => void;
  onClose: () => void;
}

/** Undo, Edit and Remove come too late once the engine has claimed the message. */
const TOO_LATE = () => new HeronError('invalid-input', 'Too late: Heron is sending this message now. Its outcome will show here.');

const LABELS: Record<OutboxAction, string> = {
  undo: 'Undo',
  'send-now': 'Send now',
  'send-again': 'Send again',
  edit: 'Edit',
  remove: 'Remove',
  dismiss: 'Dismiss',
};

export function OutboxPanel({ db, engine, onOpenDraft, onClose }: Props) {
  const rows = useLiveQuery(() => db.outbox.toArray(), [db]) ?? [];
  const [error, setError] = useState<HeronError | null>(null);
  // Times like "Sending in a moment" change with the clock.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const act = async (row: OutboxRow, action: OutboxAction) => {
    setError(null);
    try {
      if (action === 'send-now' || action === 'send-again') {
        await retryOutgoing(db, row.id);
        await engine.sendOutbox(row.accountId);
      } else if (action === 'undo' || action === 'edit') {
        const draft = await editOutgoing(db, row, Date.now());
        if (draft) onOpenDraft(draft.id);
        else setError(TOO_LATE());
      } else if (!(await removeOutgoing(db, row.id))) {
        setError(TOO_LATE());
      }
    } catch (e) {
      setError(toHeronError(e));
    }
  };

  return (
    <section className="outbox-panel" role="dialog" aria-label="Outbox">
      <header className="panel-header">
        <h2>Outbox</h2>
        <button type="button" className="tool" aria-label="Close the outbox" onClick={onClose}>
          ×
        </button>
      </header>
      {error && <ErrorNote error={error} />}
      {rows.length === 0 ? (
        <p className="hint">Nothing waiting to be sent.</p>
      ) : (
        <ul className="outbox-list">
          {outboxOrder(rows).map((row) => {
            const line = describeOutgoing(row, now, UNDO_DELAY_MS);
            const subject = row.subject.trim() || '(no subject)';
            return (
              <li key={row.id} className={`outbox-item ${row.state}`} aria-label={subject}>
                <p className="outbox-subject">{subject}</p>
                <p className="outbox-recipients">To {[...row.to, ...row.cc, ...row.bcc].map(formatAddress).join(', ')}</p>
                <p className="outbox-status">{line.status}</p>
                {line.details.map((d) => (
                  <p key={d} className="outbox-detail">
                    {d}
                  </p>
                ))}
                <div className="outbox-actions">
                  {line.actions.map((action) => (
                    <button key={action} type="button" onClick={() => void act(row, action)}>
                      {LABELS[action]}
                    </button>
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

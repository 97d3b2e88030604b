// The line that follows a Send: Undo while the message waits, then how it went, with the way to the outbox when it did not go.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { HeronDb } from '../../store/db';
import { UNDO_DELAY_MS } from '../../store/outbox';
import type { DraftRow, OutboxRow } from '../../store/rows';
import { undoSend } from './draft-flow';
import { describeOutgoing } from './outbox-view';

export interface SentMessage {
  row: OutboxRow;
  draft: DraftRow;
}

interface Props {
  db: HeronDb;
  sent: SentMessage;
  onUndone: (draftId: string) => void;
  onOpenOutbox: () => void;
  onDismiss: () => void;
}

/** How long "Sent" stays after the message left; failures stay until dismissed. */
const SENT_SHOWN_MS = 4_000;

export function SendNotice({ db, sent, onUndone, onOpenOutbox, onDismiss }: Props) {
  // undefined while reading; null once the row is gone (sent and filed, or undone).
  const row = useLiveQuery(() => db.outbox.get(sent.row.id).then((r) => r ?? null), [db, sent.row.id]);
  const [tooLate, setTooLate] = useState(false);
  const gone = row === null;
  const scheduled = sent.row.nextAttemptAt !== null && sent.row.nextAttemptAt - sent.row.createdAt > UNDO_DELAY_MS;

  useEffect(() => {
    if (!gone && !scheduled) return;
    const timer = setTimeout(onDismiss, SENT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [gone, scheduled, onDismiss]);

  if (row === undefined) return null;
  const subject = sent.row.subject.trim() || '(no subject)';
  let text: string;
  let canUndo = false;
  let problem = false;
  if (row === null) text = `Sent: ${subject}`;
  else if (row.state === 'queued') {
    text = scheduled ? `${subject}: ${describeOutgoing(row, Date.now(), UNDO_DELAY_MS).status}` : `Sending ${subject}…`;
    canUndo = !scheduled;
  } else if (row.state === 'sending') text = `Sending ${subject}…`;
  else if (row.state === 'sent') text = row.rejected.length > 0 ? `Sent, but some recipients were refused: ${subject}` : `Sent: ${subject}`;
  else {
    text = `Not sent: ${subject}. ${row.lastError?.message ?? ''}`.trim();
    problem = true;
  }

  return (
    <div className={problem ? 'send-notice problem' : 'send-notice'} role="status">
      <span>{tooLate ? `${text} (too late to undo)` : text}</span>
      {canUndo && !tooLate && (
        <button
          type="button"
          onClick={() =>
            void undoSend(db, sent.row.id, sent.draft, Date.now()).then((undone) => {
              if (undone) onUndone(sent.draft.id);
              else setTooLate(true);
            })
          }
        >
          Undo
        </button>
      )}
      {(problem || (row !== null && row.state === 'sent' && row.rejected.length > 0)) && (
        <button type="button" onClick={onOpenOutbox}>
          Open the outbox
        </button>
      )}
      <button type="button" className="tool" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

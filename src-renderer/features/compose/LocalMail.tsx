// The sidebar's "On this computer" entries: the outbox and the drafts kept locally, each with its count, shown only when there is something.

import { useLiveQuery } from 'dexie-react-hooks';
import type { HeronDb } from '../../store/db';
import { listDrafts } from '../../store/drafts';

interface Props {
  db: HeronDb;
  /** The draft the composer shows, which is not "waiting" in the list. */
  openDraftId: string | null;
  onOpenOutbox: () => void;
  onOpenDraft: (draftId: string) => void;
}

export function LocalMail({ db, openDraftId, onOpenOutbox, onOpenDraft }: Props) {
  const outbox = useLiveQuery(() => db.outbox.count(), [db]) ?? 0;
  const drafts = (useLiveQuery(() => listDrafts(db), [db]) ?? []).filter((d) => d.id !== openDraftId);
  if (outbox === 0 && drafts.length === 0) return null;
  return (
    <section className="local-mail" aria-label="On this computer">
      <h2 className="local-mail-title">On this computer</h2>
      {outbox > 0 && (
        <button type="button" className="folder-row local" onClick={onOpenOutbox}>
          <span className="name">Outbox</span> <span className="count">{outbox}</span>
        </button>
      )}
      {drafts.length > 0 && (
        <ul className="local-drafts" aria-label="Drafts on this computer">
          {drafts.map((d) => (
            <li key={d.id}>
              <button type="button" className="folder-row local" onClick={() => onOpenDraft(d.id)}>
                <span className="name">Draft: {d.subject.trim() || '(no subject)'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// The composer: from, recipients with suggestions, subject, body (rich or plain), attachments; saved as it is typed; Send, Send later, Discard.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { HeronError, toHeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { deleteDraft } from '../../store/drafts';
import type { DraftRow, OutboxRow } from '../../store/rows';
import { ErrorNote } from '../accounts/ErrorNote';
import { BodyEditor } from './BodyEditor';
import { attachmentBytes, ComposeAttachments, readFiles } from './ComposeAttachments';
import { sendDraft } from './draft-flow';
import { htmlToText, textToHtml } from './editor-html';
import { identitiesKey, identitiesOf, type Identity } from './identities';
import { estimateMessageSize, sizeWarning } from './message-size';
import { RecipientField } from './RecipientField';
import { useDraftEditor, type DraftSaveState } from './use-draft-editor';
import './compose.css';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  accounts: readonly AccountSummary[];
  draftId: string;
  onClose: () => void;
  /** The message is in the outbox; `draft` is what it was written in, for Undo. */
  onSent: (row: OutboxRow, draft: DraftRow) => void;
}

type Field = 'to' | 'cc' | 'bcc';

function saveStateText(state: DraftSaveState): string {
  switch (state.kind) {
    case 'unsaved':
      return 'Saving…';
    case 'local':
      return 'Draft saved on this computer';
    case 'server':
      return state.folder ? `Draft saved on this computer and in ${state.folder}` : 'Draft saved on this computer (the server has no Drafts folder)';
    case 'server-failed':
      return `Draft saved on this computer, not yet on the server: ${state.error.message}`;
    case 'local-failed':
      return `The draft could not be saved: ${state.error.message}`;
  }
}

/** Every identity of every account that can send, the account's own address first. */
function useSenders(db: HeronDb, accounts: readonly AccountSummary[]): { account: AccountSummary; identity: Identity }[] {
  const senders = accounts.filter((a) => a.outgoing !== null);
  const stored = useLiveQuery(() => db.settings.bulkGet(senders.map((a) => identitiesKey(a.id))), [db, senders.map((a) => a.id).join('\n')]);
  return useMemo(() => senders.flatMap((account, i) => identitiesOf(account, stored?.[i]?.value).map((identity) => ({ account, identity }))), [senders, stored]);
}

const senderKey = (accountId: string, address: string) => `${accountId}\n${address.toLowerCase()}`;

function defaultLater(now: number): string {
  // Tomorrow at 08:00 local time, as datetime-local wants it.
  const d = new Date(now + 24 * 3600_000);
  d.setHours(8, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function Composer({ db, engine, accounts, draftId, onClose, onSent }: Props) {
  const { draft, saveState, update, flush, release, resume } = useDraftEditor(db, engine, draftId);
  const senders = useSenders(db, accounts);
  const [pending, setPending] = useState<Record<Field, string>>({ to: '', cc: '', bcc: '' });
  const [shown, setShown] = useState<{ cc: boolean; bcc: boolean }>({ cc: false, bcc: false });
  const [error, setError] = useState<HeronError | null>(null);
  const [busy, setBusy] = useState(false);
  const [laterOpen, setLaterOpen] = useState(false);
  const [laterAt, setLaterAt] = useState(() => defaultLater(Date.now()));
  const [dragging, setDragging] = useState(false);
  const [maxBytes, setMaxBytes] = useState<number | null>(null);
  const accountId = draft?.accountId;

  useEffect(() => {
    if (!accountId || !accounts.find((a) => a.id === accountId)?.outgoing) return;
    let live = true;
    // The limit is advice: without it (offline, no answer) the server still says no if the message is too big.
    engine.outgoingLimits(accountId).then((limits) => live && setMaxBytes(limits.maxMessageBytes), () => live && setMaxBytes(null));
    return () => {
      live = false;
    };
  }, [engine, accountId, accounts]);

  if (draft === undefined) return null;
  if (draft === null) {
    return (
      <section className="composer" role="dialog" aria-label="Message">
        <p className="hint">This draft is gone: it was sent or discarded.</p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </section>
    );
  }

  const title = draft.subject.trim() || 'New message';
  const estimate = estimateMessageSize({ text: draft.text, html: draft.html, attachmentBytes: draft.attachments.map(attachmentBytes) });
  const warning = sizeWarning(estimate, maxBytes);
  const from = senders.find((s) => s.account.id === draft.accountId && s.identity.address.toLowerCase() === draft.from.address.toLowerCase());

  const addFiles = (files: readonly File[]) => {
    if (files.length === 0) return;
    readFiles(files).then(
      (added) => update({ attachments: [...draft.attachments, ...added] }),
      (e: unknown) => setError(toHeronError(e)),
    );
  };

  const problem = (): string | null => {
    const typed = (['to', 'cc', 'bcc'] as const).map((f) => pending[f].trim()).find((t) => t.length > 0);
    if (typed) return `"${typed}" is not an email address. Correct it or remove it.`;
    if (draft.to.length + draft.cc.length + draft.bcc.length === 0) return 'Add at least one recipient.';
    if (!accounts.find((a) => a.id === draft.accountId)?.outgoing) return 'This account has no outgoing server: add one in its settings, or send from another account.';
    return null;
  };

  const send = async (sendAt?: number) => {
    const wrong = problem();
    if (wrong) {
      setError(new HeronError('invalid-input', wrong));
      return;
    }
    setBusy(true);
    const saved = await flush();
    if (!saved) {
      setBusy(false);
      return;
    }
    // No save may file the draft in Drafts again while it turns into an outgoing message.
    release();
    try {
      onSent(await sendDraft(db, engine, saved, sendAt), saved);
    } catch (e) {
      resume(saved);
      setError(toHeronError(e));
      setBusy(false);
    }
  };

  const discard = async () => {
    release();
    await deleteDraft(db, draft.id);
    if (draft.serverFolder !== null) engine.discardDraft(draft.accountId, draft.messageId).catch(() => undefined);
    onClose();
  };

  const changeFrom = (key: string) => {
    const chosen = senders.find((s) => senderKey(s.account.id, s.identity.address) === key);
    if (!chosen) return;
    const moving = chosen.account.id !== draft.accountId;
    // A draft filed in another account's Drafts folder leaves it: it will be filed in the new account's.
    if (moving && draft.serverFolder !== null) engine.discardDraft(draft.accountId, draft.messageId).catch(() => undefined);
    update({
      accountId: chosen.account.id,
      from: { name: chosen.identity.name, address: chosen.identity.address },
      ...(moving ? { serverFolder: null, serverSavedAt: null } : {}),
    });
  };

  const switchFormat = () => {
    if (draft.format === 'rich') update({ format: 'plain', text: htmlToText(draft.html ?? ''), html: null });
    else update({ format: 'rich', html: textToHtml(draft.text), text: draft.text });
  };

  const recipientRow = (field: Field, label: string) => (
    <div className="compose-row">
      <span className="compose-label" aria-hidden="true">
        {label}
      </span>
      <RecipientField
        db={db}
        label={label}
        addresses={draft[field]}
        onChange={(addresses) => update({ [field]: addresses })}
        onPendingText={(text) => setPending((p) => ({ ...p, [field]: text }))}
        autoFocus={field === 'to' && draft.to.length === 0}
      />
    </div>
  );

  return (
    <section
      className={dragging ? 'composer dragging' : 'composer'}
      role="dialog"
      aria-label={title}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void send();
        }
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        addFiles([...e.dataTransfer.files]);
      }}
    >
      <header className="composer-header">
        <h2>{title}</h2>
        <button type="button" className="tool" aria-label="Close and keep the draft" title="Close (the draft is kept)" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="compose-row">
        <label className="compose-label" htmlFor={`from-${draft.id}`}>
          From
        </label>
        <select id={`from-${draft.id}`} value={from ? senderKey(from.account.id, from.identity.address) : ''} onChange={(e) => changeFrom(e.target.value)}>
          {!from && <option value="">{draft.from.address}</option>}
          {senders.map((s) => (
            <option key={senderKey(s.account.id, s.identity.address)} value={senderKey(s.account.id, s.identity.address)}>
              {s.identity.name ? `${s.identity.name} <${s.identity.address}>` : s.identity.address}
            </option>
          ))}
        </select>
      </div>
      {recipientRow('to', 'To')}
      {(shown.cc || draft.cc.length > 0) && recipientRow('cc', 'Cc')}
      {(shown.bcc || draft.bcc.length > 0) && recipientRow('bcc', 'Bcc')}
      {!(shown.cc || draft.cc.length > 0) || !(shown.bcc || draft.bcc.length > 0) ? (
        <div className="compose-row add-fields">
          {!(shown.cc || draft.cc.length > 0) && (
            <button type="button" className="link-button" onClick={() => setShown((s) => ({ ...s, cc: true }))}>
              Add Cc
            </button>
          )}
          {!(shown.bcc || draft.bcc.length > 0) && (
            <button type="button" className="link-button" onClick={() => setShown((s) => ({ ...s, bcc: true }))}>
              Add Bcc
            </button>
          )}
        </div>
      ) : null}
      <div className="compose-row">
        <label className="compose-label" htmlFor={`subject-${draft.id}`}>
          Subject
        </label>
        <input id={`subject-${draft.id}`} type="text" value={draft.subject} onChange={(e) => update({ subject: e.target.value })} />
      </div>
      <div className="compose-format">
        <button type="button" className="link-button" aria-pressed={draft.format === 'plain'} onClick={switchFormat}>
          {draft.format === 'rich' ? 'Switch to plain text' : 'Switch to rich text'}
        </button>
      </div>
      <BodyEditor
        key={draft.format}
        format={draft.format}
        html={draft.html}
        text={draft.text}
        onHtml={(html) => update({ html, text: htmlToText(html) })}
        onText={(text) => update({ text })}
      />
      <ComposeAttachments attachments={draft.attachments} warning={warning} onRemove={(i) => update({ attachments: draft.attachments.filter((_, j) => j !== i) })} />
      {error && <ErrorNote error={error} />}
      <footer className="composer-footer">
        <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
          Send
        </button>
        <button type="button" aria-expanded={laterOpen} onClick={() => setLaterOpen(!laterOpen)}>
          Send later…
        </button>
        <label className="attach-button">
          Attach files
          <input
            type="file"
            multiple
            onChange={(e) => {
              addFiles([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <span className="save-state" role="status">
          {saveStateText(saveState)}
        </span>
        <button type="button" className="link-button danger" onClick={() => void discard()}>
          Discard draft
        </button>
      </footer>
      {laterOpen && (
        <div className="send-later">
          <label>
            Send at <input type="datetime-local" value={laterAt} onChange={(e) => setLaterAt(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              const at = new Date(laterAt).getTime();
              if (!Number.isFinite(at) || at <= Date.now()) setError(new HeronError('invalid-input', 'Choose a time in the future to send this message.'));
              else void send(at);
            }}
          >
            Schedule
          </button>
        </div>
      )}
    </section>
  );
}

// The account settings' "On the server" group for a POP3 account: whether and when Heron deletes what it downloaded from the server, and the size past which it downloads only the beginning.

import { useId, useState, type FormEvent } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { HeronError, toHeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import { ErrorNote } from './ErrorNote';
import { MAX_DELETE_AFTER_DAYS, MAX_MESSAGE_MB, pop3Changes, pop3Form, type Pop3Field, type Pop3Form } from './pop3-options';

interface FormProps {
  form: Pop3Form;
  onChange: (form: Pop3Form) => void;
  onSubmit: (event: FormEvent) => void;
  busy: boolean;
  saved: boolean;
  error: HeronError | null;
  /** The number field the error is about, marked invalid. */
  invalid: Pop3Field | null;
}

/** The group itself, without the engine: what renders for a given form. */
export function Pop3OptionsForm({ form, onChange, onSubmit, busy, saved, error, invalid }: FormProps) {
  const id = useId();
  const set = (change: Partial<Pop3Form>) => onChange({ ...form, ...change });
  return (
    // noValidate: the figures are checked by pop3Options, whose message says what is allowed, not by the browser's bubble.
    <form aria-labelledby={`${id}-title`} onSubmit={onSubmit} noValidate>
      <h3 id={`${id}-title`}>On the server</h3>
      <p className="hint">Heron keeps every message it downloads on this computer. These choices are about the copy on the server.</p>
      <div className="checkbox">
        <input id={`${id}-leave`} type="checkbox" checked={form.leaveOnServer} aria-describedby={`${id}-leave-hint`} onChange={(e) => set({ leaveOnServer: e.target.checked })} />
        <label htmlFor={`${id}-leave`}>Leave messages on the server</label>
        <p className="hint" id={`${id}-leave-hint`}>
          On by default: the server stays a second copy of your mail, and your other devices still see it. Off: each message is deleted from the server once it is safely stored here.
        </p>
      </div>
      {/* The label holds the number field too, so the checkbox reads as the whole sentence, the number included. */}
      <div className="checkbox">
        <label className="option-with-number">
          <input type="checkbox" checked={form.deleteAfter} disabled={!form.leaveOnServer} aria-describedby={`${id}-after-hint`} onChange={(e) => set({ deleteAfter: e.target.checked })} />
          Delete them from the server after{' '}
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_DELETE_AFTER_DAYS}
            step={1}
            aria-label="Days"
            value={form.deleteAfterDays}
            disabled={!form.leaveOnServer || !form.deleteAfter}
            aria-invalid={invalid === 'days'}
            onChange={(e) => set({ deleteAfterDays: e.target.value })}
          />{' '}
          days
        </label>
        <p className="hint" id={`${id}-after-hint`}>
          Counted from the day Heron downloaded each message: the server keeps recent mail and does not fill up.
        </p>
      </div>
      <div className="checkbox">
        <input
          id={`${id}-local`}
          type="checkbox"
          checked={form.deleteWhenDeletedLocally}
          disabled={!form.leaveOnServer}
          aria-describedby={`${id}-local-hint`}
          onChange={(e) => set({ deleteWhenDeletedLocally: e.target.checked })}
        />
        <label htmlFor={`${id}-local`}>Delete from the server when I delete them for good in Heron</label>
        <p className="hint" id={`${id}-local-hint`}>
          A message deleted from Trash here is deleted on the server at the next check.
        </p>
      </div>
      <div className="checkbox">
        <label className="option-with-number">
          <input type="checkbox" checked={form.limitSize} aria-describedby={`${id}-size-hint`} onChange={(e) => set({ limitSize: e.target.checked })} />
          Download messages larger than{' '}
          <input
            type="number"
            inputMode="decimal"
            min={0.1}
            max={MAX_MESSAGE_MB}
            step={0.1}
            aria-label="MB"
            value={form.maxMegabytes}
            disabled={!form.limitSize}
            aria-invalid={invalid === 'size'}
            onChange={(e) => set({ maxMegabytes: e.target.value })}
          />{' '}
          MB only in part
        </label>
        <p className="hint" id={`${id}-size-hint`}>
          Such a message comes with its headers and first lines; the rest is downloaded when you ask for it in the message.
        </p>
      </div>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        <p className="saved" role="status">
          {saved ? 'Saved.' : ''}
        </p>
        <button type="submit" disabled={busy}>
          Save server options
        </button>
      </div>
    </form>
  );
}

/** The group for one POP3 account, saved through engine.updateAccount with `{ pop3 }`. */
export function Pop3ServerOptions({ engine, account }: { engine: EngineApi; account: AccountSummary }) {
  const [form, setForm] = useState(() => pop3Form(account.pop3));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);
  const [invalid, setInvalid] = useState<Pop3Field | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = pop3Changes(account, form);
    setSaved(false);
    if ('error' in result) {
      setError(new HeronError('invalid-input', result.error));
      setInvalid(result.field);
      return;
    }
    setError(null);
    setInvalid(null);
    if (!result.changes.pop3) {
      setSaved(true);
      return;
    }
    setBusy(true);
    engine
      .updateAccount(account.id, result.changes)
      .then((summary) => {
        // Shown as the engine saved them.
        setForm(pop3Form(summary.pop3));
        setSaved(true);
      })
      .catch((failure: unknown) => setError(toHeronError(failure)))
      .finally(() => setBusy(false));
  };

  return <Pop3OptionsForm form={form} onChange={setForm} onSubmit={submit} busy={busy} saved={saved} error={error} invalid={invalid} />;
}

// "Change servers…" in account settings: the wizard's server fields, its unencrypted warning and certificate question, saved through updateAccount.

import { useId, useRef, useState, type FormEvent } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type CertificateDetail, type HeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import { CertificatePanel } from '../setup/CertificatePanel';
import { ConnectionDoctor } from '../setup/ConnectionDoctor';
import { IncomingFieldset, OutgoingFieldset } from '../setup/ServerFieldset';
import { incomingOf, outgoingOf, type ServersFields } from '../setup/setup-form';
import { UnencryptedWarning } from '../setup/UnencryptedWarning';
import { acknowledgementKey, isAcknowledged, unencryptedServers } from '../setup/unencrypted';
import { ErrorNote } from './ErrorNote';
import { changeNotes, passwordHint, pinFor, protocolNote, serverChanges, serverKey, serversFields, type TrustedCertificate } from './server-changes';

type SaveState = { status: 'idle' } | { status: 'saving' } | { status: 'saved' } | { status: 'unchanged' } | { status: 'failed'; error: HeronError };

const STATUS_WORDS: Partial<Record<SaveState['status'], string>> = {
  saving: 'Signing in to the new server…',
  saved: 'Servers saved. Heron is syncing with them.',
  unchanged: 'Nothing to save: the servers are as they were.',
};

export function ChangeServers({ engine, account }: { engine: EngineApi; account: AccountSummary }) {
  const id = useId();
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [fields, setFields] = useState<ServersFields>(() => serversFields(account));
  const [password, setPassword] = useState('');
  const [acknowledged, setAcknowledged] = useState<string | null>(null);
  const [trusted, setTrusted] = useState<TrustedCertificate | null>(null);
  const [state, setState] = useState<SaveState>({ status: 'idle' });

  const incoming = incomingOf(fields);
  const unencrypted = unencryptedServers(incoming, outgoingOf(fields));
  const accepted = isAcknowledged(unencrypted, acknowledged);
  const needsPassword = account.passwordStorage === 'none';

  const toggle = () => {
    // Opening starts from the servers as saved now (another tab, or the last save, may have changed them).
    if (!open) {
      setFields(serversFields(account));
      setTrusted(null);
      setAcknowledged(null);
    } else opener.current?.focus();
    // A typed password lives only while the form is open.
    setPassword('');
    setState({ status: 'idle' });
    setOpen(!open);
  };

  const edit = (next: ServersFields) => {
    setFields(next);
    // A failure (and its certificate) was about the servers as they were typed then.
    if (state.status === 'failed') setState({ status: 'idle' });
  };

  const save = async (trust: TrustedCertificate | null) => {
    const changes = serverChanges(account, fields, trust);
    if (Object.keys(changes).length === 0 && password === '') {
      setState({ status: 'unchanged' });
      return;
    }
    setState({ status: 'saving' });
    try {
      await engine.updateAccount(account.id, changes, password || null);
      setPassword('');
      setOpen(false);
      setState({ status: 'saved' });
      opener.current?.focus();
    } catch (failure) {
      setState({ status: 'failed', error: toHeronError(failure) });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Nothing goes out unencrypted before the person ticked the box: the button is disabled, and Enter lands here.
    if (accepted && state.status !== 'saving') void save(trusted);
  };

  const trust = (fingerprint256: string) => {
    const next = { server: serverKey(incoming), fingerprint256 };
    setTrusted(next);
    void save(next);
  };

  const error = state.status === 'failed' ? state.error : null;
  const certificate = error?.code === 'certificate-untrusted' ? (error.detail as CertificateDetail | undefined) : undefined;
  return (
    <div className="change-servers">
      <button type="button" ref={opener} aria-expanded={open} aria-controls={`${id}-form`} onClick={toggle}>
        Change servers…
      </button>
      {open && (
        <form id={`${id}-form`} aria-label="Change servers" onSubmit={submit}>
          <p className="hint">Heron signs in to the incoming server before saving; nothing is saved if that fails. The outgoing server is saved as typed: the connection doctor can check it.</p>
          <IncomingFieldset fields={fields.incoming} onChange={(incomingFields) => edit({ ...fields, incoming: incomingFields })} protocolFixed={protocolNote(account)} />
          <OutgoingFieldset fields={fields.outgoing} onChange={(outgoingFields) => edit({ ...fields, outgoing: outgoingFields })} />
          <div className="field">
            <label htmlFor={`${id}-password`}>{needsPassword ? 'Password' : 'Password (optional)'}</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="current-password"
              required={needsPassword}
              value={password}
              aria-describedby={`${id}-password-hint`}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <p className="hint" id={`${id}-password-hint`}>
            {passwordHint(account)}
          </p>
          {changeNotes(account, fields).map((note) => (
            <p key={note} className="hint change-note">
              {note}
            </p>
          ))}
          <UnencryptedWarning servers={unencrypted} acknowledged={accepted} onAcknowledge={(yes) => setAcknowledged(yes ? acknowledgementKey(unencrypted) : null)} />
          {error && <ErrorNote error={error} />}
          {certificate && <CertificatePanel certificate={certificate} busy={state.status === 'saving'} onTrust={trust} />}
          {/* The doctor logs in only with a typed password, and only once sending it is acknowledged. */}
          {error && accepted && <ConnectionDoctor engine={engine} target={incoming} password={password || null} pinnedFingerprint256={pinFor(account, incoming, trusted)} label="new incoming server" />}
          <div className="actions">
            <button type="button" onClick={toggle}>
              Cancel
            </button>
            <button type="submit" disabled={!accepted || state.status === 'saving'}>
              Save servers
            </button>
          </div>
        </form>
      )}
      {/* Outside the form, so "saved" is still announced once the form has closed. */}
      <p className="saved" role="status">
        {STATUS_WORDS[state.status] ?? ''}
      </p>
    </div>
  );
}

// The first-run "Add account" form: manual server settings, an honest warning for unencrypted choices, certificate confirmation.

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { AppInfo, EngineApi } from '../../../shared/contract';
import { toHeronError, type CertificateDetail, type HeronError } from '../../../shared/errors';
import type { IncomingProtocol, Security } from '../../../shared/model';
import { EMPTY_FORM, SECURITY_LABELS, toAccountInput, unencryptedParts, updateForm, type AccountForm } from './account-form';
import { ErrorNote } from './ErrorNote';

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function SecuritySelect({ id, value, onChange }: { id: string; value: Security; onChange: (s: Security) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as Security)}>
      {(Object.keys(SECURITY_LABELS) as Security[]).map((s) => (
        <option key={s} value={s}>
          {SECURITY_LABELS[s]}
        </option>
      ))}
    </select>
  );
}

export function AddAccountForm({ engine, info, onAdded, onCancel }: { engine: EngineApi; info: AppInfo; onAdded: () => void; onCancel?: (() => void) | undefined }) {
  const [form, setForm] = useState<AccountForm>(EMPTY_FORM);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);
  const [acceptUnencrypted, setAcceptUnencrypted] = useState(false);
  const set = (change: Partial<AccountForm>) => setForm((f) => updateForm(f, change));
  const unencrypted = unencryptedParts(form);

  async function submit(pinnedFingerprint256: string | null) {
    setBusy(true);
    setError(null);
    try {
      await engine.addAccount(toAccountInput(form, pinnedFingerprint256));
      onAdded();
    } catch (failure) {
      setError(toHeronError(failure));
    } finally {
      setBusy(false);
    }
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(null);
  };
  const certificate = error?.code === 'certificate-untrusted' ? (error.detail as CertificateDetail | undefined) : undefined;

  return (
    <form className="account-form" aria-label="Add account" onSubmit={onSubmit}>
      <h2>Add account</h2>
      <Field label="Your name">{(id) => <input id={id} value={form.name} onChange={(e) => set({ name: e.target.value })} autoComplete="name" />}</Field>
      <Field label="Email address">
        {(id) => <input id={id} type="email" required value={form.email} onChange={(e) => set({ email: e.target.value })} autoComplete="email" />}
      </Field>

      <fieldset>
        <legend>Incoming mail</legend>
        <Field label="Protocol">
          {(id) => (
            <select id={id} value={form.protocol} onChange={(e) => set({ protocol: e.target.value as IncomingProtocol })}>
              <option value="imap">IMAP</option>
              <option value="pop3">POP3</option>
            </select>
          )}
        </Field>
        <Field label="Incoming server">{(id) => <input id={id} required value={form.incomingHost} onChange={(e) => set({ incomingHost: e.target.value })} placeholder="imap.example.com" />}</Field>
        <Field label="Incoming port">{(id) => <input id={id} required inputMode="numeric" value={form.incomingPort} onChange={(e) => set({ incomingPort: e.target.value })} />}</Field>
        <Field label="Incoming security">{(id) => <SecuritySelect id={id} value={form.incomingSecurity} onChange={(s) => set({ incomingSecurity: s })} />}</Field>
        <Field label="Username">{(id) => <input id={id} required value={form.incomingUsername} onChange={(e) => set({ incomingUsername: e.target.value })} autoComplete="username" />}</Field>
        <Field label="Password">
          {(id) => <input id={id} type="password" required value={form.password} onChange={(e) => set({ password: e.target.value })} autoComplete="current-password" />}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Outgoing mail (SMTP)</legend>
        <Field label="Outgoing server">{(id) => <input id={id} value={form.outgoingHost} onChange={(e) => set({ outgoingHost: e.target.value })} placeholder="smtp.example.com" />}</Field>
        <Field label="Outgoing port">{(id) => <input id={id} inputMode="numeric" value={form.outgoingPort} onChange={(e) => set({ outgoingPort: e.target.value })} />}</Field>
        <Field label="Outgoing security">{(id) => <SecuritySelect id={id} value={form.outgoingSecurity} onChange={(s) => set({ outgoingSecurity: s })} />}</Field>
        <Field label="Outgoing username">{(id) => <input id={id} value={form.outgoingUsername} onChange={(e) => set({ outgoingUsername: e.target.value })} />}</Field>
      </fieldset>

      {info.mode === 'browser' ? (
        <div className="checkbox">
          <input id="remember-password" type="checkbox" checked={form.rememberPassword} onChange={(e) => set({ rememberPassword: e.target.checked })} />
          <label htmlFor="remember-password">Remember the password on this computer</label>
          <p className="hint">
            In browser mode the password is then saved in a file only your user account can read, but it is <strong>not encrypted</strong>. Leave this
            unticked to type it again after each restart.
          </p>
        </div>
      ) : (
        <p className="hint">{info.canEncryptSecrets ? 'Your password is saved encrypted by your operating system.' : 'Your system has no secure key store, so the password is kept only until Heron quits.'}</p>
      )}

      {unencrypted.length > 0 && (
        <div className="warning" role="alert">
          <p>
            <strong>Unencrypted:</strong> with these settings your password and your mail travel over the network in plain text on the {unencrypted.join(' and ')}{' '}
            connection. Anyone on the network path can read them.
          </p>
          <div className="checkbox">
            <input id="accept-unencrypted" type="checkbox" checked={acceptUnencrypted} onChange={(e) => setAcceptUnencrypted(e.target.checked)} />
            <label htmlFor="accept-unencrypted">I understand my password and mail will be sent unencrypted</label>
          </div>
        </div>
      )}

      {error && <ErrorNote error={error} />}
      {certificate && (
        <div className="certificate" aria-label="Untrusted certificate">
          <p>Compare this fingerprint with the one your provider or administrator gives you. Trust it only if they match.</p>
          <dl>
            <dt>Server</dt>
            <dd>{certificate.host}</dd>
            <dt>Subject</dt>
            <dd>{certificate.subject}</dd>
            <dt>Issuer</dt>
            <dd>{certificate.issuer}</dd>
            <dt>Valid</dt>
            <dd>
              {certificate.validFrom} to {certificate.validTo}
            </dd>
            <dt>SHA-256 fingerprint</dt>
            <dd className="fingerprint">{certificate.fingerprint256}</dd>
          </dl>
          <button type="button" disabled={busy} onClick={() => void submit(certificate.fingerprint256)}>
            Trust this certificate and add the account
          </button>
        </div>
      )}

      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" disabled={busy || (unencrypted.length > 0 && !acceptUnencrypted)}>
          {busy ? 'Checking…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

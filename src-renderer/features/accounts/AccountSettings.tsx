// The account settings dialog: name, days kept offline (or, for POP3, what happens to the server's copy), the password, the addresses it sends from (with signatures), the servers (with the doctor, and changing them), the sending domain and removing the account.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, EngineApi } from '../../../shared/contract';
import { HeronError, toHeronError, type HeronErrorData } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { Icon } from '../layout/icons';
import { ConnectionDoctor } from '../setup/ConnectionDoctor';
import { DomainHealthCheck } from '../setup/DomainHealthCheck';
import { UnencryptedBadge } from '../setup/UnencryptedBadge';
import { ChangeServers } from './ChangeServers';
import { accountChanges, describeServer, MAX_KEEP_DAYS, settingsButtonId, settingsForm, settingsReason } from './account-settings';
import { ErrorNote } from './ErrorNote';
import { fixFor } from './error-fix';
import { IdentitiesEditor } from './IdentitiesEditor';
import { Pop3ServerOptions } from './Pop3ServerOptions';
import './account-settings.css';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  info: AppInfo;
  account: AccountSummary;
  /** The error that led here, if any: said at the top; a password error puts focus on the password. */
  reason: HeronErrorData | undefined;
  onClose: () => void;
}

/** One save button's life: busy while the engine works, then done or the error it gave. */
function useSave() {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setDone(false);
    setError(null);
    try {
      await work();
      setDone(true);
    } catch (failure) {
      setError(toHeronError(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, done, error, run };
}

export function AccountSettings({ db, engine, info, account, reason, onClose }: Props) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const forPassword = reason !== undefined && fixFor(reason.code)?.action === 'password';

  const [form, setForm] = useState(() => settingsForm(account));
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(account.passwordStorage === 'plain-file');
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const general = useSave();
  const secret = useSave();
  const removal = useSave();

  // A native modal dialog (focus trap, Escape, inert page); focus goes in, to the password when that is what is wrong,
  // and back to what opened it, or to the account's settings button when that control has gone (the error was fixed).
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    d.showModal();
    (forPassword ? passwordField : nameField).current?.focus();
    return () => {
      if (d.open) d.close();
      (opener?.isConnected ? opener : document.getElementById(settingsButtonId(account.id)))?.focus();
    };
  }, [forPassword, account.id]);

  const saveGeneral = (event: FormEvent) => {
    event.preventDefault();
    void general.run(async () => {
      const result = accountChanges(account, form);
      if ('error' in result) throw new HeronError('invalid-input', result.error);
      if (Object.keys(result.changes).length === 0) return;
      // The engine may adjust what it keeps (an empty name becomes the address): show what it saved.
      setForm(settingsForm(await engine.updateAccount(account.id, result.changes)));
    });
  };

  const savePassword = (event: FormEvent) => {
    event.preventDefault();
    void secret.run(async () => {
      // The desktop app keeps every password encrypted when the system can; only browser mode asks.
      await engine.unlockAccount(account.id, password, info.mode === 'browser' ? remember : true);
      setPassword('');
    });
  };

  const remove = () =>
    void removal.run(async () => {
      await engine.removeAccount(account.id);
      onClose();
    });

  const daysInvalid = general.error?.code === 'invalid-input';
  // A POP3 account keeps every message it downloads, so there are no days to choose.
  const pop3 = account.incoming.protocol === 'pop3';
  return (
    <dialog ref={dialog} className="account-settings" aria-labelledby={`${id}-title`} aria-modal="true" onClose={onClose} onKeyDown={(e) => e.stopPropagation()}>
      <header>
        <h2 id={`${id}-title`}>Account settings for {account.email}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {/* A new password that the server accepted answers a password error; other reasons stay until the dialog closes. */}
      {reason && !(forPassword && secret.done) && (
        <p className="settings-reason" id={`${id}-reason`}>
          {settingsReason(reason)}
        </p>
      )}

      <form aria-labelledby={`${id}-general`} onSubmit={saveGeneral}>
        <h3 id={`${id}-general`}>{pop3 ? 'Name' : 'Name and offline mail'}</h3>
        <div className="field">
          <label htmlFor={`${id}-name`}>Display name</label>
          <input id={`${id}-name`} ref={nameField} value={form.name} placeholder={account.email} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        {!pop3 && (
          <>
            <div className="field">
              <label htmlFor={`${id}-days`}>Days of mail to keep offline</label>
              <input
                id={`${id}-days`}
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_KEEP_DAYS}
                step={1}
                value={form.keepDays}
                aria-invalid={daysInvalid}
                aria-describedby={`${id}-days-hint`}
                onChange={(e) => setForm({ ...form, keepDays: e.target.value })}
              />
            </div>
            <p className="hint" id={`${id}-days-hint`}>
              Heron downloads whole messages from this many recent days so they can be read offline. Empty or 0: a message is downloaded when you open it.
            </p>
          </>
        )}
        {general.error && <ErrorNote error={general.error} />}
        <div className="actions">
          <p className="saved" role="status">
            {general.done ? 'Saved.' : ''}
          </p>
          <button type="submit" disabled={general.busy}>
            Save settings
          </button>
        </div>
      </form>

      {pop3 && <Pop3ServerOptions engine={engine} account={account} />}

      <form aria-labelledby={`${id}-password`} onSubmit={savePassword}>
        <h3 id={`${id}-password`}>Password</h3>
        <div className="field">
          <label htmlFor={`${id}-new-password`}>New password</label>
          <input
            id={`${id}-new-password`}
            ref={passwordField}
            type="password"
            autoComplete="current-password"
            value={password}
            aria-describedby={forPassword && !secret.done ? `${id}-reason` : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {info.mode === 'browser' ? (
          <div className="checkbox">
            <input id={`${id}-remember`} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            <label htmlFor={`${id}-remember`}>Remember the password on this computer</label>
            <p className="hint">It is then saved in a file only your user account can read, but it is not encrypted.</p>
          </div>
        ) : (
          <p className="hint">{info.canEncryptSecrets ? 'Your password is saved encrypted by your operating system.' : 'Your system has no secure key store, so the password is kept only until Heron quits.'}</p>
        )}
        <p className="hint">Heron checks the password with the server before saving it.</p>
        {secret.error && <ErrorNote error={secret.error} />}
        <div className="actions">
          <p className="saved" role="status">
            {secret.done ? 'Password saved. Heron is connecting with it.' : ''}
          </p>
          <button type="submit" disabled={secret.busy || password === ''}>
            Save password
          </button>
        </div>
      </form>

      <IdentitiesEditor db={db} account={account} />

      <section aria-labelledby={`${id}-servers`}>
        <h3 id={`${id}-servers`}>Servers</h3>
        <UnencryptedBadge account={account} explained />
        <dl>
          <dt>Incoming</dt>
          <dd>{describeServer(account.incoming)}</dd>
          <dt>Outgoing</dt>
          <dd>{account.outgoing ? describeServer(account.outgoing) : 'None: this account only receives mail.'}</dd>
          {account.pinnedFingerprint256 && (
            <>
              <dt>Trusted certificate</dt>
              <dd className="fingerprint">{account.pinnedFingerprint256}</dd>
            </>
          )}
        </dl>
        <p className="hint">The connection doctor checks a server step by step. It logs in with the new password typed above, if any; otherwise it stops before the login.</p>
        <ConnectionDoctor engine={engine} target={account.incoming} password={password || null} pinnedFingerprint256={account.pinnedFingerprint256} label="incoming server" />
        {account.outgoing && (
          <ConnectionDoctor engine={engine} target={{ protocol: 'smtp', ...account.outgoing }} password={password || null} pinnedFingerprint256={account.pinnedFingerprint256} label="outgoing server" />
        )}
        <ChangeServers engine={engine} account={account} />
      </section>

      <DomainHealthCheck engine={engine} email={account.email} />

      <section aria-labelledby={`${id}-remove`}>
        <h3 id={`${id}-remove`}>Remove</h3>
        <p className="hint">Removing takes the account out of Heron on this computer only. The mail on the server stays as it is.</p>
        <button type="button" ref={removeButton} aria-expanded={confirmingRemove} aria-controls={`${id}-confirm`} onClick={() => setConfirmingRemove(!confirmingRemove)}>
          Remove account…
        </button>
        {confirmingRemove && (
          <div className="confirm-remove" id={`${id}-confirm`} role="group" aria-label="Confirm removing the account">
            <p>
              Remove {account.email} from Heron? Its saved password and the copy of its mail on this computer are deleted, including drafts and unsent
              messages that never reached the server. Nothing is deleted on the server.
              {pop3 && ' Messages Heron already deleted from the POP3 server, and the folders you made, exist only on this computer: they are lost for good.'}
            </p>
            {removal.error && <ErrorNote error={removal.error} />}
            <div className="actions">
              <button
                type="button"
                onClick={() => {
                  setConfirmingRemove(false);
                  removeButton.current?.focus();
                }}
              >
                Keep the account
              </button>
              <button type="button" className="danger" disabled={removal.busy} onClick={remove}>
                Remove from Heron
              </button>
            </div>
          </div>
        )}
      </section>
    </dialog>
  );
}

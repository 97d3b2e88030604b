// The wizard's first step: the person's name, address and password, and how the password is kept.

import { useId } from 'react';
import type { AppInfo } from '../../../shared/contract';
import { Field } from './Field';
import { withEmail, type SetupForm } from './setup-form';

export function AccountStep({ form, info, onChange }: { form: SetupForm; info: AppInfo; onChange: (form: SetupForm) => void }) {
  const rememberId = useId();
  return (
    <>
      <Field label="Your name">{(id) => <input id={id} value={form.name} onChange={(e) => onChange({ ...form, name: e.target.value })} autoComplete="name" />}</Field>
      <Field label="Email address">
        {(id) => <input id={id} type="email" required value={form.email} onChange={(e) => onChange(withEmail(form, e.target.value))} autoComplete="email" spellCheck={false} />}
      </Field>
      <Field label="Password">
        {(id) => <input id={id} type="password" required value={form.password} onChange={(e) => onChange({ ...form, password: e.target.value })} autoComplete="current-password" />}
      </Field>
      {info.mode === 'browser' ? (
        <div className="checkbox">
          <input id={rememberId} type="checkbox" checked={form.rememberPassword} onChange={(e) => onChange({ ...form, rememberPassword: e.target.checked })} />
          <label htmlFor={rememberId}>Remember the password on this computer</label>
          <p className="hint">
            In browser mode the password is then saved in a file only your user account can read, but it is <strong>not encrypted</strong>. Leave this
            unticked to type it again after each restart.
          </p>
        </div>
      ) : (
        <p className="hint">{info.canEncryptSecrets ? 'Your password is saved encrypted by your operating system.' : 'Your system has no secure key store, so the password is kept only until Heron quits.'}</p>
      )}
      <p className="hint">Heron looks up your provider's settings from the address alone; your password is sent only when you check the connection.</p>
    </>
  );
}

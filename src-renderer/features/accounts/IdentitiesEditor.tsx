// The "Sending" part of the account settings: the addresses the account sends from and each one's signature, kept in the settings table.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { AccountSummary } from '../../../shared/model';
import { saveSetting, useSetting } from '../../app/settings';
import type { HeronDb } from '../../store/db';
import type { SettingValue } from '../../store/rows';
import { isValidAddress } from '../compose/address-input';
import { identitiesKey, identitiesOf, identitiesValue, type Identity } from '../compose/identities';
import { ErrorNote } from './ErrorNote';

/**
 * What stops each identity from being saved, in order (null: nothing). The first is the account's own and always
 * fine; the others need an address of their own, compared without case.
 */
export function identityProblems(identities: readonly Identity[]): (string | null)[] {
  const seen = new Set<string>();
  return identities.map((identity, index) => {
    const address = identity.address.trim();
    const key = address.toLowerCase();
    let problem: string | null = null;
    if (index > 0 && address === '') problem = 'Type the address, or remove this one.';
    else if (index > 0 && !isValidAddress(address)) problem = `"${address}" is not an email address.`;
    else if (seen.has(key)) problem = 'This address is already listed.';
    seen.add(key);
    return problem;
  });
}

interface FormProps {
  account: AccountSummary;
  /** The identities as stored (identitiesOf); the form keeps its own copy while it is edited. */
  initial: Identity[];
  onSave: (identities: Identity[]) => Promise<void>;
}

type Row = Identity & { key: number };

export function IdentitiesForm({ account, initial, onSave }: FormProps) {
  const id = useId();
  const addButton = useRef<HTMLButtonElement>(null);
  const [rows, setRows] = useState<Row[]>(() => initial.map((identity, key) => ({ ...identity, key })));
  const [nextKey, setNextKey] = useState(initial.length);
  const [added, setAdded] = useState<number | null>(null);
  // Problems show once a save was tried, then follow the typing; an empty new row is not an error while it is typed in.
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);

  const fieldId = (key: number, field: string) => `${id}-${key}-${field}`;
  // The account's own name and address are the account's: renamed above, they follow here.
  const identities = rows.map((row, index) => (index === 0 ? { ...row, name: account.name, address: account.email } : row));
  const problems = identityProblems(identities);

  useEffect(() => {
    if (added !== null) document.getElementById(fieldId(added, 'address'))?.focus();
  }, [added]);

  const change = (key: number, changes: Partial<Identity>) => {
    setRows(rows.map((row) => (row.key === key ? { ...row, ...changes } : row)));
    setDone(false);
  };

  const add = () => {
    // Most people's other addresses carry the same name.
    setRows([...rows, { key: nextKey, name: account.name, address: '', signature: '' }]);
    setAdded(nextKey);
    setNextKey(nextKey + 1);
    setDone(false);
  };

  const remove = (key: number) => {
    setRows(rows.filter((row) => row.key !== key));
    setDone(false);
    // The button that had the focus is gone; the dialog keeps it nearby.
    addButton.current?.focus();
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    const invalid = problems.findIndex((problem) => problem !== null);
    const invalidRow = rows[invalid];
    if (invalidRow) {
      document.getElementById(fieldId(invalidRow.key, 'address'))?.focus();
      return;
    }
    setBusy(true);
    setDone(false);
    setError(null);
    onSave(identities.map(({ name, address, signature }) => ({ name: name.trim(), address: address.trim(), signature: signature.trimEnd() })))
      .then(
        () => setDone(true),
        (failure: unknown) => setError(toHeronError(failure)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form className="identities" aria-labelledby={`${id}-title`} noValidate onSubmit={save}>
      <h3 id={`${id}-title`}>Sending</h3>
      <p className="hint">The addresses you send from with this account. A signature is added to every new message, reply and forward from that address.</p>
      <div role="group" aria-label="Identities and signatures">
        {rows.map((row, index) => {
          const identity = identities[index] ?? row;
          const problem = checked ? problems[index] : null;
          const own = index === 0;
          return (
            <fieldset key={row.key} className="identity">
              <legend>{own ? 'This account’s address' : isValidAddress(row.address.trim()) ? row.address.trim() : 'Another address'}</legend>
              <div className="field">
                <label htmlFor={fieldId(row.key, 'name')}>Name</label>
                <input id={fieldId(row.key, 'name')} value={identity.name} readOnly={own} onChange={(e) => change(row.key, { name: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={fieldId(row.key, 'address')}>Address</label>
                <input
                  id={fieldId(row.key, 'address')}
                  type="email"
                  value={identity.address}
                  readOnly={own}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? fieldId(row.key, 'problem') : undefined}
                  onChange={(e) => change(row.key, { address: e.target.value })}
                />
              </div>
              {problem && (
                <p className="field-problem" id={fieldId(row.key, 'problem')}>
                  {problem}
                </p>
              )}
              <div className="field">
                <label htmlFor={fieldId(row.key, 'signature')}>Signature</label>
                <textarea id={fieldId(row.key, 'signature')} rows={3} value={identity.signature} onChange={(e) => change(row.key, { signature: e.target.value })} />
              </div>
              {own ? (
                <p className="hint">The name is the account’s display name, set under Name and offline mail.</p>
              ) : (
                <button type="button" aria-label={`Remove ${row.address.trim() || 'this address'}`} onClick={() => remove(row.key)}>
                  Remove
                </button>
              )}
            </fieldset>
          );
        })}
      </div>
      <button type="button" ref={addButton} onClick={add}>
        Add an address
      </button>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        <p className="saved" role="status">
          {done ? 'Saved.' : ''}
        </p>
        <button type="submit" disabled={busy}>
          Save identities
        </button>
      </div>
    </form>
  );
}

/** The stored value as it is, wrapped so that "nothing stored" differs from "still reading" (useSetting's undefined). */
const storedValue = (value: SettingValue | undefined) => ({ value });

export function IdentitiesEditor({ db, account }: { db: HeronDb; account: AccountSummary }) {
  const [stored] = useSetting(db, identitiesKey(account.id), storedValue);
  if (stored === undefined) return null;
  return <IdentitiesForm account={account} initial={identitiesOf(account, stored.value)} onSave={(identities) => saveSetting(db, identitiesKey(account.id), identitiesValue(identities))} />;
}

// One server's manual settings (incoming IMAP/POP3 or outgoing SMTP), with the classification under them.

import { useId } from 'react';
import type { IncomingProtocol, Protocol, Security } from '../../../shared/model';
import { PROTOCOL_LABELS, SECURITY_LABELS } from '../../../shared/security-classification';
import { Field } from './Field';
import { ServerAdvice } from './ServerAdvice';
import { proposeSecurity, withProtocol, withSecurity, type IncomingFields, type ServerFields } from './server-fields';

const SECURITIES = Object.keys(SECURITY_LABELS) as Security[];

interface Props<F extends ServerFields> {
  fields: F;
  onChange: (fields: F) => void;
}

/** The fields both kinds of server share; `word` ("Incoming"/"Outgoing") makes every label unique on the page. */
function CommonFields<F extends ServerFields>({ word, protocol, fields, onChange, usernameLabel, required }: Props<F> & { word: string; protocol: Protocol; usernameLabel: string; required: boolean }) {
  const adviceId = useId();
  const port = Number(fields.port);
  return (
    <>
      <Field label={`${word} server`}>
        {(id) => <input id={id} required={required} value={fields.host} onChange={(e) => onChange({ ...fields, host: e.target.value })} placeholder={protocol === 'smtp' ? 'smtp.example.com' : `${protocol}.example.com`} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label={`${word} port`}>
        {(id) => (
          <input
            id={id}
            required={required}
            inputMode="numeric"
            pattern="[0-9]{1,5}"
            value={fields.port}
            onChange={(e) => onChange({ ...fields, port: e.target.value.trim() })}
            onBlur={() => onChange(proposeSecurity(fields, protocol))}
          />
        )}
      </Field>
      <Field label={`${word} security`}>
        {(id) => (
          <select id={id} value={fields.security} aria-describedby={adviceId} onChange={(e) => onChange(withSecurity(fields, protocol, e.target.value as Security))}>
            {SECURITIES.map((s) => (
              <option key={s} value={s}>
                {SECURITY_LABELS[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={usernameLabel}>
        {(id) => <input id={id} required={required} value={fields.username} onChange={(e) => onChange({ ...fields, username: e.target.value })} autoComplete="username" spellCheck={false} />}
      </Field>
      <Field label={`${word} authentication`}>
        {(id) => (
          // The engine signs in with the password (SASL PLAIN/LOGIN, IMAP LOGIN, POP3 USER/PASS) and nothing else yet: one honest choice.
          <select id={id} defaultValue="password">
            <option value="password">Normal password</option>
          </select>
        )}
      </Field>
      {fields.host.trim() !== '' || required ? (
        <ServerAdvice id={adviceId} protocol={protocol} port={port} security={fields.security} />
      ) : (
        <p className="hint" id={adviceId}>
          No outgoing server: this account will only receive mail.
        </p>
      )}
    </>
  );
}

/** `protocolFixed`: why the protocol cannot be chosen (an existing account keeps its own); the select is then disabled. */
export function IncomingFieldset({ fields, onChange, protocolFixed }: Props<IncomingFields> & { protocolFixed?: string }) {
  const protocolNoteId = useId();
  return (
    <fieldset>
      <legend>Incoming mail</legend>
      <Field label="Protocol">
        {(id) => (
          <select
            id={id}
            value={fields.protocol}
            disabled={protocolFixed !== undefined}
            aria-describedby={protocolFixed !== undefined ? protocolNoteId : undefined}
            onChange={(e) => onChange(withProtocol(fields, e.target.value as IncomingProtocol))}
          >
            <option value="imap">{PROTOCOL_LABELS.imap}</option>
            <option value="pop3">{PROTOCOL_LABELS.pop3}</option>
          </select>
        )}
      </Field>
      {protocolFixed !== undefined && (
        <p className="hint" id={protocolNoteId}>
          {protocolFixed}
        </p>
      )}
      <CommonFields word="Incoming" protocol={fields.protocol} fields={fields} onChange={onChange} usernameLabel="Username" required />
    </fieldset>
  );
}

export function OutgoingFieldset({ fields, onChange }: Props<ServerFields>) {
  return (
    <fieldset>
      <legend>Outgoing mail (SMTP)</legend>
      <CommonFields word="Outgoing" protocol="smtp" fields={fields} onChange={onChange} usernameLabel="Outgoing username" required={false} />
    </fieldset>
  );
}

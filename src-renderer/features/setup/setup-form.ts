// Everything the wizard collects: the person, the password, both servers; and the account input it turns into.

import type { IncomingSettings, NewAccountInput, OutgoingSettings } from '../../../shared/model';
import { standardPort } from '../../../shared/ports';
import { incomingFields, serverFields, toIncomingSettings, toOutgoingSettings, type IncomingFields, type ServerFields } from './server-fields';

export interface SetupForm {
  name: string;
  email: string;
  password: string;
  /** Browser mode only: keep the password in a 0600 file (not encrypted). */
  rememberPassword: boolean;
  incoming: IncomingFields;
  /** An empty host: no outgoing server, the account only receives mail. */
  outgoing: ServerFields;
}

/** Implicit TLS on both sides until the person or discovery says otherwise (RFC 8314). */
export const EMPTY_SETUP: SetupForm = {
  name: '',
  email: '',
  password: '',
  rememberPassword: false,
  incoming: { protocol: 'imap', host: '', port: String(standardPort('imap', 'tls')), security: 'tls', username: '' },
  outgoing: { host: '', port: String(standardPort('smtp', 'tls')), security: 'tls', username: '' },
};

/** The usernames usually are the address: they follow it until the person types a different one. */
export function withEmail(form: SetupForm, email: string): SetupForm {
  const follow = (username: string) => (username === form.email ? email : username);
  return { ...form, email, incoming: { ...form.incoming, username: follow(form.incoming.username) }, outgoing: { ...form.outgoing, username: follow(form.outgoing.username) } };
}

export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).trim().toLowerCase();
}

/** Puts found settings into the form; a found server without a username gets the address, as providers mostly want. */
export function withFound(form: SetupForm, incoming: IncomingSettings, outgoing: OutgoingSettings | null): SetupForm {
  const email = form.email.trim();
  const username = (u: string) => (u.trim() === '' ? email : u);
  return {
    ...form,
    incoming: incomingFields({ ...incoming, username: username(incoming.username) }),
    outgoing: outgoing ? serverFields({ ...outgoing, username: username(outgoing.username) }) : { ...EMPTY_SETUP.outgoing, username: email },
  };
}

/** The two servers' fields, which account settings edit too. */
export type ServersFields = Pick<SetupForm, 'incoming' | 'outgoing'>;

export function incomingOf(form: ServersFields): IncomingSettings {
  return toIncomingSettings(form.incoming);
}

/** An outgoing server without its own username signs in as the incoming one, as most servers share accounts. */
export function outgoingOf(form: ServersFields): OutgoingSettings | null {
  const outgoing = toOutgoingSettings(form.outgoing);
  return outgoing && outgoing.username === '' ? { ...outgoing, username: incomingOf(form).username } : outgoing;
}

export function toAccountInput(form: SetupForm, pinnedFingerprint256: string | null): NewAccountInput {
  return {
    name: form.name.trim(),
    email: form.email.trim(),
    incoming: incomingOf(form),
    outgoing: outgoingOf(form),
    password: form.password,
    rememberPassword: form.rememberPassword,
    pinnedFingerprint256,
  };
}

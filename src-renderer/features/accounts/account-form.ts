// The first-run account form's model: its fields, the ports each security choice implies, and the input it submits.

import type { IncomingProtocol, NewAccountInput, Security } from '../../../shared/model';
import { standardPort } from '../../../shared/ports';

export interface AccountForm {
  name: string;
  email: string;
  protocol: IncomingProtocol;
  incomingHost: string;
  incomingPort: string;
  incomingSecurity: Security;
  incomingUsername: string;
  password: string;
  outgoingHost: string;
  outgoingPort: string;
  outgoingSecurity: Security;
  outgoingUsername: string;
  rememberPassword: boolean;
}

export const EMPTY_FORM: AccountForm = {
  name: '',
  email: '',
  protocol: 'imap',
  incomingHost: '',
  incomingPort: String(standardPort('imap', 'tls')),
  incomingSecurity: 'tls',
  incomingUsername: '',
  password: '',
  outgoingHost: '',
  outgoingPort: String(standardPort('smtp', 'tls')),
  outgoingSecurity: 'tls',
  outgoingUsername: '',
  rememberPassword: false,
};

export const SECURITY_LABELS: Record<Security, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'None (unencrypted)' };

/** Applies one field change, keeping ports in step with protocol and security when the port was a standard one. */
export function updateForm(form: AccountForm, change: Partial<AccountForm>): AccountForm {
  const next = { ...form, ...change };
  if (change.protocol !== undefined || change.incomingSecurity !== undefined) {
    if (form.incomingPort === String(standardPort(form.protocol, form.incomingSecurity)) || form.incomingPort === '')
      next.incomingPort = String(standardPort(next.protocol, next.incomingSecurity));
  }
  if (change.outgoingSecurity !== undefined) {
    if (form.outgoingPort === String(standardPort('smtp', form.outgoingSecurity)) || form.outgoingPort === '')
      next.outgoingPort = String(standardPort('smtp', next.outgoingSecurity));
  }
  // The username usually is the address; follow it until the person types a different one.
  if (change.email !== undefined) {
    if (form.incomingUsername === form.email) next.incomingUsername = change.email;
    if (form.outgoingUsername === form.email) next.outgoingUsername = change.email;
  }
  return next;
}

/** Which servers in this form would send the password and mail unencrypted. */
export function unencryptedParts(form: AccountForm): string[] {
  const parts: string[] = [];
  if (form.incomingSecurity === 'none') parts.push(`incoming (${form.protocol.toUpperCase()})`);
  if (form.outgoingHost.trim() && form.outgoingSecurity === 'none') parts.push('outgoing (SMTP)');
  return parts;
}

export function toAccountInput(form: AccountForm, pinnedFingerprint256: string | null): NewAccountInput {
  const outgoingHost = form.outgoingHost.trim();
  return {
    name: form.name.trim(),
    email: form.email.trim(),
    incoming: {
      protocol: form.protocol,
      host: form.incomingHost.trim(),
      port: Number(form.incomingPort),
      security: form.incomingSecurity,
      username: form.incomingUsername.trim(),
    },
    outgoing: outgoingHost
      ? { host: outgoingHost, port: Number(form.outgoingPort), security: form.outgoingSecurity, username: form.outgoingUsername.trim() || form.incomingUsername.trim() }
      : null,
    password: form.password,
    rememberPassword: form.rememberPassword,
    pinnedFingerprint256,
  };
}

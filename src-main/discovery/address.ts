// An email address as discovery needs it (local part, ASCII domain) and the username placeholders autoconfig files use.

import { domainToASCII } from 'node:url';
import { HeronError } from '../../shared/errors';

export interface EmailAddress {
  /** As the person typed it (trimmed): what servers expect as a username. */
  email: string;
  localPart: string;
  /** Lower case, IDNA (xn--) form, without a trailing dot: what DNS and URLs need. */
  domain: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 253 && host.split('.').every((label) => LABEL.test(label));
}

export function parseAddress(input: string): EmailAddress {
  const email = input.trim();
  const at = email.lastIndexOf('@');
  const localPart = at > 0 ? email.slice(0, at) : '';
  const domain = at > 0 ? domainToASCII(email.slice(at + 1).toLowerCase().replace(/\.$/, '')) : '';
  // A domain without a dot is almost always a typo ("name@gmail"), and no provider's mail lives on one.
  if (localPart === '' || /\s/.test(localPart) || !isHostName(domain) || !domain.includes('.')) {
    const problem = `"${email}" is not an email address; enter one like name@example.com.`;
    throw new HeronError('invalid-input', problem, { problems: [problem] });
  }
  return { email, localPart, domain };
}

/** Replaces %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% (Thunderbird's autoconfig placeholders). */
export function expandPlaceholders(template: string, address: EmailAddress): string {
  return template
    .replaceAll('%EMAILADDRESS%', address.email)
    .replaceAll('%EMAILLOCALPART%', address.localPart)
    .replaceAll('%EMAILDOMAIN%', address.domain);
}

/** The username a source names, expanded; the full address when it names none or one Heron cannot fill in. */
export function usernameFor(template: string | undefined, address: EmailAddress): string {
  const username = template === undefined ? '' : expandPlaceholders(template, address).trim();
  return username === '' || /%[A-Z]+%/.test(username) ? address.email : username;
}

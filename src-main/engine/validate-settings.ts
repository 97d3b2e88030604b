// Checks server settings before they are saved or used, so a typo becomes 'invalid-input', not a hang.

import { HeronError } from '../../shared/errors';
import type { IncomingSettings, OutgoingSettings, ServerSettings } from '../../shared/model';

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^\d{1,3}(?:\.\d{1,3}){3}$|^\[[0-9a-f:.]+\]$/i;

function validateServer(settings: ServerSettings, label: string): void {
  const problems: string[] = [];
  if (!HOST.test(settings.host.trim())) problems.push(`${label} host "${settings.host}" is not a valid host name.`);
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535)
    problems.push(`${label} port must be a whole number from 1 to 65535.`);
  if (!['tls', 'starttls', 'none'].includes(settings.security)) problems.push(`${label} security must be SSL/TLS, STARTTLS or None.`);
  if (settings.username.trim() === '') problems.push(`${label} username is empty.`);
  if (problems.length > 0) throw new HeronError('invalid-input', problems.join(' '), { problems });
}

export function validateIncoming(settings: IncomingSettings): void {
  if (settings.protocol !== 'imap' && settings.protocol !== 'pop3')
    throw new HeronError('invalid-input', 'Incoming protocol must be IMAP or POP3.');
  validateServer(settings, 'Incoming');
}

export function validateOutgoing(settings: OutgoingSettings): void {
  validateServer(settings, 'Outgoing');
}

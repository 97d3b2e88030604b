// Checks server settings before they are saved or used, so a typo becomes 'invalid-input', not a hang.

import { HeronError } from '../../shared/errors';
import type { IncomingProtocol, IncomingSettings, OutgoingSettings, Pop3Options, ServerSettings } from '../../shared/model';

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

/** The longest "delete from the server after N days" (a hundred years, as for days kept offline). */
export const MAX_POP3_DELETE_AFTER_DAYS = 36_500;
/** The size limit's bounds: below 1 KiB not even the headers of most mail fit; above 1 GiB it is no limit at all. */
export const MIN_POP3_MESSAGE_BYTES = 1024;
export const MAX_POP3_MESSAGE_BYTES = 1024 ** 3;

const wholeIn = (value: unknown, min: number, max: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/**
 * Checks POP3 options (they cross IPC, so every field's type too) and returns exactly those fields; options for an
 * IMAP account are refused, since IMAP keeps the server's copy by design.
 */
export function validatePop3Options(options: Pop3Options, protocol: IncomingProtocol): Pop3Options {
  if (protocol !== 'pop3') throw new HeronError('invalid-input', 'POP3 options apply only to POP3 accounts.');
  if (typeof options !== 'object' || options === null) throw new HeronError('invalid-input', 'The POP3 options are missing.');
  const { leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally, maxMessageBytes } = options;
  const problems: string[] = [];
  if (typeof leaveOnServer !== 'boolean') problems.push('"Leave messages on the server" must be on or off.');
  if (typeof deleteWhenDeletedLocally !== 'boolean') problems.push('"Delete from the server when deleted in Heron" must be on or off.');
  if (deleteAfterDays !== null && !wholeIn(deleteAfterDays, 0, MAX_POP3_DELETE_AFTER_DAYS))
    problems.push(`Days before deleting from the server must be a whole number from 0 to ${MAX_POP3_DELETE_AFTER_DAYS}.`);
  if (maxMessageBytes !== null && !wholeIn(maxMessageBytes, MIN_POP3_MESSAGE_BYTES, MAX_POP3_MESSAGE_BYTES))
    problems.push(`The message size limit must be a whole number of bytes from ${MIN_POP3_MESSAGE_BYTES} to ${MAX_POP3_MESSAGE_BYTES}.`);
  if (problems.length > 0) throw new HeronError('invalid-input', problems.join(' '), { problems });
  return { leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally, maxMessageBytes };
}

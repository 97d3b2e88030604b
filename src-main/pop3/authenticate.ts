// Logging in to a POP3 server: which method protects the password best on this connection, and running it
// (RFC 1939 USER/PASS and APOP, RFC 5034 SASL PLAIN). The password goes only to the wire, never into an error.

import { createHash } from 'node:crypto';
import { HeronError } from '../../shared/errors';
import type { Pop3Status, Pop3Wire } from './wire';

export type Pop3AuthMethod = 'sasl-plain' | 'user-pass' | 'apop';

/** RFC 2449 §4: a command line is at most 255 octets with its CRLF; a longer AUTH goes as a continuation (RFC 5034 §4). */
const MAX_COMMAND_BYTES = 255;

/** The greeting's timestamp (RFC 1939 §7, an RFC 822 msg-id such as <1896.697170952@dbc.mtview.ca.us>): the server offers APOP. */
function apopTimestamp(greeting: string): string | undefined {
  return /<[^<>@\s]+@[^<>\s]+>/.exec(greeting)?.[0];
}

function offersSaslPlain(capabilities: readonly string[]): boolean {
  return capabilities.some((line) => {
    const [keyword = '', ...mechanisms] = line.toUpperCase().split(/\s+/);
    return keyword === 'SASL' && mechanisms.includes('PLAIN');
  });
}

/**
 * The method for this connection:
 * - Encrypted: TLS already hides the password, so sending it as typed is safe, and it works however the server
 *   stores passwords (APOP needs them kept readable on the server, and its MD5 adds nothing under TLS). SASL PLAIN
 *   when CAPA lists it: one command, UTF-8 user names and passwords by definition (RFC 4616), and it still works on
 *   servers that turned USER off. Else USER/PASS, which every server has.
 * - Unencrypted: APOP when the greeting carries a timestamp, because then only a digest crosses the wire, never the
 *   password. Else USER/PASS (SASL PLAIN would expose the password just the same): the setup wizard already made the
 *   person confirm that the password travels readable.
 */
export function chooseAuthMethod(encrypted: boolean, greeting: string, capabilities: readonly string[]): Pop3AuthMethod {
  if (encrypted) return offersSaslPlain(capabilities) ? 'sasl-plain' : 'user-pass';
  return apopTimestamp(greeting) ? 'apop' : 'user-pass';
}

/** Logs in with the method chooseAuthMethod picks; a refusal is auth-failed with the server's words. */
export async function authenticate(wire: Pop3Wire, username: string, password: string, greeting: string, capabilities: readonly string[]): Promise<Pop3AuthMethod> {
  const method = chooseAuthMethod(wire.encrypted, greeting, capabilities);
  const expectOk = (command: string, reply: Pop3Status) => {
    if (reply.status !== 'ok') throw refused(command, reply.text, password);
  };
  if (method === 'sasl-plain') {
    expectOk('AUTH PLAIN', await saslPlain(wire, username, password));
  } else if (method === 'apop') {
    const digest = createHash('md5').update(`${apopTimestamp(greeting)}${password}`, 'utf8').digest('hex');
    expectOk('APOP', await wire.command(`APOP ${username} ${digest}`));
  } else {
    expectOk('USER', await wire.command(`USER ${username}`));
    expectOk('PASS', await wire.command(`PASS ${password}`));
  }
  return method;
}

async function saslPlain(wire: Pop3Wire, username: string, password: string): Promise<Pop3Status> {
  // RFC 4616: authorization identity (empty: the same as the user name), user name and password, NUL-separated.
  const response = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
  const inline = `AUTH PLAIN ${response}`;
  if (Buffer.byteLength(inline) + 2 <= MAX_COMMAND_BYTES) return wire.command(inline, true);
  const challenge = await wire.command('AUTH PLAIN', true);
  if (challenge.status !== 'continue') return challenge;
  const reply = await wire.command(response, true);
  if (reply.status === 'continue') throw new HeronError('protocol-error', 'The POP3 server asked for more than SASL PLAIN sends.');
  return reply;
}

/**
 * A refused login. Codes from RFC 2449 §8 and RFC 3206 say the account is busy or the server is in trouble; calling
 * that a wrong password would send the person to change a password that is right.
 */
function refused(command: string, text: string, password: string): HeronError {
  // Some servers quote what they were sent.
  const serverResponse = password ? text.split(password).join('<redacted>') : text;
  const busy = /^\[(IN-USE|LOGIN-DELAY|SYS\/TEMP|SYS\/PERM)\]/i.test(text);
  return new HeronError(busy ? 'server-rejected' : 'auth-failed', undefined, { serverResponse, command });
}

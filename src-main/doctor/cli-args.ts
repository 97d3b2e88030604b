// `npm run doctor` arguments: the server to check, with protocol, security and port inferred from each other when left out.

import type { Protocol, Security } from '../../shared/model';
import { securityForPort, standardPort } from '../../shared/ports';
import type { DoctorTarget } from '../../shared/setup';

export const USAGE = `usage: npm run doctor -- <host> [--port N] [--security tls|starttls|none] [--protocol imap|pop3|smtp]
                         [--user NAME] [--ca FILE] [--transcript]

  --user NAME    also log in as NAME; the password comes from HERON_DOCTOR_PASSWORD, or is asked for
                 (without echo) when run in a terminal. It is never taken from the command line.
  --ca FILE      trust this CA or self-signed certificate (PEM) besides the system's roots.
  --transcript   print the protocol transcript (passwords replaced by <redacted>).
Left out, the protocol and security follow from the port (993 IMAP over TLS, 587 SMTP with STARTTLS, ...),
and the port from them (IMAP over SSL/TLS when nothing is given).`;

export class UsageError extends Error {}

export interface DoctorCliOptions {
  target: DoctorTarget;
  caFile: string | null;
  transcript: boolean;
}

const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3', 'smtp'];
const SECURITIES: readonly Security[] = ['tls', 'starttls', 'none'];

/** The protocol a port is known for, if any. */
function protocolForPort(port: number): Protocol | null {
  return PROTOCOLS.find((protocol) => securityForPort(protocol, port) !== null) ?? null;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function parseDoctorArgs(argv: string[]): DoctorCliOptions {
  let host: string | undefined;
  let port: number | undefined;
  let protocol: Protocol | undefined;
  let security: Security | undefined;
  let username: string | undefined;
  let caFile: string | null = null;
  let transcript = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be a number from 1 to 65535');
    } else if (arg === '--security') security = oneOf(arg, value(), SECURITIES);
    else if (arg === '--protocol') protocol = oneOf(arg, value(), PROTOCOLS);
    else if (arg === '--user') username = value();
    else if (arg === '--ca') caFile = value();
    else if (arg === '--transcript') transcript = true;
    else if (/^--pass(word)?(=|$)/.test(arg)) {
      throw new UsageError('a password is never taken from the command line (it would show in the process list and the shell history); set HERON_DOCTOR_PASSWORD or type it when asked');
    } else if (arg.startsWith('-') || host !== undefined) throw new UsageError(`unexpected argument ${arg}`);
    else host = arg;
  }
  if (!host) throw new UsageError('the host to check is missing');
  protocol ??= (port !== undefined ? protocolForPort(port) : null) ?? 'imap';
  security ??= (port !== undefined ? securityForPort(protocol, port) : null) ?? 'tls';
  port ??= standardPort(protocol, security);
  return { target: { protocol, host, port, security, ...(username ? { username } : {}) }, caFile, transcript };
}

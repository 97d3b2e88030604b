// Opening an IMAP session with imapflow: security mapped fail-closed, every wait bounded, no secret in any log.

import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { tlsOptionsFor } from '../engine/certificate';
import { mapProtocolError } from '../engine/error-map';

/** TCP connect; a server that never answers SYN must not hang an account. */
export const IMAP_CONNECTION_TIMEOUT_MS = 20_000;
/** From connect to the server's greeting. */
export const IMAP_GREETING_TIMEOUT_MS = 16_000;
/** Longest silence inside a command before the socket is given up. */
export const IMAP_SOCKET_TIMEOUT_MS = 120_000;
/**
 * The whole login, from connect to a usable session (greeting, CAPABILITY, STARTTLS, LOGIN, NAMESPACE, ENABLE). The
 * silence limit restarts with every byte, so a server answering one byte or one untagged line at a time (slow-loris)
 * would hold the login forever without it.
 */
export const IMAP_LOGIN_TIMEOUT_MS = 60_000;

/** The waits above, by name; tests against scripted servers pass shorter ones. */
export interface ImapWaits {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
  loginMs: number;
}

export interface ImapConnectOptions {
  pinned: PinnedCertificate | null;
  /** Tests and the connection doctor keep the raw transcript; it never contains the password (imapflow masks it). */
  onLog?: (entry: Record<string, unknown>) => void;
  /** For an IDLE connection: break and re-issue IDLE this often (imapflow's maxIdleTime). */
  idleRestartMs?: number;
  /** Shorter waits than the constants above; only tests pass them. */
  waits?: Partial<ImapWaits>;
}

const PREAUTH_IN_CLEAR =
  'The server logged this connection in without a password (PREAUTH), over an unencrypted connection where anyone on the way could have sent that greeting. Heron does not use such a session; choose SSL/TLS.';

/**
 * imapflow options for these settings. STARTTLS is fail-closed (`doSTARTTLS: true`): if the server
 * does not offer it, or a man in the middle strips it, the session stops before LOGIN.
 */
export function imapFlowOptions(settings: IncomingSettings, password: string, options: ImapConnectOptions): ImapFlowOptions {
  const log = options.onLog;
  const logger = log
    ? { debug: log, info: log, warn: log, error: log }
    : false;
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls' ? true : false,
    auth: { user: settings.username, pass: password },
    tls: tlsOptionsFor(settings.host, options.pinned),
    logger,
    disableAutoIdle: true,
    connectionTimeout: options.waits?.connectionMs ?? IMAP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: options.waits?.greetingMs ?? IMAP_GREETING_TIMEOUT_MS,
    socketTimeout: options.waits?.socketMs ?? IMAP_SOCKET_TIMEOUT_MS,
    clientInfo: { name: 'Heron' },
    // QRESYNC (when the server has it) reports expunged UIDs as VANISHED during incremental sync.
    qresync: true,
    ...(options.idleRestartMs ? { maxIdleTime: options.idleRestartMs } : {}),
  };
}

/** A logged-in client, or a HeronError saying what went wrong. */
export async function openImapSession(settings: IncomingSettings, password: string, options: ImapConnectOptions): Promise<ImapFlow> {
  const client = new ImapFlow(imapFlowOptions(settings, password, options));
  // imapflow also reports socket failures as 'error' events; without a listener Node would crash main.
  client.on('error', () => undefined);
  const loginMs = options.waits?.loginMs ?? IMAP_LOGIN_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HeronError('timeout', `The server did not finish the login within ${loginMs / 1000} s.`)), loginMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
    // imapflow keeps the text of an OK greeting in `greeting` ('' when there is none); after a PREAUTH greeting it stays
    // undefined (a BYE greeting fails connect). Over TLS the certificate vouches for the server; in clear (security
    // 'none': with STARTTLS imapflow already refuses) the session is whoever's greeting came first, and Heron would file
    // drafts and sent mail there.
    if (client.greeting === undefined && !client.secureConnection) throw new HeronError('unsupported', PREAUTH_IN_CLEAR);
    return client;
  } catch (error) {
    client.close();
    throw mapProtocolError(error, settings);
  } finally {
    clearTimeout(timer);
  }
}

/** LOGOUT politely, but never wait on a server that stopped answering. */
export async function closeImapSession(client: ImapFlow): Promise<void> {
  if (!client.usable) {
    client.close();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 5_000);
  });
  await Promise.race([client.logout().catch(() => undefined), deadline]);
  clearTimeout(timer);
  client.close();
}

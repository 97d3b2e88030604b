// Opening an IMAP session with imapflow: security mapped fail-closed, every wait bounded, no secret in any log.

import { ImapFlow, type ImapFlowOptions } from 'imapflow';
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

export interface ImapConnectOptions {
  pinned: PinnedCertificate | null;
  /** Tests and the connection doctor keep the raw transcript; it never contains the password (imapflow masks it). */
  onLog?: (entry: Record<string, unknown>) => void;
  /** For an IDLE connection: break and re-issue IDLE this often (imapflow's maxIdleTime). */
  idleRestartMs?: number;
}

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
    connectionTimeout: IMAP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: IMAP_GREETING_TIMEOUT_MS,
    socketTimeout: IMAP_SOCKET_TIMEOUT_MS,
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
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.close();
    throw mapProtocolError(error, settings);
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

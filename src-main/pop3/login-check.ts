// Proving POP3 settings: connect, upgrade as configured, log in with USER/PASS, read CAPA, QUIT.

import type { ConnectionReport } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { Pop3Connection } from './connection';

export async function checkPop3Login(settings: IncomingSettings, password: string, pinned: PinnedCertificate | null): Promise<ConnectionReport> {
  const { connection } = await Pop3Connection.open(settings, pinned);
  try {
    const user = await connection.command(`USER ${settings.username}`);
    if (!user.ok) throw new HeronError('auth-failed', undefined, { serverResponse: user.text });
    const pass = await connection.command(`PASS ${password}`);
    if (!pass.ok) throw new HeronError('auth-failed', undefined, { serverResponse: pass.text });
    const capabilities = await connection.capabilities();
    await connection.quit();
    return { ok: true, protocol: 'pop3', capabilities, encrypted: connection.encrypted, folders: [] };
  } finally {
    connection.close();
  }
}

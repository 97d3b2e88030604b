// Proving POP3 settings: connect, secure the connection as configured, log in, read CAPA, QUIT.

import type { ConnectionReport } from '../../shared/contract';
import type { IncomingSettings } from '../../shared/model';
import type { PinnedCertificate } from '../engine/accounts';
import { openPop3 } from './client';

export async function checkPop3Login(settings: IncomingSettings, password: string, pinned: PinnedCertificate | null): Promise<ConnectionReport> {
  const session = await openPop3(settings, password, pinned);
  try {
    await session.quit();
  } catch {
    // The login is what this proves; nothing was deleted, so how the goodbye went changes nothing.
  } finally {
    session.close();
  }
  return { ok: true, protocol: 'pop3', capabilities: [...session.capabilities], encrypted: session.encrypted, folders: [] };
}

// Proving incoming settings work: log in, read what the server offers, log out; certificate problems come with the certificate.

import type { ConnectionReport } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings } from '../../shared/model';
import { listFolders } from '../imap/folders';
import { closeImapSession, openImapSession } from '../imap/session';
import { checkPop3Login } from '../pop3/login-check';
import type { PinnedCertificate } from './accounts';
import { fetchCertificate } from './certificate';

export async function checkIncoming(settings: IncomingSettings, password: string, pinned: PinnedCertificate | null): Promise<ConnectionReport> {
  try {
    return settings.protocol === 'imap' ? await checkImap(settings, password, pinned) : await checkPop3Login(settings, password, pinned);
  } catch (error) {
    if (error instanceof HeronError && error.code === 'certificate-untrusted' && !error.detail) throw await withCertificate(error, settings);
    throw error;
  }
}

async function checkImap(settings: IncomingSettings, password: string, pinned: PinnedCertificate | null): Promise<ConnectionReport> {
  const client = await openImapSession(settings, password, { pinned });
  try {
    const folders = await listFolders(client, '');
    return { ok: true, protocol: 'imap', capabilities: [...client.capabilities.keys()], encrypted: client.secureConnection, folders };
  } finally {
    await closeImapSession(client);
  }
}

/** Adds the certificate the server presents, so the person can compare its fingerprint before trusting it. */
async function withCertificate(error: HeronError, settings: IncomingSettings): Promise<HeronError> {
  try {
    const { pem: _pem, ...detail } = await fetchCertificate(settings);
    return new HeronError('certificate-untrusted', error.message, detail, { cause: error });
  } catch {
    return error;
  }
}

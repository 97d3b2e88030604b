// One account's sync step in words ("Fetching older messages in Archive: 2,000 of 9,500"), announced politely to screen readers.

import type { SyncProgress } from '../../../shared/model';

const PHASE_TEXT: Record<SyncProgress['phase'], string> = {
  connecting: 'Connecting',
  folders: 'Checking folders',
  newest: 'Fetching the newest messages',
  backfill: 'Fetching older messages',
  changes: 'Checking for changes',
  bodies: 'Downloading messages for offline reading',
  idle: 'Up to date',
};

export function describeProgress(progress: SyncProgress): string {
  const where = progress.folderPath ? ` in ${progress.folderPath === 'INBOX' ? 'Inbox' : progress.folderPath}` : '';
  const count = progress.total > 0 ? `: ${progress.fetched.toLocaleString()} of ${progress.total.toLocaleString()}` : '';
  return `${PHASE_TEXT[progress.phase]}${where}${count}`;
}

/**
 * Always in place, empty while nothing syncs: a line that came and went would move every folder below it, under the
 * pointer of someone dragging a message onto one of them.
 */
export function SyncStatus({ progress }: { progress: SyncProgress | undefined }) {
  return (
    <p className="sync-status hint" role="status">
      {progress && progress.phase !== 'idle' ? describeProgress(progress) : ''}
    </p>
  );
}

// The attachment list: name, type and size, with Save (a download) and Open (a new tab, only for types that cannot run script).

import { useState } from 'react';
import type { AppMode, EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { AttachmentMeta } from '../../../shared/model';
import { ErrorNote } from '../accounts/ErrorNote';
import { base64ToBytes, formatSize, openableType, safeFileName } from './attachments';

interface Props {
  engine: EngineApi;
  mode: AppMode;
  accountId: string;
  folderPath: string;
  uid: number;
  attachments: readonly AttachmentMeta[];
}

/** How long an opened blob stays alive: the new tab must have read it by then. */
const OPENED_BLOB_MS = 60_000;

function deliver(bytes: Uint8Array<ArrayBuffer>, name: string, openAs: string | null): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: openAs ?? 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  if (openAs) {
    link.target = '_blank';
    link.rel = 'noopener';
  } else link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), openAs ? OPENED_BLOB_MS : 1_000);
}

export function Attachments({ engine, mode, accountId, folderPath, uid, attachments }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<HeronError | null>(null);
  if (attachments.length === 0) return null;

  const fetchAndDeliver = async (meta: AttachmentMeta, open: boolean) => {
    setBusy(meta.partId);
    setError(null);
    try {
      const content = await engine.fetchAttachment(accountId, folderPath, uid, meta.partId);
      // The desktop shell refuses new windows for blob: URLs; there Open saves, and the system opens the file.
      const openAs = open && mode === 'browser' ? openableType(content.contentType) : null;
      deliver(base64ToBytes(content.base64), safeFileName(content.filename ?? meta.filename), openAs);
    } catch (caught) {
      setError(toHeronError(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="attachments" aria-label="Attachments">
      <ul>
        {attachments.map((meta) => {
          const name = safeFileName(meta.filename);
          return (
            <li key={meta.partId} className="attachment">
              <span className="attachment-name" title={name}>
                {name}
              </span>
              <span className="attachment-meta">
                {meta.contentType} · {formatSize(meta.size)}
              </span>
              <button type="button" disabled={busy !== null} onClick={() => void fetchAndDeliver(meta, false)} aria-label={`Save ${name}`}>
                Save
              </button>
              <button type="button" disabled={busy !== null} onClick={() => void fetchAndDeliver(meta, true)} aria-label={`Open ${name}`}>
                Open
              </button>
            </li>
          );
        })}
      </ul>
      {error && <ErrorNote error={error} />}
    </section>
  );
}

// The composer's attachments: added by the picker or by dropping files, each with its size, and a warning when the message outgrows the server's limit.

import type { OutgoingAttachment } from '../../../shared/model';
import { formatSize } from '../reader/attachments';

/** The bytes an attachment holds (its base64 without padding, read back). */
export function attachmentBytes(a: OutgoingAttachment): number {
  const padding = a.base64.endsWith('==') ? 2 : a.base64.endsWith('=') ? 1 : 0;
  return Math.floor((a.base64.length * 3) / 4) - padding;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export async function readFiles(files: readonly File[]): Promise<OutgoingAttachment[]> {
  return Promise.all(
    files.map(async (file) => ({ filename: file.name || 'attachment', contentType: file.type || 'application/octet-stream', base64: await readAsBase64(file), contentId: null })),
  );
}

interface Props {
  attachments: OutgoingAttachment[];
  warning: string | null;
  onRemove: (index: number) => void;
}

export function ComposeAttachments({ attachments, warning, onRemove }: Props) {
  if (attachments.length === 0 && !warning) return null;
  return (
    <div className="compose-attachments">
      {attachments.length > 0 && (
        <ul aria-label="Attachments">
          {attachments.map((a, i) => (
            <li key={`${i}-${a.filename}`}>
              <span className="name">{a.filename}</span> <span className="size">{formatSize(attachmentBytes(a))}</span>
              <button type="button" className="link-button" aria-label={`Remove ${a.filename}`} onClick={() => onRemove(i)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {warning && (
        <p className="size-warning" role="alert">
          {warning}
        </p>
      )}
    </div>
  );
}

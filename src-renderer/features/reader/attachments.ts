// Attachment names and types as the reader offers them: names safe to save under, and which types may open in a tab.

/** Bidi overrides and zero-width characters can disguise a name ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). */
const DISGUISING = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const MAX_NAME_CHARS = 180;

/** A file name that stays one plain name on every OS: no path, no control or disguising characters, no reserved names. */
export function safeFileName(name: string | null, fallback = 'attachment'): string {
  let clean = (name ?? '')
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(DISGUISING, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
  if (clean.length > MAX_NAME_CHARS) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 12 ? clean.slice(dot) : '';
    clean = clean.slice(0, MAX_NAME_CHARS - extension.length) + extension;
  }
  return clean || fallback;
}

/**
 * The type a blob opened in a new tab gets, or null when the attachment must be saved instead. Only types that
 * cannot run script: the tab would have Heron's own origin, so HTML or SVG there could reach the app's data.
 */
export function openableType(contentType: string): string | null {
  const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (/^image\/(png|gif|jpeg|webp|bmp)$/.test(type)) return type;
  if (type === 'application/pdf') return type;
  if (type === 'text/plain') return 'text/plain;charset=utf-8';
  return null;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Builds the message frame's srcdoc: its own CSP first in <head>, Heron's base styles, then the sanitized message.

/** Shown while no remote content is allowed; the shell's own policy (which the srcdoc inherits) applies on top. */
export function frameCsp(allowRemote: boolean): string {
  return [
    "default-src 'none'",
    `img-src data:${allowRemote ? ' http: https:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Mail is written for a white page; the app's dark theme must not show through a transparent frame. */
const BASE_STYLE = [
  ':root{color-scheme:light}',
  'html{background:#fff;color:#1d2330}',
  'body{margin:0;padding:12px 16px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;overflow-wrap:break-word}',
  'img{max-width:100%}',
  'pre.heron-plain{margin:0;white-space:pre-wrap;font:inherit}',
  'a.heron-blocked-link{cursor:not-allowed}',
].join('');

export interface FrameContent {
  /** Sanitized <style> texts from the message's <head>; already free of "<". */
  styles: readonly string[];
  /** Sanitized attributes of the message's <body> (bgcolor, style, …). */
  bodyAttributes: readonly (readonly [string, string])[];
  /** Sanitized markup for inside <body>. */
  content: string;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function buildFrameDocument(frame: FrameContent, allowRemote: boolean): string {
  const attributes = frame.bodyAttributes
    // The sanitizer keeps only a few presentational attributes; this holds even if it did not.
    .filter(([name]) => /^[a-z][a-z0-9-]*$/.test(name) && !name.startsWith('on'))
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  // Style text can never close its element: every "<" in it is escaped (the sanitizer already did; this holds regardless).
  const styles = frame.styles.map((css) => `<style>${css.replace(/</g, '\\3c ')}</style>`).join('');
  return (
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${frameCsp(allowRemote)}">` +
    '<meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<style>${BASE_STYLE}</style>${styles}</head><body${attributes}>${frame.content}</body></html>`
  );
}

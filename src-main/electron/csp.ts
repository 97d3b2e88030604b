// The app shell's Content-Security-Policy, sent as a response header by the app:// protocol handler.
//
// Decisions (checked in Debian Chromium 156 with a page served under this policy):
// - script-src 'self' only: no inline script, no eval. Vite's build emits external module scripts only.
// - Message bodies render in `<iframe sandbox srcdoc>`. An about:srcdoc document INHERITS this policy
//   (its own <meta> CSP can only add restrictions), so whatever a message needs must also be allowed here:
//   * style-src needs 'unsafe-inline': with 'self' alone, every <style> block and style="" attribute of a
//     message is blocked. React's `style={{...}}` does not need it (it goes through CSSOM, which CSP does
//     not govern), so the shell itself would work without it; the message pane would not. The risk is
//     CSS injection into the shell, which cannot run script; since img-src allows remote images (below), it
//     could make requests through url(). Message markup enters only the frame, never the shell's document,
//     so that takes a renderer bug first; font-src and connect-src name no remote source.
//   * font-src allows data: for the same reason (message web fonts inlined as data: URLs).
//   * img-src allows http: and https:, the same decision as browser mode (src-main/web/security-headers.ts):
//     remote images a person chose to see must pass this inherited policy too. Before that consent the
//     frame's own CSP (img-src data:) and the sanitizer keep them out. Nothing in the shell loads remote images.
// - frame-src 'none': srcdoc frames are not subject to frame-src (verified: they load under 'none'), and
//   the shell frames nothing else. 'self' would only let an app page be framed inside the app; blob:
//   would let renderer-made documents be framed. Widen here if a feature really needs it.
// - No 'unsafe-eval', no remote source but img-src's; default-src 'none' covers media, manifest, etc.
//   Workers fall back to script-src ('self').

/** Directive name -> sources, in the order they are written. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', 'http:', 'https:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'frame-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

/** Serializes directives into a policy string (`name src src; name src`). */
export function buildCsp(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The policy string every app:// response carries. */
export const APP_CSP = buildCsp(CSP_DIRECTIVES);

/** Parses a policy string back into directive -> sources (for tests and diagnostics). */
export function parseCsp(policy: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !result.has(name.toLowerCase())) result.set(name.toLowerCase(), sources);
  }
  return result;
}

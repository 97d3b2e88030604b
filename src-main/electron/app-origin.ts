// Where the renderer lives: a privileged custom scheme, never file://.

/** The custom scheme the renderer bundle is served from (registered as standard + secure before ready). */
export const APP_SCHEME = 'app';
/** The single host of that scheme. */
export const APP_HOST = 'heron';
/** The app's origin; the only origin allowed to load in a window, navigate, or talk to the engine. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page every window opens. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True only for URLs on the app origin: `app://heron/...` with no user info and no port.
 * Node's URL treats `app:` as a non-special scheme (origin 'null', host not lower-cased), so this compares
 * the parts instead of `url.origin`; Chromium, which knows the scheme is standard, lower-cases the host.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

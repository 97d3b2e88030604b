// Headers for every browser-mode response: a strict CSP for the app page, no sniffing, no referrer, no caching of the page.

/** The page's CSP: only its own scripts and styles, and only its own WebSocket. */
export function browserModeCsp(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Message bodies render in srcdoc frames that inherit this policy; their own <style> blocks need 'unsafe-inline'.
    "style-src 'self' 'unsafe-inline'",
    // Message frames inherit this policy, so remote images a person chose to see must pass here too; before that
    // consent the frame's own CSP (img-src data:) and the sanitizer keep them out. Nothing in the app shell loads remote images.
    "img-src 'self' data: blob: http: https:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    // Message bodies render in sandboxed srcdoc frames, which frame-src does not govern; nothing else is framed.
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(origin: string): Record<string, string> {
  return {
    'Content-Security-Policy': browserModeCsp(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}

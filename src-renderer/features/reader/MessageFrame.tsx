// The one place message content enters the page: a sandboxed srcdoc frame with no script and an opaque origin.

/**
 * allow-popups (+ -to-escape-sandbox) lets a link open in a new window, where the page opened is not
 * sandboxed by us; every link is target=_blank by then. Deliberately absent: allow-scripts, allow-same-origin
 * (the frame could then reach the app), allow-forms, allow-top-navigation*, allow-modals, allow-downloads.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

export function MessageFrame({ document }: { document: string }) {
  return <iframe className="message-frame" title="Message body" sandbox={MESSAGE_FRAME_SANDBOX} referrerPolicy="no-referrer" srcDoc={document} />;
}

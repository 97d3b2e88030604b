// "View source": the raw message as the server keeps it, as plain text (React escapes it), never rendered.

import type { MessageSource } from '../../../shared/model';

export function SourceView({ source, onClose }: { source: MessageSource; onClose: () => void }) {
  return (
    <section className="message-source" aria-label="Message source">
      <div className="message-source-bar">
        <h3>Message source</h3>
        {source.truncated && <span className="hint">Only the first MiB is shown.</span>}
        <button type="button" onClick={onClose}>
          Close source
        </button>
      </div>
      <pre>{source.text}</pre>
    </section>
  );
}

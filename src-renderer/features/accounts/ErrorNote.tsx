// One error from the vocabulary, shown as a person can act on it: the message, then the server's own words.

import type { HeronError, ServerRejectedDetail } from '../../../shared/errors';

export function ErrorNote({ error }: { error: HeronError }) {
  const serverResponse = (error.detail as Partial<ServerRejectedDetail> | undefined)?.serverResponse;
  return (
    <div className="error" role="alert" data-code={error.code}>
      <p>{error.message}</p>
      {serverResponse && (
        <p className="server-words">
          The server said: <q>{serverResponse}</q>
        </p>
      )}
    </div>
  );
}

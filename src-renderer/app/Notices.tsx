// Bars across the top of the window: offline (calm, changes wait), actions the server undid, and errors from actions, each in the error vocabulary's words with its way to the fix.

import { ERROR_MESSAGES, HeronError, type HeronErrorData } from '../../shared/errors';
import { ErrorFixButton } from '../features/accounts/ErrorFixButton';
import { describeDroppedChange, droppedReason } from '../features/actions/dropped-change';
import { ErrorNote } from '../features/accounts/ErrorNote';
import { Icon } from '../features/layout/icons';
import type { DroppedChangeRow } from '../store/rows';

export interface ShownError {
  id: number;
  error: HeronErrorData;
  /** The account the failed action was about, when known: only then can the bar lead to a fix. */
  accountId?: string;
}

interface Props {
  offline: boolean;
  pendingChanges: number;
  errors: readonly ShownError[];
  onDismiss: (id: number) => void;
  onFix: (accountId: string, error: HeronErrorData) => void;
  /** Changes the server refused for good: the store put the messages back as the server has them. */
  dropped: readonly DroppedChangeRow[];
  onDismissDropped: (id: string) => void;
}

export function Notices({ offline, pendingChanges, errors, onDismiss, onFix, dropped, onDismissDropped }: Props) {
  if (!offline && errors.length === 0 && dropped.length === 0) return null;
  return (
    <div className="notices">
      {offline && (
        <div className="offline-bar" role="status">
          <Icon name="offline" />
          <span>
            <strong>Offline.</strong> Mail already on this computer opens, is searched and moves as usual. {ERROR_MESSAGES.offline} New mail arrives then.
            {pendingChanges > 0 && ` ${pendingChanges === 1 ? '1 change is' : `${pendingChanges} changes are`} waiting.`}
          </span>
        </div>
      )}
      {dropped.map((row) => {
        const reason = droppedReason(row.error);
        return (
          <div className="error-bar" key={row.id}>
            <div className="error" role="alert" data-code="change-undone">
              <p>
                <strong>Undone: {describeDroppedChange(row)}.</strong> The server did not accept it, so Heron shows the messages as the server has them. {reason.message}
              </p>
              {reason.serverWords && (
                <p className="server-words">
                  The server said: <q>{reason.serverWords}</q>
                </p>
              )}
            </div>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismissDropped(row.id)}>
              <Icon name="close" />
            </button>
          </div>
        );
      })}
      {errors.map(({ id, error, accountId }) => (
        <div className="error-bar" key={id}>
          <ErrorNote error={HeronError.fromData(error)} />
          {accountId !== undefined && (
            <ErrorFixButton
              error={error}
              onFix={() => {
                // Taken care of: a new failure brings a new bar.
                onDismiss(id);
                onFix(accountId, error);
              }}
            />
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}

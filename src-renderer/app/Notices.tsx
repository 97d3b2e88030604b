// Bars across the top of the window: offline (calm, changes wait) and errors from actions, each in the error vocabulary's words.

import { ERROR_MESSAGES, HeronError, type HeronErrorData } from '../../shared/errors';
import { ErrorNote } from '../features/accounts/ErrorNote';
import { Icon } from '../features/layout/icons';

export interface ShownError {
  id: number;
  error: HeronErrorData;
}

interface Props {
  offline: boolean;
  pendingChanges: number;
  errors: readonly ShownError[];
  onDismiss: (id: number) => void;
}

export function Notices({ offline, pendingChanges, errors, onDismiss }: Props) {
  if (!offline && errors.length === 0) return null;
  return (
    <div className="notices">
      {offline && (
        <div className="offline-bar" role="status">
          <Icon name="offline" />
          <span>
            <strong>Offline.</strong> {ERROR_MESSAGES.offline}
            {pendingChanges > 0 && ` ${pendingChanges === 1 ? '1 change is' : `${pendingChanges} changes are`} waiting.`}
          </span>
        </div>
      )}
      {errors.map(({ id, error }) => (
        <div className="error-bar" key={id}>
          <ErrorNote error={HeronError.fromData(error)} />
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}

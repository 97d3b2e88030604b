// The button next to an error that leads to its fix (see error-fix.ts); nothing when the error has none.

import type { HeronErrorData } from '../../../shared/errors';
import { fixFor } from './error-fix';
import './account-settings.css';

export function ErrorFixButton({ error, onFix }: { error: HeronErrorData; onFix: () => void }) {
  const fix = fixFor(error.code);
  if (!fix) return null;
  return (
    <button type="button" className="error-fix" onClick={onFix}>
      {fix.label}
    </button>
  );
}

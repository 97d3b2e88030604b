// Turns whatever IndexedDB or Dexie threw into the one error the rest of Heron understands: HeronError('store-failed').

import { HeronError } from '../../shared/errors';

/** The name of the underlying DOMException (QuotaExceededError, AbortError, …), looking through Dexie's wrapper. */
function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const inner = (error as { inner?: unknown }).inner;
  // Dexie wraps a DOMException in its own error (e.g. AbortError around QuotaExceededError); the inner name says why.
  if (inner instanceof Error && inner.name && inner.name !== error.name) return `${error.name}: ${inner.name}`;
  return error.name;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A HeronError passes through unchanged; anything else becomes 'store-failed' with the technical reason in detail. */
export function toStoreError(error: unknown, operation: string): HeronError {
  if (error instanceof HeronError) return error;
  return new HeronError('store-failed', undefined, { operation, reason: errorName(error), cause: errorText(error) }, { cause: error });
}

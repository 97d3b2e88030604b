// Whether an account's server is out of reach (offline or connection lost), as opposed to failing for another reason.

import type { ErrorCode } from '../../shared/errors';
import type { AccountStatus } from './use-engine';

/**
 * A refused connection, a name that does not resolve and a server that does not answer are what a stopped server or
 * a dead network look like. A wrong host or port would too, but an account is only saved after its settings worked.
 */
const UNREACHABLE: readonly ErrorCode[] = ['offline', 'connection-lost', 'connection-refused', 'host-not-found', 'timeout'];

export function isUnreachable(status: AccountStatus | undefined): boolean {
  return status?.state === 'error' && status.error !== undefined && UNREACHABLE.includes(status.error.code);
}

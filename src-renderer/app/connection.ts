// Whether an account's server is out of reach (offline or connection lost), as opposed to failing for another reason.

import type { ErrorCode } from '../../shared/errors';
import type { AccountStatus } from './use-engine';

const UNREACHABLE: readonly ErrorCode[] = ['offline', 'connection-lost'];

export function isUnreachable(status: AccountStatus | undefined): boolean {
  return status?.state === 'error' && status.error !== undefined && UNREACHABLE.includes(status.error.code);
}

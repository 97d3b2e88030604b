// A RendererApi that stores nothing, for tests of the engine side and the transports; override what a test watches.

import type { RendererApi } from '../../shared/contract';

export function rendererStub(overrides: Partial<RendererApi> = {}): RendererApi {
  // UIDs still come out unique, as the store's counter gives them: a test of sync must not see two messages under one.
  let nextUid = 1;
  return {
    getSyncCursor: async () => null,
    applyBatch: async (batch) => ({ applied: true, messages: batch.upsertMessages?.length ?? 0, durability: batch.durability ?? 'default' }),
    getFolderUids: async () => [],
    putBodies: async () => undefined,
    bodiesMissing: async (_accountId, _folderPath, uids) => uids,
    pendingChanges: async () => [],
    completeChange: async () => undefined,
    outboxWork: async () => ({ due: [], toFile: [], nextAttemptAt: null }),
    claimOutgoing: async () => null,
    recordSend: async () => undefined,
    popMessages: async () => [],
    allocateUids: async (_accountId, count) => {
      const first = nextUid;
      nextUid += count;
      return first;
    },
    messageSource: async () => null,
    engineEvent: () => undefined,
    ...overrides,
  };
}

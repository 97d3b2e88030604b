// A RendererApi that stores nothing, for tests of the engine side and the transports; override what a test watches.

import type { RendererApi } from '../../shared/contract';

export function rendererStub(overrides: Partial<RendererApi> = {}): RendererApi {
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
    engineEvent: () => undefined,
    ...overrides,
  };
}

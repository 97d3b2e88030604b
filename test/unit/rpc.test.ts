// The contract's RPC peer over both transports' shapes: JSON text (WebSocket) and structured clone (Electron IPC).

import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { describe, it } from 'node:test';
import type { EngineApi, EngineEvent, RendererApi } from '../../shared/contract';
import { RENDERER_EVENT_METHODS } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { createPeer, type RpcChannel } from '../../shared/rpc';
import { rendererStub } from '../support/renderer-stub';

type Pair = [RpcChannel, RpcChannel];

/** Two ends that pass text, as a WebSocket does. */
function textPair(): Pair {
  const listeners: [((d: unknown) => void)[], ((d: unknown) => void)[]] = [[], []];
  const end = (me: 0 | 1): RpcChannel => ({
    post: (data) => {
      assert.equal(typeof data, 'string', 'a text transport must only ever carry strings');
      queueMicrotask(() => listeners[me === 0 ? 1 : 0].forEach((l) => l(data)));
    },
    on: (l) => void listeners[me].push(l),
    serialize: (d) => JSON.stringify(d),
    deserialize: (d) => JSON.parse(d as string),
  });
  return [end(0), end(1)];
}

/** Two ends that structured-clone objects, as Electron IPC does. */
function clonePair(): { pair: Pair; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  const end = (port: typeof port1): RpcChannel => ({ post: (d) => port.postMessage(d), on: (l) => void port.on('message', l) });
  return { pair: [end(port1), end(port2)], close: () => (port1.close(), port2.close()) };
}

const certificateDetail = {
  host: 'mail.example.test',
  reason: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  subject: 'CN=mail.example.test',
  issuer: 'CN=mail.example.test',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  fingerprint256: 'AB:CD',
};

function engineStub(): EngineApi {
  const unused = async (): Promise<never> => {
    throw new HeronError('unsupported');
  };
  return {
    getAppInfo: async () => ({ name: 'Heron', version: '1.2.3', mode: 'browser', canEncryptSecrets: false }),
    listAccounts: async () => [],
    addAccount: async () => {
      throw new HeronError('certificate-untrusted', 'Not trusted', certificateDetail);
    },
    removeAccount: async () => {
      throw new Error('a bug with a message');
    },
    updateAccount: unused,
    unlockAccount: unused,
    testIncoming: unused,
    discoverSettings: unused,
    diagnose: unused,
    testOutgoing: unused,
    checkDomainHealth: unused,
    syncAccount: unused,
    openFolder: unused,
    fetchBody: unused,
    fetchAttachment: unused,
    searchServer: unused,
    fetchHeaders: unused,
    fetchSource: unused,
    replayChanges: unused,
    sendOutbox: unused,
    saveDraft: unused,
    discardDraft: unused,
    outgoingLimits: unused,
    downloadRest: unused,
    openExternal: unused,
  };
}


for (const [name, make] of [
  ['JSON text (WebSocket)', () => ({ pair: textPair(), close: () => undefined })],
  ['structured clone (IPC)', clonePair],
] as const) {
  describe(`RPC over ${name}`, () => {
    it('answers calls both ways and delivers engine events', async () => {
      const { pair, close } = make();
      const events: EngineEvent[] = [];
      const renderer = rendererStub({ engineEvent: (event) => void events.push(event) });
      const toRenderer = createPeer<EngineApi, RendererApi>(engineStub(), pair[0], { eventNames: [...RENDERER_EVENT_METHODS] });
      const toEngine = createPeer<RendererApi, EngineApi>(renderer, pair[1]);
      assert.equal((await toEngine.getAppInfo()).version, '1.2.3');
      const ack = await toRenderer.applyBatch({ accountId: 'a', durability: 'strict' });
      assert.deepEqual(ack, { applied: true, messages: 0, durability: 'strict' });
      await toRenderer.engineEvent({ type: 'accounts-changed', accounts: [] });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(events, [{ type: 'accounts-changed', accounts: [] }]);
      close();
    });

    it('round-trips an error as {code, message, detail} data', async () => {
      const { pair, close } = make();
      createPeer<EngineApi, RendererApi>(engineStub(), pair[0]);
      const toEngine = createPeer<RendererApi, EngineApi>(rendererStub(), pair[1]);
      await assert.rejects(toEngine.addAccount({} as never), (error: unknown) => {
        assert.ok(error instanceof HeronError);
        assert.equal(error.code, 'certificate-untrusted');
        assert.equal(error.message, 'Not trusted');
        assert.deepEqual(error.detail, certificateDetail);
        return true;
      });
      await assert.rejects(toEngine.removeAccount('x'), (error: unknown) => {
        assert.ok(error instanceof HeronError);
        assert.equal(error.code, 'internal');
        assert.deepEqual(error.detail, { cause: 'a bug with a message' });
        return true;
      });
      close();
    });

    it('fails a call that gets no answer with timeout', async () => {
      const { pair, close } = make();
      // Nobody answers on the other end.
      const toEngine = createPeer<Record<string, never>, EngineApi>({}, pair[1], { timeoutMs: 50 });
      // birpc's timer does not hold the event loop open; this one does, until the rejection arrives.
      const keepAlive = setInterval(() => undefined, 1_000);
      try {
        await assert.rejects(toEngine.listAccounts(), (error: unknown) => error instanceof HeronError && error.code === 'timeout');
      } finally {
        clearInterval(keepAlive);
        close();
      }
    });
  });
}

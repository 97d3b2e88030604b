// Connects the renderer to the engine over whichever transport this window has, with the same client code.

import type { AppInfo, EngineApi, RendererApi } from '../../shared/contract';
import { WS_CLOSE } from '../../shared/contract';
import { createPeer, type RpcChannel } from '../../shared/rpc';
import { desktopBridge, ipcChannel } from './ipc-channel';
import { openWebSocketChannel } from './ws-channel';

export interface Closed {
  code: number;
  reason: string;
}

export type Connection =
  | { status: 'ready'; engine: EngineApi; info: AppInfo; closed: Promise<Closed> }
  /** Another tab holds the store; this one stays idle and says so. */
  | { status: 'other-tab' }
  /** No engine answered (stopped, or restarted with a new access token). */
  | { status: 'unreachable' };

/** The renderer's side of the contract: it answers RendererApi and calls EngineApi. */
export function engineClient(local: RendererApi, channel: RpcChannel): EngineApi {
  return createPeer<RendererApi, EngineApi>(local, channel);
}

/** Completes the handshake: the engine's first answer proves this tab was accepted, not turned away. */
async function handshake(engine: EngineApi, closed: Promise<Closed>): Promise<Connection> {
  const first = await Promise.race([
    engine.getAppInfo().then((info) => ({ info })),
    closed.then((close) => ({ close })),
  ]);
  if ('info' in first) return { status: 'ready', engine, info: first.info, closed };
  return first.close.code === WS_CLOSE.otherTabActive ? { status: 'other-tab' } : { status: 'unreachable' };
}

/** After a reload the server may not yet have seen this page's previous socket close: try a few times before saying "other tab". */
const OTHER_TAB_ATTEMPTS = 5;
const OTHER_TAB_RETRY_MS = 300;

export async function connectToEngine(local: RendererApi): Promise<Connection> {
  const bridge = desktopBridge();
  if (bridge) return handshake(engineClient(local, ipcChannel(bridge)), new Promise<Closed>(() => undefined));
  let result: Connection = { status: 'unreachable' };
  for (let attempt = 1; attempt <= OTHER_TAB_ATTEMPTS; attempt++) {
    try {
      const { channel, closed } = await openWebSocketChannel(window.location);
      result = await handshake(engineClient(local, channel), closed);
    } catch {
      return { status: 'unreachable' };
    }
    if (result.status !== 'other-tab') return result;
    await new Promise((resolve) => setTimeout(resolve, OTHER_TAB_RETRY_MS));
  }
  return result;
}

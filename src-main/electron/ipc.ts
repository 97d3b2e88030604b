// The engine's RPC over Electron IPC for one window: one channel, every message's sender checked (A9).

import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import { IPC_CHANNEL, RENDERER_EVENT_METHODS, type EngineApi, type RendererApi } from '../../shared/contract';
import { HeronError } from '../../shared/errors';
import { createPeer, type RpcChannel } from '../../shared/rpc';
import type { Engine } from '../engine/engine';
import { isAppUrl } from './app-origin';

/** The part of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly detached?: boolean;
}

/** The part of Electron's IpcMainEvent the sender check reads. */
export interface SenderDetails {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export type SenderVerdict = 'ok' | 'other-webcontents' | 'no-frame' | 'detached-frame' | 'subframe' | 'foreign-origin';

/** Why a message would be dropped ('ok' when it may reach the engine). */
export function checkSender(details: SenderDetails, appContents: unknown): SenderVerdict {
  if (details.sender !== appContents) return 'other-webcontents';
  const frame = details.senderFrame;
  if (frame === null || frame === undefined) return 'no-frame';
  if (frame.detached === true) return 'detached-frame';
  if (frame.parent !== null) return 'subframe';
  if (!isAppUrl(frame.url)) return 'foreign-origin';
  return 'ok';
}

/**
 * True only for a message sent by the main frame of the app window (`appContents`) while that frame shows
 * the app origin. Subframes (the message iframe, about:srcdoc), other webContents, frames that navigated
 * away or were destroyed, and any other origin are refused.
 */
export function isTrustedSender(details: SenderDetails, appContents: unknown): boolean {
  return checkSender(details, appContents) === 'ok';
}

type EngineLike = Pick<Engine, 'api' | 'attachRenderer'>;
type WebContentsLike = Pick<WebContents, 'send' | 'isDestroyed' | 'on' | 'removeListener'>;

export interface IpcBindingOptions {
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>;
  /** The app window's webContents: the only sender accepted, the only receiver of replies and events. */
  webContents: WebContentsLike;
  engine: EngineLike;
  log?: (message: string) => void;
  /** Reply timeout for engine -> renderer calls (defaults to the RPC default). */
  timeoutMs?: number;
}

/** Closes a birpc peer so its pending calls fail now instead of at their timeout. */
function closePeer(peer: RendererApi, reason: Error): void {
  const close = (peer as unknown as { $close?: (error?: Error) => unknown }).$close;
  if (typeof close === 'function') void Promise.resolve(close(reason)).catch(() => {});
}

/**
 * Connects the engine to one window: incoming messages on IPC_CHANNEL from a trusted sender go to the
 * engine-side birpc peer; everything else is dropped and logged. Replies and engine events go to the
 * window with webContents.send. A full reload of the page gets a fresh peer (pending engine -> renderer
 * calls fail at once); the binding ends when the webContents is destroyed or the returned function runs.
 */
export function bindEngineIpc(options: IpcBindingOptions): () => void {
  const { ipcMain, webContents, engine } = options;
  const log = options.log ?? (() => {});
  let deliver: ((data: unknown) => void) | null = null;
  let disposed = false;

  const channel: RpcChannel = {
    post(data) {
      if (!disposed && !webContents.isDestroyed()) webContents.send(IPC_CHANNEL, data);
    },
    on(listener) {
      deliver = listener;
    },
  };

  let remote: RendererApi;
  let detach: () => void;
  const connect = () => {
    remote = createPeer<EngineApi, RendererApi>(engine.api, channel, {
      eventNames: RENDERER_EVENT_METHODS,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    detach = engine.attachRenderer(remote);
  };
  const disconnect = (why: string) => {
    detach();
    closePeer(remote, new HeronError('internal', `The Heron window ${why} before it answered.`));
    deliver = null;
  };
  connect();

  const onMessage = (event: IpcMainEvent, data: unknown) => {
    const verdict = checkSender(event, webContents);
    if (verdict !== 'ok') {
      log(`dropped an IPC message (${verdict}) from ${JSON.stringify(event.senderFrame?.url ?? null)}`);
      return;
    }
    deliver?.(data);
  };

  let loaded = false;
  const onFinishLoad = () => {
    loaded = true;
  };
  const onStartNavigation = (event: { isMainFrame: boolean; isSameDocument: boolean }) => {
    // The first navigation is the initial load; a later cross-document one in the main frame is a reload.
    if (!loaded || !event.isMainFrame || event.isSameDocument) return;
    disconnect('reloaded');
    connect();
  };

  const dispose = () => {
    if (disposed) return;
    disconnect('closed');
    disposed = true;
    ipcMain.removeListener(IPC_CHANNEL, onMessage);
    if (!webContents.isDestroyed()) {
      webContents.removeListener('did-finish-load', onFinishLoad);
      webContents.removeListener('did-start-navigation', onStartNavigation);
      webContents.removeListener('destroyed', dispose);
    }
  };

  ipcMain.on(IPC_CHANNEL, onMessage);
  webContents.on('did-finish-load', onFinishLoad);
  webContents.on('did-start-navigation', onStartNavigation);
  webContents.on('destroyed', dispose);
  return dispose;
}

// One RPC peer over any message channel (Electron IPC or WebSocket), with errors crossing as plain data.

import { createBirpc, type BirpcOptions } from 'birpc';
import { HeronError, toErrorData, toHeronError } from './errors';

/** The least a transport must offer: send one message, receive messages. */
export interface RpcChannel {
  post(data: unknown): void;
  on(listener: (data: unknown) => void): void;
  /** Text transports (WebSocket) serialize; structured-clone transports (IPC) pass objects as they are. */
  serialize?: (data: unknown) => unknown;
  deserialize?: (data: unknown) => unknown;
  /** Called when the transport ends, so calls still waiting fail at once instead of at their timeout. */
  onClose?: (listener: () => void) => void;
}

type AnyFunctions = object;

export interface PeerOptions<Remote> {
  /** Methods of the other side that are notifications (no reply awaited). */
  eventNames?: readonly (keyof Remote & string)[];
  /** How long a call may wait for its reply before it fails with 'timeout'. */
  timeoutMs?: number;
}

/** Default wait for a reply. Store batches of a few thousand rows commit well within it. */
export const RPC_TIMEOUT_MS = 120_000;

/**
 * Wraps every local method so that whatever it throws leaves as {code, message, detail?}.
 * birpc forwards the thrown value as is, and an Error would arrive as {} after serialization.
 */
function exposeWithErrorData<T extends AnyFunctions>(local: T): T {
  // No prototype: the other side can only call the methods listed here, never toString or constructor.
  const wrapped: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(local)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => unknown).apply(local, args);
      } catch (error) {
        throw toErrorData(error);
      }
    };
  }
  return wrapped as T;
}

/** Makes the remote's rejections HeronError instances again on this side. */
function rejectWithHeronError<R extends AnyFunctions>(remote: R, eventNames: readonly string[]): R {
  return new Proxy(remote, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || typeof value !== 'function' || eventNames.includes(prop)) return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw toHeronError(isBirpcTimeout(error) ? { code: 'timeout', message: 'Heron stopped waiting for an answer from the other process.' } : error);
        }
      };
    },
  });
}

function isBirpcTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout on calling/i.test(error.message);
}

/** Creates one side of the conversation: `local` answers the other side; the result calls it. */
export function createPeer<Local extends AnyFunctions, Remote extends AnyFunctions>(
  local: Local,
  channel: RpcChannel,
  options: PeerOptions<Remote> = {},
): Remote {
  const eventNames = options.eventNames ?? [];
  const birpcOptions: BirpcOptions<Remote, Local, true> = {
    post: (data) => channel.post(data),
    on: (fn) => channel.on(fn),
    eventNames: eventNames as (keyof Remote)[],
    timeout: options.timeoutMs ?? RPC_TIMEOUT_MS,
  };
  if (channel.serialize) birpcOptions.serialize = channel.serialize;
  if (channel.deserialize) birpcOptions.deserialize = channel.deserialize;
  const remote = createBirpc<Remote, Local>(exposeWithErrorData(local), birpcOptions);
  channel.onClose?.(() => remote.$close(new HeronError('connection-lost', 'The connection to the other process ended.')));
  return rejectWithHeronError(remote as unknown as Remote, eventNames);
}

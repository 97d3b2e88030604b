// One direction of one proxied connection: forwards bytes in order and applies the faults that fire on them.
import type { Socket } from 'node:net';
import type { Direction, Fault, FaultTrigger } from './fault-proxy-types';

/** How much forwarded text a pipe remembers, so a trigger split across chunks still matches. */
const WINDOW_CHARS = 4096;

/** The faults a test configured, and which of them are used up across all connections. */
export class FaultLedger {
  private faults: readonly Fault[];
  private readonly usedUp = new Set<Fault>();

  constructor(faults: readonly Fault[]) {
    this.faults = [...faults];
  }

  replace(faults: readonly Fault[]): void {
    this.faults = [...faults];
  }

  /** Faults that may still fire in this direction of this connection, in the order the test listed them. */
  armed(direction: Direction, connection: number, firedHere: ReadonlySet<Fault>): Fault[] {
    return this.faults.filter(
      (fault) =>
        fault.direction === direction &&
        (fault.connection === undefined || fault.connection === connection) &&
        !firedHere.has(fault) &&
        !this.usedUp.has(fault),
    );
  }

  fired(fault: Fault): void {
    if (fault.once !== false) this.usedUp.add(fault);
  }
}

export interface FaultPipeOptions {
  direction: Direction;
  connection: number;
  ledger: FaultLedger;
  source: Socket;
  destination: Socket;
  /** Called when this pipe cut the connection, so the other direction stops too. */
  onCut: () => void;
}

interface Hit {
  fault: Fault;
  /** Where in the pending bytes the trigger point lies (0 … length). */
  offset: number;
}

const END = Symbol('end');

export class FaultPipe {
  /** Bytes (and the sender's end) not yet forwarded: they wait here while the pipe is stalled. */
  private readonly queue: (Buffer | typeof END)[] = [];
  private readonly firedHere = new Set<Fault>();
  private forwarded = 0;
  /** The last forwarded bytes as latin1 text: one char per byte, so text offsets are byte offsets. */
  private window = '';
  private corruptLeft = 0;
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waitingForDrain = false;

  constructor(private readonly options: FaultPipeOptions) {}

  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.queue.push(chunk);
    this.drain();
  }

  /** The sender finished; the receiver gets its end once everything queued before it was forwarded. */
  end(): void {
    if (this.stopped) return;
    this.queue.push(END);
    this.drain();
  }

  /** Forward nothing more (the connection is going away); also cancels a pending stall timer. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    clearTimeout(this.stallTimer);
  }

  private drain(): void {
    while (!this.stalled && !this.stopped && this.queue.length > 0) {
      const item = this.queue.shift();
      if (item === END) this.options.destination.end();
      else if (item !== undefined) this.process(item);
    }
  }

  /** Forward one chunk, firing each armed fault at its trigger point on the way. */
  private process(chunk: Buffer): void {
    let rest = chunk;
    for (;;) {
      const hit = this.nextHit(rest);
      if (hit === undefined) {
        this.forward(rest);
        return;
      }
      this.forward(rest.subarray(0, hit.offset));
      rest = rest.subarray(hit.offset);
      this.firedHere.add(hit.fault);
      this.options.ledger.fired(hit.fault);
      const action = hit.fault.action;
      if (action.kind === 'cut') return this.cut();
      if (action.kind === 'stall') return this.stall(rest, action.ms);
      this.corruptLeft += action.bytes ?? 1;
    }
  }

  /** The armed fault whose trigger point comes first in `pending` (the earliest listed on a tie). */
  private nextHit(pending: Buffer): Hit | undefined {
    const armed = this.options.ledger.armed(this.options.direction, this.options.connection, this.firedHere);
    if (armed.length === 0) return undefined;
    const fresh = armed.some((fault) => 'onText' in fault.trigger) ? pending.toString('latin1') : '';
    let best: Hit | undefined;
    for (const fault of armed) {
      const offset = this.triggerOffset(fault.trigger, pending.length, fresh);
      if (offset !== undefined && (best === undefined || offset < best.offset)) best = { fault, offset };
    }
    return best;
  }

  private triggerOffset(trigger: FaultTrigger, pendingLength: number, fresh: string): number | undefined {
    if ('afterBytes' in trigger) {
      const offset = Math.max(0, trigger.afterBytes - this.forwarded);
      return offset <= pendingLength ? offset : undefined;
    }
    return findText(this.window, fresh, trigger.onText);
  }

  private forward(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const out = this.corruptLeft > 0 ? this.corrupt(bytes) : bytes;
    this.forwarded += out.length;
    this.window = (this.window + out.subarray(-WINDOW_CHARS).toString('latin1')).slice(-WINDOW_CHARS);
    const { source, destination } = this.options;
    if (destination.write(out) || this.waitingForDrain) return;
    // Backpressure: stop reading from the sender until the receiver catches up.
    this.waitingForDrain = true;
    source.pause();
    destination.once('drain', () => {
      this.waitingForDrain = false;
      source.resume();
    });
  }

  /** A copy with the first `corruptLeft` bytes bit-flipped (the original is the test's recording). */
  private corrupt(bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    const count = Math.min(this.corruptLeft, out.length);
    for (let i = 0; i < count; i++) out[i] = (out[i] ?? 0) ^ 0xff;
    this.corruptLeft -= count;
    return out;
  }

  private stall(rest: Buffer, ms: number | undefined): void {
    this.stalled = true;
    if (rest.length > 0) this.queue.unshift(rest);
    if (ms === undefined) return;
    this.stallTimer = setTimeout(() => {
      this.stalled = false;
      this.drain();
    }, ms);
  }

  /**
   * The receiver gets what came before the trigger point and then its end (a FIN after the data, because a
   * reset could make the kernel throw those bytes away); the sender is destroyed at once.
   */
  private cut(): void {
    const { source, destination, onCut } = this.options;
    this.stop();
    onCut();
    source.destroy();
    if (destination.writableFinished) destination.destroy();
    else destination.end(() => destination.destroy());
  }
}

/**
 * Where `pattern` first matches in `window + fresh` with at least one byte of `fresh` in it, as an offset into
 * `fresh`; a match that began inside `window` (already forwarded) gives 0.
 */
export function findText(window: string, fresh: string, pattern: string | RegExp): number | undefined {
  if (fresh.length === 0) return undefined;
  const text = window + fresh;
  if (typeof pattern === 'string') {
    const needle = Buffer.from(pattern, 'utf8').toString('latin1');
    const at = text.indexOf(needle, Math.max(0, window.length - needle.length + 1));
    return at < 0 ? undefined : Math.max(0, at - window.length);
  }
  const search = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
  for (let match = search.exec(text); match !== null; match = search.exec(text)) {
    if (match.index + match[0].length > window.length) return Math.max(0, match.index - window.length);
    if (match[0].length === 0) search.lastIndex++;
  }
  return undefined;
}

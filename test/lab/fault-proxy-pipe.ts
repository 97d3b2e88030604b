// One direction of one proxied connection: forwards bytes in order and applies the faults that fire on them.
import type { Socket } from 'node:net';
import type { Direction, Fault, FaultTrigger } from './fault-proxy-types';

/** How much forwarded text a pipe remembers, so a trigger split across chunks still matches. */
const WINDOW_CHARS = 4096;

/** The faults a test configured, and which of them are used up across all connections. */
export class FaultLedger {
  private faults: readonly Fault[];
  private readonly usedUp = new Set<Fault>();
  private readonly firings: Fault[] = [];

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
    this.firings.push(fault);
    if (fault.once !== false) this.usedUp.add(fault);
  }

  /** Every firing so far, in order. */
  history(): Fault[] {
    return [...this.firings];
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
  /** Text faults waiting for a later match (nth) or a point after it (thenBytes): matches already forwarded. */
  private readonly matchesSeen = new Map<Fault, number>();
  /** Text faults whose match was forwarded and which fire `thenBytes` later: that point's position in the stream. */
  private readonly positions = new Map<Fault, number>();
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
      const offset = this.triggerOffset(fault, pending.length, fresh);
      if (offset !== undefined && (best === undefined || offset < best.offset)) best = { fault, offset };
    }
    return best;
  }

  private triggerOffset(fault: Fault, pendingLength: number, fresh: string): number | undefined {
    const { trigger } = fault;
    const position = 'afterBytes' in trigger ? trigger.afterBytes : this.positions.get(fault);
    if (position !== undefined) {
      const offset = Math.max(0, position - this.forwarded);
      return offset <= pendingLength ? offset : undefined;
    }
    if (!('onText' in trigger)) return undefined;
    const wanted = (trigger.nth ?? 1) - (this.matchesSeen.get(fault) ?? 0);
    const match = findMatches(this.window, fresh, trigger.onText, wanted)[wanted - 1];
    if (match === undefined) return undefined;
    const offset = trigger.thenBytes === undefined ? match.start : match.end + trigger.thenBytes;
    return offset <= pendingLength ? offset : undefined;
  }

  /**
   * Before `bytes` go out: counts the matches they complete for text faults still waiting for a later match, and
   * turns a `thenBytes` fault whose match they complete into a position further on in the stream.
   */
  private noteMatches(bytes: Buffer): void {
    const waiting = this.options.ledger
      .armed(this.options.direction, this.options.connection, this.firedHere)
      .filter((fault) => 'onText' in fault.trigger && !this.positions.has(fault) && ((fault.trigger.nth ?? 1) > 1 || fault.trigger.thenBytes !== undefined));
    if (waiting.length === 0) return;
    const text = bytes.toString('latin1');
    for (const fault of waiting) {
      const trigger = fault.trigger as Extract<FaultTrigger, { onText: unknown }>;
      const seen = this.matchesSeen.get(fault) ?? 0;
      const wanted = (trigger.nth ?? 1) - seen;
      const matches = findMatches(this.window, text, trigger.onText, wanted);
      const match = matches[wanted - 1];
      if (match !== undefined && trigger.thenBytes !== undefined) this.positions.set(fault, this.forwarded + match.end + trigger.thenBytes);
      else this.matchesSeen.set(fault, seen + matches.length);
    }
  }

  private forward(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.noteMatches(bytes);
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

/** A match as offsets into the fresh text: `start` is 0 when it began in the window (already forwarded). */
interface TextMatch {
  start: number;
  end: number;
}

/**
 * The first `limit` matches of `pattern` in `window + fresh` that end in `fresh` (so each match is found once, in
 * the chunk that completes it), in order, as offsets into `fresh`. Matches do not overlap.
 */
function findMatches(window: string, fresh: string, pattern: string | RegExp, limit = Infinity): TextMatch[] {
  const found: TextMatch[] = [];
  if (fresh.length === 0 || limit < 1) return found;
  const text = window + fresh;
  const add = (index: number, length: number): void => {
    found.push({ start: Math.max(0, index - window.length), end: index + length - window.length });
  };
  if (typeof pattern === 'string') {
    const needle = Buffer.from(pattern, 'utf8').toString('latin1');
    for (let at = text.indexOf(needle, Math.max(0, window.length - needle.length + 1)); at >= 0 && found.length < limit; at = text.indexOf(needle, at + needle.length)) {
      add(at, needle.length);
    }
    return found;
  }
  const search = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
  for (let match = search.exec(text); match !== null && found.length < limit; match = search.exec(text)) {
    if (match.index + match[0].length > window.length) add(match.index, match[0].length);
    if (match[0].length === 0) search.lastIndex++;
  }
  return found;
}

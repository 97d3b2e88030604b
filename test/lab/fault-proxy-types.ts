// The fault proxy's public vocabulary: which faults a test can ask for and what the proxy hands back.

export type Direction = 'client-to-server' | 'server-to-client';

/**
 * When a fault fires. Each fault fires at most once per connection (see `Fault.once` for across connections).
 * The "trigger point" is a byte position in that direction's stream; the action applies from there on.
 */
export type FaultTrigger =
  /** Once this many bytes have been forwarded in that direction on that connection; the trigger point is byte N. */
  | { afterBytes: number }
  /**
   * When this protocol text passes (e.g. 'FETCH', 'RETR', 'DATA\r\n', 'QUIT', /^\. ?\r\n/m). The bytes are
   * searched as latin1 text in a rolling window, so a match split across TCP chunks is found too. The trigger
   * point is the start of the match; when the match began in bytes already forwarded (an earlier chunk), the
   * trigger point is the start of the chunk that completed it. Strings match exactly (case-sensitive);
   * use a RegExp with the `i` flag for case-insensitive matching.
   */
  | {
      onText: string | RegExp;
      /** Which match fires it (1-based, default 1), counting the matches in that direction of that connection. */
      nth?: number;
      /**
       * The trigger point is this many bytes after the end of the match instead of its start (0: right after it),
       * e.g. into an IMAP literal or a POP3 message; it may lie in a later chunk.
       */
      thenBytes?: number;
    };

export type FaultAction =
  /** Destroy both sockets right there: bytes before the trigger point are delivered, bytes at/after are not. */
  | { kind: 'cut' }
  /** Stop forwarding in that direction (forever, or for `ms`) while keeping the sockets open; bytes queue up. */
  | { kind: 'stall'; ms?: number }
  /** Flip every bit of the next N bytes (default 1) from the trigger point on, so each of them surely changes. */
  | { kind: 'corrupt'; bytes?: number };

export interface Fault {
  direction: Direction;
  trigger: FaultTrigger;
  action: FaultAction;
  /** Which connection number (1-based) this applies to; default every connection. */
  connection?: number;
  /** Apply only once across all connections; default true. With false it fires once on each connection. */
  once?: boolean;
}

export interface FaultProxyOptions {
  /** Where the proxy forwards to; loopback only (127.0.0.0/8, ::1 or localhost). */
  target: { host: string; port: number };
  faults?: Fault[];
  /**
   * Capability words removed from the server's announcements: IMAP '* CAPABILITY …' and '[CAPABILITY …]' in
   * greetings/tagged OK, POP3 CAPA multi-line items (e.g. 'STLS'), SMTP EHLO '250-STARTTLS'/'250 STARTTLS'
   * lines (keeping the 250-/250 continuation structure valid). Case-insensitive. Faults see the stripped bytes.
   */
  stripCapabilities?: string[];
}

export interface FaultProxy {
  host: '127.0.0.1';
  port: number;
  /** Everything the client sent, per connection in order, as received (before faults). */
  clientSent(): Buffer[];
  /** Everything the server sent, per connection in order, as received (before stripping and faults). */
  serverSent(): Buffer[];
  /** The faults that fired so far, in the order they fired (one with `once: false` once per connection it fired on). */
  fired(): Fault[];
  /** How many client connections the proxy has accepted so far. */
  connections(): number;
  /** Cut every connection open now, both ways, as a network drop between commands would; later ones are not affected. */
  dropConnections(): void;
  /** Replace the faults for future bytes and connections (a fault already used up stays used up). */
  setFaults(faults: Fault[]): void;
  /** Wait until N connections have been closed (bounded by timeoutMs, default 5000; rejects on timeout). */
  waitForClosed(n: number, timeoutMs?: number): Promise<void>;
  /** Close the listener and every open socket. */
  close(): Promise<void>;
}

// What every protocol dialogue (IMAP, POP3, SMTP) does for the doctor, and the failure a step ends with.

import type { HeronError } from '../../shared/errors';
import type { LineChannel } from './line-channel';

/** What the server announced, in its own words, plus the facts the doctor acts on. */
export interface ServerFeatures {
  capabilities: string[];
  authMechanisms: string[];
  startTls: boolean;
  /** IMAP LOGINDISABLED: the server takes no password on this connection. */
  loginDisabled: boolean;
}

export interface Dialogue {
  /** Reads the greeting and returns it; throws a DoctorFailure when the server turns the connection away. */
  greeting(channel: LineChannel): Promise<string>;
  features(channel: LineChannel): Promise<ServerFeatures>;
  /** Asks to start TLS and waits for the go-ahead; the handshake itself is the caller's. */
  startTls(channel: LineChannel): Promise<void>;
  /** Logs in; returns the features announced after login when the protocol announces new ones (IMAP, POP3). */
  login(channel: LineChannel, username: string, password: string, features: ServerFeatures): Promise<ServerFeatures | null>;
  /** Says goodbye politely; never throws. */
  quit(channel: LineChannel): Promise<void>;
}

/** A step's failure: the error in Heron's vocabulary and what the person can do about it. */
export class DoctorFailure extends Error {
  constructor(
    readonly error: HeronError,
    readonly advice: string,
  ) {
    super(error.message);
    this.name = 'DoctorFailure';
  }
}

/** Never lets a goodbye hang or throw: the verdict is already known when it is said. */
export async function politely(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch {
    // The server may close first or ignore the goodbye; either way the check is done.
  }
}

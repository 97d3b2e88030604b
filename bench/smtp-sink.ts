// Owns what an SMTP send run must leave behind in the lab: every message in the sink's INBOX, sent over as many
// submission connections as the sender is meant to open.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Lab } from '../test/lab/lab';
import { postfixPaths } from '../test/lab/postfix';
import { SINK_USER } from '../test/lab/users';

/** Postfix's line for each new connection to the submission listener (its master.cf `syslog_name`). */
const SUBMISSION_CONNECT = /\bpostfix\/submission\/smtpd\[\d+\]: connect from /;

/** Connections opened to the submission port in a piece of Postfix's log. */
export function countSubmissionConnections(log: string): number {
  return log.split('\n').filter((line) => SUBMISSION_CONNECT.test(line)).length;
}

/** How many submission connections a sender may open for one run (inclusive). */
export interface ConnectionRange {
  min: number;
  max: number;
}

/** Postfix hands 200 small messages to Dovecot in well under a second; a minute means something is stuck. */
const DELIVERY_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

export interface SinkRuns {
  /** The lab address every run sends to. */
  recipient: string;
  /** Untimed, before a run: empties the sink's mailbox and notes where Postfix's log ends. */
  prepare(): Promise<void>;
  /**
   * Untimed, after a run: waits until Postfix has delivered everything it accepted, then checks the sink's INBOX holds
   * exactly `expected` messages and the run opened a number of submission connections within `connections`.
   */
  verify(side: string, expected: number, connections: ConnectionRange): Promise<void>;
}

/** Files Dovecot delivered into a Maildir folder (new/ and cur/); none while the folder does not exist yet. */
async function countDelivered(folderDir: string): Promise<number> {
  let count = 0;
  for (const sub of ['new', 'cur']) {
    const entries = await readdir(path.join(folderDir, sub), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    count += entries.filter((entry) => entry.isFile()).length;
  }
  return count;
}

/**
 * The lab's `sink` user receives the runs' mail: it exists for mail nobody reads, and emptying its mailbox before every
 * run keeps 200 messages per run from piling up. Waiting for delivery after each run (untimed) also means no run
 * starts while Postfix and Dovecot are still busy with the previous one's mail.
 */
export async function sinkRuns(lab: Lab): Promise<SinkRuns> {
  const sink = lab.users.find((user) => user.name === SINK_USER);
  if (!sink) throw new Error(`the lab has no ${SINK_USER} user`);
  const inbox = await lab.folderDir(SINK_USER, 'INBOX');
  const logFile = postfixPaths(lab.stateDir).logFile;
  let logOffset = 0;

  return {
    recipient: sink.email,
    prepare: async () => {
      await lab.resetUser(SINK_USER);
      logOffset = (await stat(logFile)).size;
    },
    verify: async (side, expected, connections) => {
      const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
      let queued = await lab.queuedMail();
      let delivered = await countDelivered(inbox);
      while (queued > 0 || delivered < expected) {
        if (Date.now() > deadline) {
          throw new Error(`${side}: ${DELIVERY_TIMEOUT_MS / 1000} s after the run, the sink holds ${delivered} of ${expected} messages and Postfix still queues ${queued}`);
        }
        await delay(POLL_MS);
        queued = await lab.queuedMail();
        delivered = await countDelivered(inbox);
      }
      if (delivered !== expected) throw new Error(`${side}: the sink received ${delivered} messages, ${expected} were sent`);
      const opened = countSubmissionConnections((await readFile(logFile)).subarray(logOffset).toString('utf8'));
      if (opened < connections.min || opened > connections.max) {
        const range = connections.min === connections.max ? `${connections.min}` : `${connections.min}–${connections.max}`;
        throw new Error(`${side}: opened ${opened} submission connections, expected ${range}`);
      }
    },
  };
}

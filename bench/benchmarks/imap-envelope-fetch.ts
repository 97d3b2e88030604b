// Owns `imap-envelope-fetch`: the protocol floor for header sync, a bare imapflow FETCH of every envelope in the folder.

import { withPeerClient } from '../imapflow-peer';
import type { BenchTarget } from '../target';
import type { BenchmarkDefinition } from './types';

/** Connect, open the folder read-only, FETCH 1:* (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE), count, log out. */
export async function fetchAllEnvelopes(target: BenchTarget, signal?: AbortSignal): Promise<number> {
  return withPeerClient(target, signal, async (client) => {
    // Read-only (EXAMINE): a SELECT would clear \Recent on the first run and make later runs see a different folder.
    const mailbox = await client.mailboxOpen(target.folder, { readOnly: true });
    let count = 0;
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true, internalDate: true, size: true })) {
      if (message.envelope) count++;
    }
    if (count !== mailbox.exists || count !== target.messages) {
      throw new Error(`imap-envelope-fetch: fetched ${count} envelopes, but ${target.folder} holds ${mailbox.exists} (expected ${target.messages})`);
    }
    return count;
  });
}

export async function imapEnvelopeFetch(target: BenchTarget): Promise<BenchmarkDefinition> {
  return {
    name: 'imap-envelope-fetch',
    description: `All ${target.messages} envelopes of one folder (connect, EXAMINE, FETCH 1:* UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE, logout)`,
    // Heron's header sync goes here as `heron: (signal) => ...` once it exists; the budget is 1.5x this floor.
    heronNote: "Heron's header sync lands with the IMAP sync issue; this row is the floor it will be compared with",
    peers: [{ name: 'imapflow', runnable: async (signal) => void (await fetchAllEnvelopes(target, signal)) }],
    ratioAgainst: 'imapflow',
  };
}

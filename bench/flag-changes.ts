// Owns "flags changed elsewhere" for the resync benchmark: a seeded choice of messages, a \Seen toggle made by another
// imapflow client (as a phone would), and undoing it afterwards so every run and every other row sees the same folder.

import type { ImapFlow } from 'imapflow';
import { Random } from '../test/lab/corpus-random';
import type { ImapEndpoint } from './imapflow-peer';
import { withPeerClient } from './imapflow-peer';

/** The design's resync case: 1% of the folder's flags changed elsewhere. */
export const RESYNC_FRACTION = 0.01;

/** `fraction` of `uids` (at least one), chosen by a seeded shuffle, ascending; the same seed always picks the same UIDs. */
export function pickUids(uids: readonly number[], fraction: number, seed: number): number[] {
  if (uids.length === 0) return [];
  const count = Math.min(uids.length, Math.max(1, Math.round(uids.length * fraction)));
  const pool = [...uids];
  const random = new Random(seed);
  // Partial Fisher–Yates: the first `count` places end up a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = random.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

export interface SeenToggle {
  /** Unread now; the change marks them read. */
  markSeen: number[];
  /** Read now; the change marks them unread. */
  markUnseen: number[];
}

/** Flips \Seen on every chosen message, so each one really changes whatever state the folder is in. */
export function planSeenToggle(flagsByUid: ReadonlyMap<number, ReadonlySet<string>>): SeenToggle {
  const plan: SeenToggle = { markSeen: [], markUnseen: [] };
  for (const [uid, flags] of [...flagsByUid].sort(([a], [b]) => a - b)) (flags.has('\\Seen') ? plan.markUnseen : plan.markSeen).push(uid);
  return plan;
}

/** The toggle that undoes `plan`. */
export function reverseToggle(plan: SeenToggle): SeenToggle {
  return { markSeen: [...plan.markUnseen], markUnseen: [...plan.markSeen] };
}

async function currentFlags(client: ImapFlow, uids: readonly number[]): Promise<Map<number, Set<string>>> {
  const flags = new Map<number, Set<string>>();
  for await (const message of client.fetch(uids.join(','), { uid: true, flags: true }, { uid: true })) flags.set(message.uid, new Set(message.flags ?? []));
  const missing = uids.filter((uid) => !flags.has(uid));
  if (missing.length > 0) throw new Error(`flag change: UIDs ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} are not in the folder`);
  return flags;
}

async function store(client: ImapFlow, plan: SeenToggle): Promise<void> {
  if (plan.markSeen.length > 0) await client.messageFlagsAdd(plan.markSeen.join(','), ['\\Seen'], { uid: true });
  if (plan.markUnseen.length > 0) await client.messageFlagsRemove(plan.markUnseen.join(','), ['\\Seen'], { uid: true });
}

/**
 * Selects the folder read-write on its own connection, calls `before(plan)`, flips \Seen on `uids` and, while still
 * connected, calls `after(plan)` (the timed part), so the logout never sits between the change and what is timed.
 */
export async function toggleSeenThen<T>(
  endpoint: ImapEndpoint,
  uids: readonly number[],
  before: (plan: SeenToggle) => void,
  after: (plan: SeenToggle) => Promise<T>,
): Promise<{ plan: SeenToggle; result: T }> {
  return withPeerClient(endpoint, undefined, async (client) => {
    await client.mailboxOpen(endpoint.folder);
    const plan = planSeenToggle(await currentFlags(client, uids));
    before(plan);
    await store(client, plan);
    return { plan, result: await after(plan) };
  });
}

/** Puts the flags back as they were before `plan`. */
export async function undoToggle(endpoint: ImapEndpoint, plan: SeenToggle): Promise<void> {
  await withPeerClient(endpoint, undefined, async (client) => {
    await client.mailboxOpen(endpoint.folder);
    await store(client, reverseToggle(plan));
  });
}

/** Every UID in the folder, ascending (read-only). */
export async function folderUids(endpoint: ImapEndpoint): Promise<number[]> {
  return withPeerClient(endpoint, undefined, async (client) => {
    await client.mailboxOpen(endpoint.folder, { readOnly: true });
    const found = await client.search({ all: true }, { uid: true });
    return (found || []).sort((a, b) => a - b);
  });
}

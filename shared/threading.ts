// Which thread each arriving message joins (References / In-Reply-To, never the subject): a pure decision over what the store knows.

/** What the decision needs to know about one arriving message. */
export interface ThreadingInput {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  /** The thread this message already has when the batch sends a stored message again; null when it is new. */
  currentThreadId: string | null;
  /** A thread id unique within the account, for a message without a Message-ID. */
  syntheticThreadId: string;
}

/** What the store knows about the Message-IDs a batch names (same account, any folder). */
export interface StoredThreads {
  /**
   * Message-ID → thread, for every ID a stored message carries or names as a parent. A parent named but
   * not stored still links: its replies sit in one thread, and the parent joins it when it arrives.
   */
  threadOf: ReadonlyMap<string, string>;
  /** Stored messages per thread, so that when two threads merge the smaller one is relabelled. */
  sizeOf: ReadonlyMap<string, number>;
}

export interface ThreadingPlan {
  /** The thread of each input, in input order. */
  threadIds: string[];
  /** Stored threads that became part of another thread, from → into; the store relabels their messages and links. */
  merges: Map<string, string>;
  /** Message-IDs named by the inputs whose thread is new or changed, → thread; the store writes them as links. */
  links: Map<string, string>;
}

/** The Message-IDs a message names as its ancestors, nearest first (In-Reply-To, then References from the end). */
export function parentIdsOf(message: Pick<ThreadingInput, 'inReplyTo' | 'references'>): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string | null | undefined): void => {
    if (id && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  add(message.inReplyTo);
  for (let i = message.references.length - 1; i >= 0; i -= 1) add(message.references[i]);
  return ids;
}

/** Every Message-ID a message brings to threading: its own, then its parents'. */
export function namedIdsOf(message: Pick<ThreadingInput, 'messageId' | 'inReplyTo' | 'references'>): string[] {
  const parents = parentIdsOf(message);
  return message.messageId && !parents.includes(message.messageId) ? [message.messageId, ...parents] : parents;
}

/** Union-find over thread ids, union by size: relabelling the smaller thread keeps merges cheap. */
class ThreadUnion {
  private readonly parent = new Map<string, string>();
  private readonly size = new Map<string, number>();

  constructor(sizes: ReadonlyMap<string, number>) {
    for (const [id, n] of sizes) this.size.set(id, n);
  }

  find(id: string): string {
    let root = id;
    for (let next = this.parent.get(root); next !== undefined; next = this.parent.get(root)) root = next;
    for (let node = id; node !== root; ) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  grow(id: string): void {
    const root = this.find(id);
    this.size.set(root, (this.size.get(root) ?? 0) + 1);
  }

  /** Joins two threads; the larger keeps its id, and on a tie the first argument does. */
  union(a: string, b: string): string {
    let keep = this.find(a);
    let absorb = this.find(b);
    if (keep === absorb) return keep;
    if ((this.size.get(absorb) ?? 0) > (this.size.get(keep) ?? 0)) [keep, absorb] = [absorb, keep];
    this.parent.set(absorb, keep);
    this.size.set(keep, (this.size.get(keep) ?? 0) + (this.size.get(absorb) ?? 0));
    return keep;
  }
}

/**
 * A message joins the thread of every Message-ID it names (its own, In-Reply-To, References) that a stored
 * or earlier-in-batch message carries or names; several such threads merge into one. Otherwise it starts
 * a thread named by its own Message-ID (or its synthetic id). So a reply joins its stored parent's thread
 * in any folder, and a parent arriving after its replies joins theirs (they are one thread either way).
 */
export function planThreads(inputs: readonly ThreadingInput[], stored: StoredThreads): ThreadingPlan {
  const union = new ThreadUnion(stored.sizeOf);
  const storedIds = new Set<string>([...stored.threadOf.values(), ...stored.sizeOf.keys()]);
  const known = new Map(stored.threadOf);
  const assigned: string[] = [];
  const named = new Set<string>();

  for (const input of inputs) {
    const ids = namedIdsOf(input);
    let target: string | null = null;
    for (const id of ids) {
      const thread = known.get(id);
      if (thread !== undefined) target = target === null ? union.find(thread) : union.union(target, thread);
    }
    if (input.currentThreadId) {
      storedIds.add(input.currentThreadId);
      target = target === null ? union.find(input.currentThreadId) : union.union(target, input.currentThreadId);
    } else {
      target ??= input.messageId ?? input.syntheticThreadId;
      // A new message makes its thread larger; a re-sent one is already in the stored size.
      union.grow(target);
    }
    for (const id of ids) {
      known.set(id, target);
      named.add(id);
    }
    assigned.push(target);
  }

  const merges = new Map<string, string>();
  for (const id of storedIds) {
    const root = union.find(id);
    if (root !== id) merges.set(id, root);
  }
  const links = new Map<string, string>();
  for (const id of named) {
    const root = union.find(known.get(id) as string);
    const before = stored.threadOf.get(id);
    // A stored link whose thread merged moves with the merge (the store relabels links by thread), so only new IDs are written.
    if (before === undefined || union.find(before) !== root) links.set(id, root);
  }
  return { threadIds: assigned.map((t) => union.find(t)), merges, links };
}

// Address suggestions for the composer: the contacts table, tallied from stored and sent mail, and the prefix query over it.

import type { Table } from 'dexie';
import type { Address } from '../../shared/model';
import { foldText } from '../../shared/search-tokens';
import type { ContactKey, HeronDb } from './db';
import type { ContactRow } from './rows';
import { toStoreError } from './store-error';

/** An address the outbox will send to; anything else a header holds (a group name, "undisclosed-recipients:") is not worth suggesting. */
export const SENDABLE_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** What one stored message adds to each address in its From, To and Cc. */
export const SEEN_SCORE = 1;
/** What one message the person sends adds to each recipient: people they write to rank above people who only write to them. */
export const SENT_SCORE = 5;

/**
 * Index hits one suggestion query reads at most. They come in word order, not in rank order, so on a store with tens
 * of thousands of contacts a one-letter prefix ranks only the first 500 of its matches; reading them all would be a
 * scan of most of the index on every keystroke, and each further letter narrows the range until the ranking is exact.
 */
export const SUGGEST_SCAN_LIMIT = 500;

/** Between words; commas too, for names written "Lee, Ann". */
const WORD_BREAK = /[\s,;]+/;
/** Quotes, angle brackets and parentheses around a word: "Ann", <ann@example.test>, (work). */
const WORD_EDGES = /^["'<>()]+|["'<>()]+$/g;
/** Between the pieces of a local part: ann.lee, ann_lee, ann-lee, ann+news. */
const LOCAL_BREAK = /[._+-]+/;

/** Folded words of a name or of what the person typed: one rule for what is indexed and what is looked up. */
function wordsOf(text: string): string[] {
  return foldText(text)
    .split(WORD_BREAK)
    .map((word) => word.replace(WORD_EDGES, ''))
    .filter((word) => word !== '');
}

function contactWords(name: string, address: string): string[] {
  const folded = foldText(address);
  const at = folded.lastIndexOf('@');
  const local = folded.slice(0, at);
  const words = [...wordsOf(name), folded, local, ...local.split(LOCAL_BREAK), folded.slice(at + 1)];
  return [...new Set(words.filter((word) => word !== ''))];
}

interface Seen {
  accountId: string;
  key: string;
  address: string;
  name: string;
  /** Date of the message the name came from. */
  nameAt: number;
  score: number;
  lastSeen: number;
}

/** A stored contact plus what one write saw of it. */
function merged(stored: ContactRow | undefined, seen: Seen): ContactRow {
  const { accountId, key } = seen;
  if (!stored) return { accountId, key, name: seen.name, address: seen.address, score: seen.score, lastSeen: seen.lastSeen, words: contactWords(seen.name, seen.address) };
  // The stored name came from a message no newer than its lastSeen, so a name seen at or after that is the newer one.
  const name = seen.name !== '' && (seen.nameAt >= stored.lastSeen || stored.name === '') ? seen.name : stored.name;
  const address = seen.lastSeen >= stored.lastSeen ? seen.address : stored.address;
  return { accountId, key, name, address, score: stored.score + seen.score, lastSeen: Math.max(stored.lastSeen, seen.lastSeen), words: contactWords(name, address) };
}

/**
 * The contacts one write adds to, gathered in memory first: a sync batch of 2,000 messages then costs one bulkGet and
 * one bulkPut of its distinct addresses, not a read and a write per message.
 */
export class ContactTally {
  private readonly seen = new Map<string, Seen>();

  /** One message naming `addresses` at `date`: each address gains `weight` once, however often the message names it. */
  add(accountId: string, addresses: readonly Address[], date: number, weight: number): void {
    const counted = new Set<string>();
    for (const { name, address } of addresses) {
      const plain = address.trim();
      if (!SENDABLE_ADDRESS.test(plain)) continue;
      const key = plain.toLowerCase();
      const id = `${accountId}\u0000${key}`;
      let entry = this.seen.get(id);
      if (!entry) {
        entry = { accountId, key, address: plain, name: '', nameAt: -Infinity, score: 0, lastSeen: -Infinity };
        this.seen.set(id, entry);
      }
      if (!counted.has(key)) entry.score += weight;
      counted.add(key);
      if (date >= entry.lastSeen) {
        entry.lastSeen = date;
        entry.address = plain;
      }
      // A person's current display name is the one on their newest mail; an empty one says nothing.
      const shown = name.trim();
      if (shown !== '' && date >= entry.nameAt) {
        entry.name = shown;
        entry.nameAt = date;
      }
    }
  }

  /** Adds what was tallied to the stored rows; call it inside the transaction of the writes it stands for. */
  async write(table: Table<ContactRow, ContactKey>): Promise<void> {
    if (this.seen.size === 0) return;
    const entries = [...this.seen.values()];
    const stored = await table.bulkGet(entries.map((e): ContactKey => [e.accountId, e.key]));
    await table.bulkPut(entries.map((e, i) => merged(stored[i], e)));
  }
}

type Suggestion = Pick<ContactRow, 'name' | 'address' | 'score' | 'lastSeen'>;

/**
 * Addresses for what the person has typed so far in To, Cc or Bcc: every typed word must begin one of a contact's
 * words. The same address known to several accounts is one suggestion. Ranked by score, then by how recently it was
 * seen; at most `limit` of them.
 */
export async function suggestAddresses(db: HeronDb, text: string, limit = 8): Promise<Address[]> {
  const typed = wordsOf(text);
  if (typed.length === 0 || limit <= 0) return [];
  // The longest word gives the narrowest index range; the others are checked on the rows it yields.
  const longest = typed.reduce((a, b) => (b.length > a.length ? b : a));
  let hits: ContactRow[];
  try {
    hits = await db.contacts.where('words').startsWith(longest).limit(SUGGEST_SCAN_LIMIT).toArray();
  } catch (error) {
    throw toStoreError(error, 'suggest-addresses');
  }
  // A multi-entry index yields a row once for each of its words in the range ("ann" and "ann@example.test").
  const rows = new Set<string>();
  const byAddress = new Map<string, Suggestion>();
  for (const hit of hits) {
    const row = `${hit.accountId}\u0000${hit.key}`;
    if (rows.has(row) || !typed.every((word) => hit.words.some((own) => own.startsWith(word)))) continue;
    rows.add(row);
    const other = byAddress.get(hit.key);
    if (!other) {
      byAddress.set(hit.key, hit);
      continue;
    }
    const [newer, older] = hit.lastSeen > other.lastSeen ? [hit, other] : [other, hit];
    byAddress.set(hit.key, { address: newer.address, name: newer.name || older.name, score: hit.score + other.score, lastSeen: newer.lastSeen });
  }
  return [...byAddress.values()]
    .sort((a, b) => b.score - a.score || b.lastSeen - a.lastSeen)
    .slice(0, limit)
    .map(({ name, address }) => ({ name, address }));
}

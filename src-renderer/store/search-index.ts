// The search index: for each word of each folder, the UIDs and dates of the messages holding it, changed in the same transaction as the messages.
//
// Why not a multiEntry index on the message rows: in Chromium every IndexedDB index entry read costs microseconds
// (a word in 10% of a 100,000-message folder is 10,000 keys, far over a 50 ms budget), and a key alone cannot say
// which hits are newest. A term row packs a word's postings in typed arrays, which cross the structured clone as a
// copy of bytes: a query reads a few rows per word instead of one entry per message, and ranks by the dates inside.

import { Dexie, type Table } from 'dexie';
import type { HeronDb, SearchTermKey as TermKey } from './db';
import type { MessageRow, SearchTermRow } from './rows';

/**
 * UIDs per term row of one word. Bounds what a sync batch rewrites for a word in every message (16,384 postings,
 * 192 KB: a batch reads and rewrites the rows it adds to) while keeping a dense 100,000-message folder at seven rows
 * per common word for a query to read.
 */
export const TERM_SEGMENT_UIDS = 16_384;

/** Pseudo-words (a letter or digit can never start with U+0001): every message, and every message with a cached body. */
export const MESSAGE_MARK = '\u0001message';
export const BODY_MARK = '\u0001body';

interface TermEdit {
  key: TermKey;
  drop: Set<number>;
  /** UID → date. */
  add: Map<number, number>;
}

const sameWords = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((w, i) => w === b[i]));

/** The edits one transaction makes to the index, collected row by row and written with one read and one write. */
export class TermChanges {
  private readonly edits = new Map<string, TermEdit>();

  private edit(row: MessageRow, word: string): TermEdit {
    const seg = Math.floor(row.uid / TERM_SEGMENT_UIDS);
    const id = `${row.accountId}\u0000${row.folderPath}\u0000${word}\u0000${seg}`;
    let edit = this.edits.get(id);
    if (!edit) {
      edit = { key: [row.accountId, row.folderPath, word, seg], drop: new Set(), add: new Map() };
      this.edits.set(id, edit);
    }
    return edit;
  }

  /**
   * One message row goes from `before` (stored; null: new) to `after` (null: deleted). Only words that came or
   * went are edited (a body adds its words without touching the header's), and flag-only changes cost nothing.
   */
  change(before: MessageRow | null | undefined, after: MessageRow | null | undefined): void {
    const sameDate = Boolean(before && after && before.date === after.date);
    if (sameDate && sameWords(before?.words, after?.words)) return;
    const staying = sameDate ? new Set(after?.words) : null;
    const had = sameDate ? new Set(before?.words) : null;
    if (before) for (const word of before.words ?? []) if (!staying?.has(word)) this.edit(before, word).drop.add(before.uid);
    if (after) for (const word of after.words ?? []) if (!had?.has(word)) this.edit(after, word).add.set(after.uid, after.date);
  }

  get size(): number {
    return this.edits.size;
  }

  /** Applies the edits inside the caller's transaction, which must include `searchTerms` (the table is given, so a schema upgrade can pass its own). */
  async write(terms: Table<SearchTermRow, TermKey>): Promise<void> {
    if (this.edits.size === 0) return;
    const edits = [...this.edits.values()];
    const rows = await terms.bulkGet(edits.map((e) => e.key));
    const puts: SearchTermRow[] = [];
    const deletes: TermKey[] = [];
    edits.forEach((edit, i) => {
      const old = rows[i];
      const uids: number[] = [];
      const dates: number[] = [];
      if (old) {
        for (let j = 0; j < old.uids.length; j++) {
          const uid = old.uids[j] as number;
          // A UID added again replaces its old posting (its date may have changed).
          if (!edit.drop.has(uid) && !edit.add.has(uid)) {
            uids.push(uid);
            dates.push(old.dates[j] as number);
          }
        }
      }
      for (const [uid, date] of edit.add) {
        uids.push(uid);
        dates.push(date);
      }
      const [accountId, folderPath, word, seg] = edit.key;
      if (uids.length === 0) {
        if (old) deletes.push(edit.key);
      } else puts.push({ accountId, folderPath, word, seg, uids: Uint32Array.from(uids), dates: Float64Array.from(dates) });
    });
    await Promise.all([terms.bulkPut(puts), terms.bulkDelete(deletes)]);
    this.edits.clear();
  }
}

/** Every term row of a folder: what dropping the folder's messages must drop too. */
export function folderTerms(db: HeronDb, accountId: string, folderPath: string) {
  return db.searchTerms
    .where('[accountId+folderPath+word+seg]')
    .between([accountId, folderPath, Dexie.minKey, Dexie.minKey], [accountId, folderPath, Dexie.maxKey, Dexie.maxKey], true, true);
}

/** The rows of one word (`prefix`: of every word starting with it) in one folder. */
export function termRows(db: HeronDb, accountId: string, folderPath: string, word: string, prefix: boolean): Promise<SearchTermRow[]> {
  const upper = prefix ? `${word}\uffff` : word;
  return db.searchTerms
    .where('[accountId+folderPath+word+seg]')
    .between([accountId, folderPath, word, Dexie.minKey], [accountId, folderPath, upper, Dexie.maxKey], true, true)
    .toArray();
}

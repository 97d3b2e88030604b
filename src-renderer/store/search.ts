// Local search: query words as prefixes in the search index, intersected rarest first, newest hits first, with what was covered.

import { Dexie, type ObservabilitySet } from 'dexie';
import type { MessageHeader } from '../../shared/model';
import { queryWords } from '../../shared/search-tokens';
import type { HeronDb, MessageKey } from './db';
import type { MessageRow, SearchTermRow } from './rows';
import { BODY_MARK, MESSAGE_MARK, termRows } from './search-index';
import { toStoreError } from './store-error';

export interface SearchScope {
  /** Absent: every account. */
  accountId?: string;
  /** Absent: every folder (of the account, when one is given). */
  folderPath?: string;
}

export interface SearchOptions extends SearchScope {
  text: string;
  /** Most hits returned, newest first; `total` still counts them all. */
  limit?: number;
}

/** What a search looked at, so the result can say what it did not. */
export interface SearchCoverage {
  /** Message headers in scope (all of them are searched). */
  headers: number;
  /** Every message in scope dated on or after this moment has its body cached and searched; null when none is. */
  bodiesCachedSince: number | null;
}

export interface SearchResult {
  hits: MessageHeader[];
  total: number;
  coverage: SearchCoverage;
}

export const DEFAULT_SEARCH_LIMIT = 200;

type Folder = [accountId: string, folderPath: string];

/**
 * A query word matches every indexed word it starts, from three characters on. Shorter ones match whole
 * words only: two letters begin too many words to be worth reading (and mean little while typing), while a
 * single character left by the tokenizer is an ideograph, whose index entries are pairs it may start.
 */
export function isPrefixWord(word: string): boolean {
  return word.length >= 3 || [...word].length === 1;
}

/** The header as the contract knows it: search tokens can be thousands of strings and the UI needs none of them. */
export function toHeader(row: MessageRow): MessageHeader {
  const { words: _words, headerWords: _count, bodyIndexedAt: _at, ...header } = row;
  return header;
}

/**
 * The folders a scope spans, from the folder rows (each folder's terms are a range of their own). Empty ones
 * are left out: an account has many (Junk, Drafts, containers), and each would cost reads for nothing.
 */
async function foldersIn(db: HeronDb, scope: SearchScope): Promise<Folder[]> {
  if (scope.accountId !== undefined && scope.folderPath !== undefined) return [[scope.accountId, scope.folderPath]];
  const rows = await (scope.accountId === undefined ? db.folders.toCollection() : db.folders.where('accountId').equals(scope.accountId)).toArray();
  return rows.filter((f) => f.total > 0 && (scope.folderPath === undefined || f.path === scope.folderPath)).map((f): Folder => [f.accountId, f.path]);
}

const postingCount = (rows: readonly SearchTermRow[]): number => rows.reduce((sum, row) => sum + row.uids.length, 0);

/** Matches in one folder as parallel arrays: a message's UID and date at the same position. */
interface Matches {
  uids: ArrayLike<number>;
  dates: ArrayLike<number>;
}

/** The postings of term rows, each message once (a prefix can match several words of one message). */
function union(rows: readonly SearchTermRow[]): Matches {
  const [first] = rows;
  if (rows.length === 1 && first) return first;
  // Rows of a single word are disjoint UID slices: concatenating them needs no deduplication.
  if (rows.every((row) => row.word === first?.word)) {
    const uids = new Uint32Array(postingCount(rows));
    const dates = new Float64Array(uids.length);
    let at = 0;
    for (const row of rows) {
      uids.set(row.uids, at);
      dates.set(row.dates, at);
      at += row.uids.length;
    }
    return { uids, dates };
  }
  const seen = new Map<number, number>();
  for (const row of rows) for (let i = 0; i < row.uids.length; i++) seen.set(row.uids[i] as number, row.dates[i] as number);
  return { uids: [...seen.keys()], dates: [...seen.values()] };
}

/** The messages of one folder matching every word, from the rarest word's postings down. */
async function folderMatches(db: HeronDb, [accountId, folderPath]: Folder, words: readonly string[]): Promise<Matches> {
  const perWord = await Promise.all(words.map((word) => termRows(db, accountId, folderPath, word, isPrefixWord(word))));
  perWord.sort((a, b) => postingCount(a) - postingCount(b));
  let matches = union(perWord[0] ?? []);
  for (const rows of perWord.slice(1)) {
    if (matches.uids.length === 0) break;
    const candidates = new Map<number, number>();
    for (let i = 0; i < matches.uids.length; i++) candidates.set(matches.uids[i] as number, matches.dates[i] as number);
    const uids: number[] = [];
    const dates: number[] = [];
    for (const row of rows) {
      for (const uid of row.uids) {
        const date = candidates.get(uid);
        if (date === undefined) continue;
        // Taken once: a message may hold several words of a prefix.
        candidates.delete(uid);
        uids.push(uid);
        dates.push(date);
      }
    }
    matches = { uids, dates };
  }
  return matches;
}

/**
 * The keys of the `limit` newest matches across folders, newest first (ties: higher UID first). Only the date
 * at the cut is found over all matches; objects are made for the few above it.
 */
function newestKeys(folders: readonly Folder[], matches: readonly Matches[], limit: number): MessageKey[] {
  const total = matches.reduce((sum, m) => sum + m.uids.length, 0);
  let cut = -Infinity;
  if (total > limit) {
    const dates = new Float64Array(total);
    let at = 0;
    for (const m of matches) for (let i = 0; i < m.dates.length; i++) dates[at++] = m.dates[i] as number;
    cut = dates.sort()[total - limit] as number;
  }
  const picked: { key: MessageKey; date: number }[] = [];
  matches.forEach((m, f) => {
    const [accountId, folderPath] = folders[f] as Folder;
    for (let i = 0; i < m.uids.length; i++) if ((m.dates[i] as number) >= cut) picked.push({ key: [accountId, folderPath, m.uids[i] as number], date: m.dates[i] as number });
  });
  picked.sort((a, b) => b.date - a.date || b.key[2] - a.key[2]);
  return picked.slice(0, limit).map((p) => p.key);
}

/**
 * Headers in scope, and the date since which every message in scope has a cached (so searched) body: the oldest
 * cached message newer than the newest message of any folder in scope whose body is not cached. Read from the
 * index's two marks (every message; every message with a body), two term reads per folder.
 */
async function coverageOf(db: HeronDb, folders: readonly Folder[]): Promise<SearchCoverage> {
  const perFolder = await Promise.all(
    folders.map(async ([accountId, folderPath]) => {
      const [all, withBody] = await Promise.all([
        termRows(db, accountId, folderPath, MESSAGE_MARK, false),
        termRows(db, accountId, folderPath, BODY_MARK, false),
      ]);
      const cached = new Set<number>();
      for (const row of withBody) for (const uid of row.uids) cached.add(uid);
      let gap = -Infinity;
      for (const row of all) {
        for (let i = 0; i < row.uids.length; i++) if ((row.dates[i] as number) > gap && !cached.has(row.uids[i] as number)) gap = row.dates[i] as number;
      }
      return { count: postingCount(all), gap, withBody };
    }),
  );
  const headers = perFolder.reduce((sum, f) => sum + f.count, 0);
  const gap = perFolder.reduce((max, f) => Math.max(max, f.gap), -Infinity);
  let since: number | null = null;
  for (const { withBody } of perFolder) for (const row of withBody) for (const date of row.dates) if (date > gap && (since === null || date < since)) since = date;
  return { headers, bodiesCachedSince: since };
}

/**
 * Coverage per database and scope, kept until that database's search terms change. It reads every message's
 * posting, which is more than a query's words cost, and it does not change while a person types.
 */
const coverageCache = new Map<string, Map<string, SearchCoverage>>();
/** Counts term writes per database (any tab: Dexie relays them), so a coverage read that overlapped one is not kept. */
const termWrites = new Map<string, number>();
let watching = false;

function watchTermWrites(): void {
  if (watching) return;
  watching = true;
  Dexie.on('storagemutated', (parts) => {
    for (const part of Object.keys(parts)) {
      const match = /^idb:\/\/(.*)\/searchTerms\//.exec(part);
      if (!match?.[1]) continue;
      coverageCache.delete(match[1]);
      termWrites.set(match[1], (termWrites.get(match[1]) ?? 0) + 1);
    }
  });
}

/**
 * Calls `listener` after each committed write to `db`'s search index, in this tab or (relayed by Dexie) another,
 * so shown results can follow sync. Returns the function that stops it.
 */
export function onSearchIndexChange(db: HeronDb, listener: () => void): () => void {
  const prefix = `idb://${db.name}/searchTerms/`;
  const handler = (parts: ObservabilitySet): void => {
    if (Object.keys(parts).some((part) => part.startsWith(prefix))) listener();
  };
  Dexie.on.storagemutated.subscribe(handler);
  return () => Dexie.on.storagemutated.unsubscribe(handler);
}

async function cachedCoverage(db: HeronDb, folders: readonly Folder[]): Promise<SearchCoverage> {
  watchTermWrites();
  const scopeKey = folders.map((f) => `${f[0]}\u0000${f[1]}`).join('\u0001');
  const known = coverageCache.get(db.name)?.get(scopeKey);
  if (known) return known;
  const writes = termWrites.get(db.name) ?? 0;
  const coverage = await coverageOf(db, folders);
  if ((termWrites.get(db.name) ?? 0) === writes) {
    const perScope = coverageCache.get(db.name) ?? new Map<string, SearchCoverage>();
    perScope.set(scopeKey, coverage);
    coverageCache.set(db.name, perScope);
  }
  return coverage;
}

export async function searchCoverage(db: HeronDb, scope: SearchScope): Promise<SearchCoverage> {
  try {
    return await db.transaction('r', [db.folders, db.searchTerms], async () => cachedCoverage(db, await foldersIn(db, scope)));
  } catch (error) {
    throw toStoreError(error, 'search-coverage');
  }
}

/**
 * Searches sender, recipients, subject and cached bodies. Every query word must match (see isPrefixWord): "gru"
 * finds "Grüße", an address matches whole or by its start, and a query without a word of two or more letters
 * matches nothing. The rows of the `limit` newest hits are the only message rows read.
 */
export async function searchMessages(db: HeronDb, options: SearchOptions): Promise<SearchResult> {
  const { text, limit = DEFAULT_SEARCH_LIMIT } = options;
  const scope: SearchScope = {};
  if (options.accountId !== undefined) scope.accountId = options.accountId;
  if (options.folderPath !== undefined) scope.folderPath = options.folderPath;
  const words = queryWords(text);
  try {
    return await db.transaction('r', [db.folders, db.messages, db.searchTerms], async () => {
      const folders = await foldersIn(db, scope);
      const [coverage, matches] = await Promise.all([
        cachedCoverage(db, folders),
        words.length === 0 ? [] : Promise.all(folders.map((folder) => folderMatches(db, folder, words))),
      ]);
      const rows = await db.messages.bulkGet(newestKeys(folders, matches, limit));
      const total = matches.reduce((sum, m) => sum + m.uids.length, 0);
      return { hits: rows.filter((row): row is MessageRow => row !== undefined).map(toHeader), total, coverage };
    });
  } catch (error) {
    throw toStoreError(error, 'search');
  }
}

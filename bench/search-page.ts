// The page side of the search-latency bench: fills Heron's store in this page's IndexedDB through the real store code, then times searches.

import { applyBatch } from '../src-renderer/store/apply-batch';
import { putBodies } from '../src-renderer/store/bodies';
import { HeronDb } from '../src-renderer/store/db';
import { searchMessages } from '../src-renderer/store/search';
import type { Folder, MessageBody, MessageHeader } from '../shared/model';
import { Random } from '../test/lab/corpus-random';
import { LANGUAGE_WEIGHTS, LANGUAGES, SENDER_DOMAINS, type Language } from '../test/lab/corpus-text';

export const ACCOUNT_ID = 'bench-account';
export const FOLDER = 'INBOX';
/** The newest message's date; the folder reaches back from it at about 90 messages a day. */
const NEWEST = Date.UTC(2025, 5, 30);
const SPACING_MS = 16 * 60_000;
const BATCH = 5_000;
const OWNER = { name: 'Alice Example', address: 'alice@maillab.test' };

export interface BuildOptions {
  messages: number;
  /** Bodies cached for the newest this many messages, as "keep bodies of the last N days offline" leaves them. */
  bodies: number;
  seed: number;
}

export interface BuildResult {
  applySeconds: number;
  bodySeconds: number;
  /** Queries drawn from the stored mail, some as they are typed letter by letter. */
  queries: string[];
}

export interface QueryTiming {
  text: string;
  ms: number;
  total: number;
}

type Header = Omit<MessageHeader, 'threadId'>;

interface Sample {
  lang: Language;
  person: [string, string];
  domain: string;
  subject: string;
  sentences: string[];
}

/** Deterministic mail: the same seed gives the same headers, bodies and queries in every run. */
class MailGenerator {
  readonly rng: Random;
  /** Messages in the folder: UIDs 1..total, the highest the newest. */
  total = 0;
  private readonly languages: ReadonlyArray<readonly [Language, number]>;

  constructor(seed: number) {
    this.rng = new Random(seed);
    this.languages = LANGUAGES.map((lang) => [lang, LANGUAGE_WEIGHTS[lang.code] ?? 1] as const);
  }

  sample(): Sample {
    const lang = this.rng.weighted(this.languages);
    const person = this.rng.pick(lang.people);
    const domain = this.rng.pick(SENDER_DOMAINS);
    const subject = `${this.rng.chance(0.3) ? 'Re: ' : ''}${this.rng.pick(lang.subjects)}`;
    const sentences = Array.from({ length: this.rng.int(3, 8) }, () => this.rng.pick(lang.sentences));
    return { lang, person, domain, subject, sentences };
  }

  header(uid: number, sample: Sample): Header {
    const cc = this.rng.chance(0.2) ? [this.rng.pick(sample.lang.people)] : [];
    const seen = this.rng.chance(0.7);
    return {
      accountId: ACCOUNT_ID,
      folderPath: FOLDER,
      uid,
      date: NEWEST - (this.total - uid) * SPACING_MS,
      subject: sample.subject,
      from: [{ name: sample.person[0], address: `${sample.person[1]}@${sample.domain}` }],
      to: [OWNER],
      cc: cc.map(([name, local]) => ({ name, address: `${local}@${sample.domain}` })),
      messageId: `<bench-${uid}@${sample.domain}>`,
      inReplyTo: null,
      references: [],
      flags: seen ? ['\\Seen'] : [],
      unread: seen ? 0 : 1,
      flagged: 0,
      size: 2_000 + this.rng.int(0, 40_000),
      hasAttachments: this.rng.chance(0.1),
      preview: '',
    };
  }
}

function bodyOf(uid: number, sample: Sample): MessageBody {
  const text = [sample.lang.greeting(sample.person[0].split(' ')[0] ?? ''), ...sample.sentences, sample.lang.signOff].join('\n\n');
  return { accountId: ACCOUNT_ID, folderPath: FOLDER, uid, text, html: null, attachments: [], inlineParts: {}, parseError: null, size: text.length, fetchedAt: NEWEST };
}

const wordsOf = (text: string): string[] => text.split(/[\s,.:;!?()"'«»„“”]+/u).filter((w) => w.length >= 3 && !/^\d+$/.test(w));

/** 200-odd queries: whole words, words being typed, two words, body words, addresses and misses. */
function makeQueries(rng: Random, samples: Sample[], withBody: Sample[], count: number): string[] {
  const queries: string[] = [];
  const word = (text: string): string => rng.pick(wordsOf(text).length > 0 ? wordsOf(text) : [text]);
  while (queries.length < count) {
    const s = rng.pick(samples);
    const kind = rng.next();
    if (kind < 0.35) queries.push(word(s.subject));
    else if (kind < 0.55) {
      // Typing: every prefix from two letters on, each a query of its own, as the box sends them.
      const target = [...word(`${s.subject} ${s.person[0]}`)];
      for (let n = 2; n <= target.length && queries.length < count; n++) queries.push(target.slice(0, n).join(''));
    } else if (kind < 0.7) queries.push(`${s.person[0].split(' ')[0]} ${word(s.subject)}`);
    else if (kind < 0.85 && withBody.length > 0) queries.push(word(rng.pick(rng.pick(withBody).sentences)));
    else if (kind < 0.9) queries.push(`${s.person[1]}@${s.domain.slice(0, rng.int(1, s.domain.length))}`);
    else queries.push(Array.from({ length: 6 }, () => String.fromCharCode(97 + rng.int(0, 25))).join(''));
  }
  return queries;
}

let db: HeronDb | null = null;

export async function build(options: BuildOptions): Promise<BuildResult> {
  db?.close();
  await new HeronDb('heron-search-bench').delete();
  db = new HeronDb('heron-search-bench');
  const gen = new MailGenerator(options.seed);
  gen.total = options.messages;
  const folder: Folder = { accountId: ACCOUNT_ID, path: FOLDER, name: 'Inbox', delimiter: '/', parentPath: null, specialUse: 'inbox', subscribed: true, selectable: true, total: 0, unread: 0 };
  const samples: Sample[] = [];
  const withBody: Sample[] = [];
  const bodies: MessageBody[] = [];
  let start = performance.now();
  // Newest first, the order sync stores them in.
  for (let high = options.messages; high >= 1; high -= BATCH) {
    const headers: Header[] = [];
    for (let uid = high; uid > Math.max(0, high - BATCH); uid--) {
      const sample = gen.sample();
      if (uid % 50 === 0) samples.push(sample);
      headers.push(gen.header(uid, sample));
      if (uid > options.messages - options.bodies) {
        bodies.push(bodyOf(uid, sample));
        if (uid % 10 === 0) withBody.push(sample);
      }
    }
    await applyBatch(db, { accountId: ACCOUNT_ID, folders: [folder], folderPath: FOLDER, upsertMessages: headers });
  }
  const applySeconds = (performance.now() - start) / 1000;
  start = performance.now();
  // Prefetch hands bodies over in small groups; so does this.
  for (let i = 0; i < bodies.length; i += 200) await putBodies(db, bodies.slice(i, i + 200));
  const bodySeconds = (performance.now() - start) / 1000;
  return { applySeconds, bodySeconds, queries: makeQueries(gen.rng, samples, withBody, 200) };
}

/** Each query on its own, one after the other, as the search box sends them; `allFolders` drops the folder from the scope. */
export async function run(queries: string[], allFolders = false): Promise<QueryTiming[]> {
  if (!db) throw new Error('build() first');
  const timings: QueryTiming[] = [];
  for (const text of queries) {
    const start = performance.now();
    const result = await searchMessages(db, allFolders ? { text, accountId: ACCOUNT_ID } : { text, accountId: ACCOUNT_ID, folderPath: FOLDER });
    timings.push({ text, ms: performance.now() - start, total: result.total });
  }
  return timings;
}

// The page side of the IndexedDB floor: header-sized rows put one record per message into Chromium's on-disk
// IndexedDB, with nothing Heron adds (no index, no thread, no search term), timed in the page.

const DATABASE = 'heron-floor';
const STORE = 'messages';
/** The batch size Heron's backfill commits (src-main/imap/sync-folder.ts BACKFILL_BATCH). */
const BATCH = 2_000;

/** A row with a synced header's fields and typical sizes. */
function headerRow(uid: number): Record<string, unknown> {
  return {
    accountId: 'floor-account',
    folderPath: 'INBOX',
    uid,
    date: 1_750_000_000_000 - uid * 60_000,
    subject: `Re: Notes from the design review, part ${uid % 97}`,
    from: [{ name: 'Nguyen, Linh', address: 'linh.nguyen@corp.example.com' }],
    to: [{ name: 'Alice', address: 'alice@maillab.test' }],
    cc: [],
    messageId: `<20250629141924.${uid.toString(16)}.n56-c21gp@corp.example.com>`,
    inReplyTo: `<20250623185307.${(uid + 1).toString(16)}.n35-c21gp@corp.example.com>`,
    references: [`<20250623185307.${(uid + 1).toString(16)}.n35-c21gp@corp.example.com>`],
    flags: ['\\Seen'],
    unread: 0,
    flagged: 0,
    size: 1_321,
    hasAttachments: false,
    preview: '',
    threadId: `<20250623185307.${(uid + 1).toString(16)}.n35-c21gp@corp.example.com>`,
  };
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Puts `messages` rows newest first in transactions of BATCH; returns the seconds from the first put to the last commit. */
export async function run(messages: number): Promise<number> {
  await request(indexedDB.deleteDatabase(DATABASE));
  const open = indexedDB.open(DATABASE, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: ['accountId', 'folderPath', 'uid'] });
  const db = await request(open);
  try {
    const start = performance.now();
    for (let high = messages; high >= 1; high -= BATCH) {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      for (let uid = high; uid > Math.max(0, high - BATCH); uid--) store.put(headerRow(uid));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    }
    return (performance.now() - start) / 1000;
  } finally {
    db.close();
  }
}

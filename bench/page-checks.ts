// Owns what the Heron sync benchmark reads from the page: the store's rows through the raw IndexedDB API (Dexie is not
// reachable from page scope), the page's JS heap over CDP, and how the folder pane names a folder's button.

import type { CDPSession, Page } from '@playwright/test';

/** The IndexedDB database and table the renderer's store uses (src-renderer/app/use-engine.ts, store/schema.ts). */
export const STORE_DATABASE = 'heron';
export const MESSAGES_TABLE = 'messages';

export const BODIES_TABLE = 'bodies';
/** A POP3 message's raw source (store/schema.ts version 6). */
export const SOURCES_TABLE = 'sources';
/** A table keyed [accountId, folder, uid]: one row per message of a folder. */
export type StoreTable = typeof MESSAGES_TABLE | typeof BODIES_TABLE | typeof SOURCES_TABLE;

/** Counts the folder's rows of a table keyed [accountId, folder, uid] (messages, bodies, sources) with the raw IndexedDB API (Dexie is not reachable from page scope). */
export async function countStoredMessages(page: Page, accountId: string, folder: string, table: StoreTable = MESSAGES_TABLE): Promise<number> {
  return page.evaluate(
    async ({ database, table, accountId, folder }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        return await new Promise<number>((resolve, reject) => {
          const request = db.transaction(table, 'readonly').objectStore(table).count(IDBKeyRange.bound([accountId, folder, 0], [accountId, folder, Infinity]));
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      } finally {
        db.close();
      }
    },
    { database: STORE_DATABASE, table, accountId, folder },
  );
}

/** The stored flags of some messages (null for a message the store lacks). */
export async function storedFlags(page: Page, accountId: string, folder: string, uids: readonly number[]): Promise<Array<string[] | null>> {
  return page.evaluate(
    async ({ database, table, accountId, folder, uids }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        const store = db.transaction(table, 'readonly').objectStore(table);
        return await Promise.all(
          uids.map(
            (uid) =>
              new Promise<string[] | null>((resolve, reject) => {
                const request = store.get([accountId, folder, uid]);
                request.onsuccess = () => resolve(request.result ? ((request.result as { flags: string[] }).flags ?? []) : null);
                request.onerror = () => reject(request.error);
              }),
          ),
        );
      } finally {
        db.close();
      }
    },
    { database: STORE_DATABASE, table: MESSAGES_TABLE, accountId, folder, uids: [...uids] },
  );
}

export async function jsHeapUsed(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
  if (!used) throw new Error('CDP Performance.getMetrics returned no JSHeapUsedSize');
  return used.value;
}

/** How the folder's button is named in the folder pane (FolderPane.tsx: INBOX shows as "Inbox", others by name). */
export function folderButtonName(folder: string): RegExp {
  const label = folder.toUpperCase() === 'INBOX' ? 'Inbox' : (folder.split('/').pop() ?? folder);
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}


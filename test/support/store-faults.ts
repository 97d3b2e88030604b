// Storage failures on demand and whole-store snapshots, to prove that a failed write leaves the store exactly as it was.

import assert from 'node:assert/strict';
import type { DBCore, DBCoreMutateRequest, Dexie, Middleware } from 'dexie';

/** Every row of every table, to compare the whole store before and after a failed write. */
export async function snapshot(db: Dexie): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()] as const));
  return Object.fromEntries(entries);
}

/**
 * A storage failure at the IndexedDB request level for one table, armed on demand: what a full disk looks like to
 * Dexie. Install it with `use()` before the connection opens.
 */
export function failingWrites(tableName: string): { middleware: Middleware<DBCore>; arm: () => void } {
  let armed = false;
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'test-failing-writes',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req: DBCoreMutateRequest) => {
            if (armed && name === tableName && req.type === 'put') {
              return Promise.reject(new DOMException(`The disk is full (test, ${tableName}).`, 'QuotaExceededError'));
            }
            return table.mutate(req);
          },
        };
      },
    }),
  };
  return { middleware, arm: () => (armed = true) };
}

/** What a promise rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the promise to reject');
}

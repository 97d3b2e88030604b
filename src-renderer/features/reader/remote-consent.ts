// "Always show remote content from this sender": one settings row per real sender address, read live.

import { useLiveQuery } from 'dexie-react-hooks';
import type { HeronDb } from '../../store/db';
import { remoteContentKey } from './sender';

/** Whether the person allowed remote content for this address; undefined while the store is read. */
export function useSenderAllowsRemote(db: HeronDb, address: string | null): boolean | undefined {
  return useLiveQuery(async () => (address ? (await db.settings.get(remoteContentKey(address)))?.value === true : false), [db, address]);
}

export async function allowRemoteForSender(db: HeronDb, address: string): Promise<void> {
  await db.settings.put({ key: remoteContentKey(address), value: true });
}

export async function forgetRemoteForSender(db: HeronDb, address: string): Promise<void> {
  await db.settings.delete(remoteContentKey(address));
}

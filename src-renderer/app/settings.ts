// Window preferences in the store's settings table (layout, list mode, mark-read), read live so every pane agrees.

import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useMemo } from 'react';
import type { HeronDb } from '../store/db';
import type { SettingValue } from '../store/rows';

/** Setting keys the mail window owns; one place, so two features never reuse a key. */
export const SETTING_KEYS = {
  layout: 'mail-window.layout',
  listMode: 'mail-window.list-mode',
  sortOrder: 'mail-window.sort-order',
  markReadOnOpen: 'mail-window.mark-read-on-open',
  collapsedFolders: 'mail-window.collapsed-folders',
  lastFolder: 'mail-window.last-folder',
} as const;

export function saveSetting(db: HeronDb, key: string, value: SettingValue): Promise<void> {
  return db.settings.put({ key, value }).then(() => undefined);
}

/**
 * A setting's value through `parse` (which also supplies the default for a missing or malformed value), or
 * undefined while the store is read, so panes can wait instead of flashing defaults.
 */
export function useSetting<T>(db: HeronDb, key: string, parse: (value: SettingValue | undefined) => T): [T | undefined, (value: SettingValue) => void] {
  const row = useLiveQuery(() => db.settings.get(key).then((found) => ({ value: found?.value })), [db, key]);
  const save = useCallback(
    (value: SettingValue) => {
      saveSetting(db, key, value).catch((error: unknown) => console.error('Heron: could not save a setting', key, error));
    },
    [db, key],
  );
  // Parsed once per stored value, so arrays and objects keep their identity between renders. parse is meant to be a module-level function.
  const value = useMemo(() => (row === undefined ? undefined : parse(row.value)), [row]);
  return [value, save];
}

export const parseBoolean =
  (fallback: boolean) =>
  (value: SettingValue | undefined): boolean =>
    typeof value === 'boolean' ? value : fallback;

export function parseChoice<T extends string>(choices: readonly T[], fallback: T) {
  return (value: SettingValue | undefined): T => (typeof value === 'string' && (choices as readonly string[]).includes(value) ? (value as T) : fallback);
}

export function parseStringList(value: SettingValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

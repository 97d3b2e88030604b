// The window's arrangement and pane sizes as stored in settings, with the limits that keep every pane usable.

import type { SettingValue } from '../../store/rows';

export type Arrangement = 'columns' | 'stacked';

export interface Layout {
  /** columns: folders | list | reader side by side; stacked: the reader under the list. */
  arrangement: Arrangement;
  folderWidth: number;
  listWidth: number;
  listHeight: number;
}

export const DEFAULT_LAYOUT: Layout = { arrangement: 'columns', folderWidth: 240, listWidth: 440, listHeight: 320 };

/** Pixel limits; CSS also keeps the reader at least 320px wide whatever is stored. */
export const PANE_LIMITS = {
  folderWidth: { min: 160, max: 480 },
  listWidth: { min: 280, max: 1200 },
  listHeight: { min: 140, max: 1200 },
} as const;

export type PaneSize = keyof typeof PANE_LIMITS;

export function clampPane(pane: PaneSize, value: number): number {
  const { min, max } = PANE_LIMITS[pane];
  return Math.round(Math.min(max, Math.max(min, value)));
}

/** A stored layout, or the default for whatever is missing or malformed (settings survive across versions). */
export function parseLayout(value: SettingValue | undefined): Layout {
  const v = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const size = (pane: PaneSize): number => {
    const raw = v[pane];
    return typeof raw === 'number' && Number.isFinite(raw) ? clampPane(pane, raw) : DEFAULT_LAYOUT[pane];
  };
  return {
    arrangement: v.arrangement === 'stacked' ? 'stacked' : 'columns',
    folderWidth: size('folderWidth'),
    listWidth: size('listWidth'),
    listHeight: size('listHeight'),
  };
}

export function layoutValue(layout: Layout): { [key: string]: SettingValue } {
  return { ...layout };
}

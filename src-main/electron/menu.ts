// The application menu: standard roles only, so it needs no IPC and works the same on every platform.

import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and force-reload appear only in unpackaged builds. */
  isPackaged: boolean;
}

/** File / Edit / View / Window / Help, with the macOS app menu first on darwin. */
export function buildMenuTemplate({ platform, appName, isPackaged }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    role: 'appMenu',
    submenu: [
      { role: 'about' },
      sep,
      { role: 'services' },
      sep,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      sep,
      { role: 'quit' },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: '&File',
    role: 'fileMenu',
    submenu: isMac ? [{ role: 'close' }] : [{ role: 'close' }, sep, { role: 'quit' }],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: '&Edit',
    role: 'editMenu',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  };

  const developerItems: MenuItemConstructorOptions[] = isPackaged ? [] : [{ role: 'forceReload' }, { role: 'toggleDevTools' }, sep];
  const viewMenu: MenuItemConstructorOptions = {
    label: '&View',
    role: 'viewMenu',
    submenu: [
      { role: 'reload' },
      ...developerItems,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };

  const windowMenu: MenuItemConstructorOptions = {
    label: '&Window',
    role: 'windowMenu',
    submenu: isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }, sep, { role: 'window' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };

  const helpMenu: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    // On macOS, About lives in the app menu; elsewhere it is here.
    submenu: isMac ? [] : [{ role: 'about', label: `About ${appName}` }],
  };

  return [...(isMac ? [appMenu] : []), fileMenu, editMenu, viewMenu, windowMenu, helpMenu];
}

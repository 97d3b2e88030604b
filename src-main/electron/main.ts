// Electron main process: the thin shell around the engine. Window, app:// protocol, guards, IPC, shutdown.

import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell, type Session, type WebContents } from 'electron';
import { createEngine, type Engine } from '../engine/engine';
import { defaultProfileDir } from '../engine/profile-dir';
import { createEncryptedSecretStore } from '../engine/secrets';
import { APP_ENTRY_URL, APP_SCHEME } from './app-origin';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { createExternalOpener } from './external-url';
import { bindEngineIpc } from './ipc';
import { OPEN_BUTTON, type LinkQuestion } from './link-request';
import { buildMenuTemplate } from './menu';
import { hardenWebContents } from './navigation';
import { denyAllPermissions } from './permissions';
import { createSafeStorageCipher } from './safe-storage-cipher';
import { keepDictionariesOffline } from './spellcheck';
import { createWebPreferences } from './web-preferences';

/** How long quitting waits for the engine to log out and flush before it gives up. */
const SHUTDOWN_TIMEOUT_MS = 5000;

const log = (message: string) => console.warn(`[heron] ${message}`);

// Built layout (electron.vite.config.ts): out/main/index.js, out/preload/index.cjs, out/renderer/.
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));

// Before anything else: every renderer sandboxed, and the app scheme privileged (only possible before ready).
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

// One profile directory for Heron's settings and Chromium's storage (IndexedDB), HERON_DATA_DIR included.
const profileDir = defaultProfileDir();
app.setPath('userData', profileDir);

const openExternal = createExternalOpener((url) => shell.openExternal(url), log);

/** Asks about a link in the window it came from (modal to it); only the Open button opens it. */
async function confirmLink(contents: WebContents, question: LinkQuestion): Promise<boolean> {
  const window = BrowserWindow.fromWebContents(contents);
  const { response } = await (window ? dialog.showMessageBox(window, question) : dialog.showMessageBox(question));
  return response === OPEN_BUTTON;
}

if (!app.requestSingleInstanceLock()) {
  // Another Heron is running; it gets focus through its 'second-instance' event.
  app.quit();
} else {
  start();
}

function start(): void {
  let engine: Engine | null = null;
  let mainWindow: BrowserWindow | null = null;

  // Every webContents, whatever creates it, gets the navigation / window / webview guards and deny-all permissions.
  app.on('web-contents-created', (_event, contents: WebContents) => {
    hardenWebContents(contents, { openExternal, confirm: (question) => confirmLink(contents, question), log });
    denyAllPermissions(contents.session);
  });

  // Every session as soon as it exists (partitions included), before any page could ask for anything in it.
  app.on('session-created', (created: Session) => {
    denyAllPermissions(created);
    keepDictionariesOffline(created);
  });

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  const createWindow = (running: Engine): BrowserWindow => {
    const window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Heron',
      backgroundColor: '#f7f9fb',
      webPreferences: createWebPreferences(preloadPath),
    });
    const dispose = bindEngineIpc({ ipcMain, webContents: window.webContents, engine: running, log });
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      dispose();
      if (mainWindow === window) mainWindow = null;
    });
    window.loadURL(APP_ENTRY_URL).catch((error: unknown) => log(`could not load ${APP_ENTRY_URL}: ${String(error)}`));
    return window;
  };

  app.whenReady().then(
    () => {
      // Again for the default session: whether it is announced through 'session-created' is not documented.
      denyAllPermissions(session.defaultSession);
      keepDictionariesOffline(session.defaultSession);
      protocol.handle(APP_SCHEME, createAppProtocolHandler({ bundleRoot: rendererRoot, log }));
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: app.name, isPackaged: app.isPackaged })),
      );
      const running = createEngine({
        profileDir,
        mode: 'desktop',
        version: app.getVersion(),
        secrets: createEncryptedSecretStore(profileDir, createSafeStorageCipher(safeStorage)),
        openExternal,
      });
      engine = running;
      mainWindow = createWindow(running);
      app.on('activate', () => {
        // macOS: clicking the dock icon with no window open brings one back.
        if (mainWindow === null) mainWindow = createWindow(running);
      });
    },
    (error: unknown) => {
      log(`startup failed: ${String(error)}`);
      app.exit(1);
    },
  );

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quit waits (boundedly) for the engine to close its sessions, then quits for real.
  let shutdownStarted = false;
  app.on('before-quit', (event) => {
    if (shutdownStarted || engine === null) return;
    shutdownStarted = true;
    event.preventDefault();
    const running = engine;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref());
    Promise.race([running.shutdown(), timeout])
      .catch((error: unknown) => log(`engine shutdown failed: ${String(error)}`))
      .finally(() => app.quit());
  });
}

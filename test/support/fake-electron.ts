// A stand-in for the 'electron' module: src-main/electron/main.ts runs in Node against it, and every call the shell
// makes (window options, handlers, sessions, protocol, IPC, openExternal) is kept for test/unit/electron-checklist.test.ts.
// Only what main.ts touches exists here; anything else it starts using fails loudly as undefined.

import { EventEmitter } from 'node:events';

/** Calls whose order matters (sandbox and scheme privileges must come before ready), in the order they happened. */
export const timeline: string[] = [];

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin?: string, details?: unknown) => boolean;
type DevicePermissionHandler = (details: unknown) => boolean;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  devicePermissionHandler: DevicePermissionHandler | null = null;
  dictionaryDownloadUrl: string | null = null;
  constructor(readonly name: string) {}
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    this.devicePermissionHandler = handler;
  }
  setSpellCheckerDictionaryDownloadURL(url: string): void {
    this.dictionaryDownloadUrl = url;
  }
}

export interface WindowOpenDetails {
  url: string;
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: WindowOpenDetails) => unknown) | null = null;
  /** What main sent to the page; `toRenderer` (set by a test) receives it too, as the preload would. */
  readonly sent: { channel: string; data: unknown }[] = [];
  toRenderer: ((data: unknown) => void) | null = null;
  destroyed = false;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => unknown): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, data: unknown): void {
    this.sent.push({ channel, data });
    const deliver = this.toRenderer;
    if (deliver) queueMicrotask(() => deliver(structuredClone(data)));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

class FakeApp extends EventEmitter {
  readonly name = 'Heron';
  /** A packaged build: what people run. */
  readonly isPackaged = true;
  readonly paths = new Map<string, string>();
  exitCode: number | null = null;
  private markReady: () => void = () => {};
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private markQuit: () => void = () => {};
  /** Resolves when main.ts calls app.quit(). */
  readonly quitted = new Promise<void>((resolve) => (this.markQuit = resolve));

  enableSandbox(): void {
    timeline.push('app.enableSandbox');
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  quit(): void {
    timeline.push('app.quit');
    this.markQuit();
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  /** What Electron does at ready: the default session comes into being, then whenReady() resolves. */
  becomeReady(): void {
    timeline.push('ready');
    this.emit('session-created', session.defaultSession);
    this.markReady();
  }
}

export const app = new FakeApp();

export const session = { defaultSession: new FakeSession('default') };

export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, unknown> }[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, unknown> }[]): void {
    timeline.push('protocol.registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  },
};

class FakeIpcMain extends EventEmitter {
  /** Channels registered with handle() (the shell uses none: every message goes through one guarded listener). */
  readonly handled: string[] = [];
  handle(channel: string): void {
    this.handled.push(channel);
  }
  handleOnce(channel: string): void {
    this.handled.push(channel);
  }
}

export const ipcMain = new FakeIpcMain();

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  private static announce: (window: BrowserWindow) => void = () => {};
  /** Resolves with the first window main.ts opens. */
  static readonly first = new Promise<BrowserWindow>((resolve) => (BrowserWindow.announce = resolve));

  readonly webContents = new FakeWebContents(session.defaultSession);
  readonly loadedUrls: string[] = [];

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
    // As in Electron: the window's webContents is announced while the window is being constructed.
    app.emit('web-contents-created', {}, this.webContents);
    BrowserWindow.announce(this);
  }
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.created.find((window) => window.webContents === contents) ?? null;
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    return Promise.resolve();
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
}

export const dialog = {
  /** The button index the next question is answered with (0 is "Cancel" in every question the shell asks). */
  answer: 0,
  asked: [] as unknown[],
  async showMessageBox(windowOrOptions: unknown, options?: unknown): Promise<{ response: number; checkboxChecked: boolean }> {
    this.asked.push(options ?? windowOrOptions);
    return { response: this.answer, checkboxChecked: false };
  },
};

export const shell = {
  opened: [] as string[],
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  },
};

export const Menu = {
  applied: null as { template: Record<string, unknown>[] } | null,
  buildFromTemplate(template: Record<string, unknown>[]): { template: Record<string, unknown>[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: Record<string, unknown>[] }): void {
    this.applied = menu;
  },
};

/** safeStorage with a key store whose backend a test can switch (Linux: basic_text must count as none). */
export const safeStorage = {
  backend: 'gnome_libsecret',
  isEncryptionAvailable(): boolean {
    return true;
  },
  getSelectedStorageBackend(): string {
    return this.backend;
  },
  encryptString(plain: string): Buffer {
    return Buffer.from(Buffer.from(plain, 'utf8').map((byte) => byte ^ 0x5a));
  },
  decryptString(data: Buffer): string {
    return Buffer.from(data.map((byte) => byte ^ 0x5a)).toString('utf8');
  },
};

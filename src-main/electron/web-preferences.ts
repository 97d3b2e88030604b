// The web preferences every Heron window gets (Electron security checklist items 2-4, 6, 8-10, 12).

import type { WebPreferences } from 'electron';

/** Everything except the preload path; frozen so nothing can loosen it at run time. */
export const HARDENED_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: true,
} as const satisfies WebPreferences);

/** The preferences for a Heron window: the hardened set plus the (sandboxed, CommonJS) preload script. */
export function createWebPreferences(preload: string): WebPreferences {
  return { ...HARDENED_WEB_PREFERENCES, preload };
}

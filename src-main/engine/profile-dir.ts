// Where Heron keeps account settings and secrets: HERON_DATA_DIR, else the OS user-data directory.

import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Heron';

/** The same directory Electron's app.getPath('userData') gives, so desktop and browser mode share one profile. */
export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HERON_DATA_DIR) return path.resolve(env.HERON_DATA_DIR);
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

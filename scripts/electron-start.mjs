// `npm start` runs this after `electron-vite build`: fetch Electron's binary if it is missing, then run Heron.
// The binary is not installed by `npm install` (package.json "allowScripts" blocks electron's postinstall),
// so the first start downloads it where the internet is reachable. Without it, `npm run web` still works.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(projectDir, 'node_modules', 'electron');
const pathFile = path.join(electronDir, 'path.txt');
/** Bounds the download so a blocked network fails in minutes, not forever. */
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

function electronExecutable() {
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const executable = path.join(distDir, relative);
  return relative && existsSync(executable) ? executable : null;
}

function cannotRun(detail) {
  console.error(
    [
      '',
      "Heron: Electron's binary could not be downloaded, so the desktop app cannot start here.",
      detail ? `  (${detail})` : '',
      '  Where the internet is reachable, run `npm start` again (or `node node_modules/electron/install.js`).',
      '  Meanwhile `npm run web` runs Heron in your browser, with the same engine, on http://127.0.0.1.',
      '',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  );
  process.exit(1);
}

if (!existsSync(electronDir)) cannotRun('node_modules/electron is missing; run npm install first');

let executable = electronExecutable();
if (executable === null) {
  console.log("Heron: downloading Electron's binary (first start only)...");
  const installer = path.join(electronDir, 'install.js');
  const result = spawnSync(process.execPath, [installer], { cwd: electronDir, stdio: 'inherit', timeout: INSTALL_TIMEOUT_MS });
  if (result.error || result.status !== 0) {
    cannotRun(result.error ? result.error.message : `electron's install.js exited with ${result.status ?? result.signal}`);
  }
  executable = electronExecutable();
  if (executable === null) cannotRun("electron's install.js finished but no binary is in node_modules/electron/dist");
}

// ELECTRON_RUN_AS_NODE would turn the binary into plain Node and ignore the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(executable, [projectDir, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!child.killed) child.kill(signal);
  });
}
child.on('error', (error) => cannotRun(`could not start ${executable}: ${error.message}`));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

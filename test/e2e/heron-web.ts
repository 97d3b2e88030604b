// Starts and stops browser-mode Heron for a test, exactly as `npm run web` runs it, with its own port and profile.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface HeronWeb {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** How long startup may take before the test fails with Heron's own output. */
const START_TIMEOUT_MS = 60_000;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'heron-e2e-profile-'));
}

/**
 * Runs Heron's browser mode. `command: 'npm'` runs the README's own `npm run web` (it builds first);
 * the default runs the server entry directly on the build global-setup made.
 */
export async function startHeronWeb(options: { port: number; dataDir: string; command?: 'npm' | 'node' }): Promise<HeronWeb> {
  const env = { ...process.env, HERON_PORT: String(options.port), HERON_DATA_DIR: options.dataDir };
  const child: ChildProcess =
    options.command === 'npm'
      ? spawn('npm', ['run', 'web'], { env, detached: true })
      : spawn(process.execPath, ['--import', 'tsx', 'src-main/web/cli.ts'], { env, detached: true });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Heron did not start in time:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Heron is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Heron exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    port: options.port,
    dataDir: options.dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The process group: `npm run web` runs the server as a grandchild.
      process.kill(-(child.pid as number), 'SIGTERM');
      await exited;
    },
  };
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Stops a Heron a test started and removes its profile; after a failed test, prints what Heron printed first. */
export async function stopHeronWeb(heron: HeronWeb | null, failed = false): Promise<void> {
  if (!heron) return;
  if (failed) console.log(`Heron output (tail):\n${heron.output().slice(-3000)}`);
  await heron.stop();
  await removeDataDir(heron.dataDir);
}

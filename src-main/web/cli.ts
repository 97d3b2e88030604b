// `npm run web`: the engine in Node serving the built renderer on 127.0.0.1 until stopped.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHeronError } from '../../shared/errors';
import { discoveryOptionsFromEnv } from '../discovery/env';
import { createEngine } from '../engine/engine';
import { defaultProfileDir } from '../engine/profile-dir';
import { createBrowserSecretStore } from '../engine/secrets';
import { newToken } from './access';
import { DEFAULT_PORT, startWebServer } from './server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`HERON_PORT must be a port number from 1 to 65535, not "${value}".`);
  return port;
}

async function main(): Promise<void> {
  const profileDir = defaultProfileDir();
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  // One link token per run, known to the engine (which tells the page) and to the server (which checks it).
  const linkToken = newToken();
  // HERON_DISCOVERY_* point settings discovery at private servers (README: "Testing against private servers").
  const discovery = discoveryOptionsFromEnv(process.env);
  const engine = createEngine({ profileDir, mode: 'browser', secrets: createBrowserSecretStore(profileDir), version, linkToken, discovery });
  const staticDir = path.join(root, 'out', 'web');
  if (!existsSync(path.join(staticDir, 'index.html'))) throw new Error('the renderer is not built: run `npm run web`, which builds it first.');
  const server = await startWebServer({ engine, staticDir, port: portFromEnv(process.env.HERON_PORT), linkToken });
  console.log(`Heron is running at ${server.url}`);
  const stop = async () => {
    await server.close();
    await engine.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Heron could not start: ${toHeronError(error).code === 'internal' ? String(error) : toHeronError(error).message}`);
  process.exit(1);
});

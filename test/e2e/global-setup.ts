// Builds the renderer once for every e2e test, as `npm run web` would.

import { execFileSync } from 'node:child_process';

export default function globalSetup(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 180_000 });
}

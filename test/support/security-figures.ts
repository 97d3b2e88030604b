// The adversarial suites' figures (vectors tried and executed, faults injected and messages lost, hostile-server
// cases and outcomes), written by the tests themselves so SECURITY.md's table is generated, never typed.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type SecurityArea = 'hostile-server' | 'faults' | 'corpus' | 'hardening';

export interface SecurityFigure {
  area: SecurityArea;
  /** What was tried, e.g. "XSS vectors through parse, sanitize and the sandboxed frame". */
  name: string;
  /** How many cases, vectors or injected faults. */
  tried: number;
  /** How many went wrong (a script ran, a request left, a message was lost or doubled, a secret leaked): must be 0. */
  bad: number;
  /** The outcome in words, e.g. "refused before any credential was sent". */
  outcome: string;
}

/** Where the figures go: under test-results/ (git-ignored), one file per suite, read by scripts/security-report.ts. */
export const SECURITY_FIGURES_DIR = path.resolve(import.meta.dirname, '../../test-results/security');

export async function recordSecurityFigures(suite: string, figures: readonly SecurityFigure[]): Promise<void> {
  await mkdir(SECURITY_FIGURES_DIR, { recursive: true });
  await writeFile(path.join(SECURITY_FIGURES_DIR, `${suite}.json`), `${JSON.stringify({ suite, figures }, null, 2)}\n`);
}

export async function readSecurityFigures(dir = SECURITY_FIGURES_DIR): Promise<{ suite: string; figures: SecurityFigure[] }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { suite: string; figures: SecurityFigure[] }));
}

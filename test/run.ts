// `npm test`: installs what the tests need, then lint, type-check, unit, integration and e2e, then SECURITY.md's
// figures, ending with one total line.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { updateSecurityReport } from '../scripts/security-report';
import { ensureSystemPackages } from './lab/packages';

/** Debian packages the tiers use (see DESIGN.md); installed when root, else the command is printed. */
const SYSTEM_PACKAGES = ['chromium', 'dovecot-core', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-lmtpd', 'postfix', 'openssl', 'dnsmasq', 'isync', 'mpop', 'msmtp'];
const TIERS = ['static', 'unit', 'integration', 'e2e'] as const;
type Tier = (typeof TIERS)[number];

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function testFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** node:test with a readable report on stdout and TAP in a file for the counts (Node 20 needs explicit file lists). */
async function nodeTests(dir: string, scratch: string, extra: string[] = []): Promise<Tally> {
  const files = testFiles(dir);
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0 };
  const tap = path.join(scratch, `${path.basename(dir)}.tap`);
  const code = await run(process.execPath, [
    '--import', 'tsx', '--test', ...extra,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
    // tsx reads tsconfig.json, which only lists the projects; the test project's options (React's automatic JSX
    // runtime above all) are what a component rendered in a test needs.
  ], { TSX_TSCONFIG_PATH: 'tsconfig.test.json' });
  const text = readFileSync(tap, 'utf8');
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const tally = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  // A crash outside any test (a file that does not load) still fails the tier.
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

async function e2eTests(scratch: string): Promise<Tally> {
  const report = path.join(scratch, 'e2e.json');
  const code = await run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  let stats = { expected: 0, unexpected: 0, flaky: 0, skipped: 0 };
  try {
    stats = (JSON.parse(readFileSync(report, 'utf8')) as { stats: typeof stats }).stats;
  } catch {
    // no report: counted as one failure below
  }
  const tally = { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

/**
 * SECURITY.md's figures table, rewritten from what the security suites of this run (and earlier ones, dated as such)
 * recorded; one check, failed by a bad figure or a document without its markers. git is only read, never written.
 */
async function securityReport(): Promise<Tally> {
  try {
    const bad = await updateSecurityReport();
    return bad.length === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  } catch (error) {
    console.error(`SECURITY.md was not updated: ${error instanceof Error ? error.message : String(error)}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

/** Lint and type-check count as one check each, so a type error fails `npm test` like a failing test. */
async function staticChecks(): Promise<Tally> {
  const results = [await run('npx', ['eslint', '.']), await run('npm', ['run', '--silent', 'typecheck'])];
  return { passed: results.filter((c) => c === 0).length, failed: results.filter((c) => c !== 0).length, skipped: 0 };
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const tiers = asked.length > 0 ? (asked as Tier[]) : [...TIERS];
  for (const tier of tiers) if (!TIERS.includes(tier)) throw new Error(`Unknown tier "${tier}"; choose from ${TIERS.join(', ')}.`);
  if (tiers.some((t) => t === 'integration' || t === 'e2e')) await ensureSystemPackages(SYSTEM_PACKAGES);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'heron-test-'));
  const totals: Record<string, Tally> = {};
  try {
    for (const tier of tiers) {
      console.log(`\n=== ${tier} ===`);
      if (tier === 'static') totals[tier] = await staticChecks();
      else if (tier === 'e2e') totals[tier] = await e2eTests(scratch);
      // Integration files each start their own lab servers: one file at a time keeps 2 cores responsive.
      else totals[tier] = await nodeTests(path.join('test', tier), scratch, tier === 'integration' ? ['--test-concurrency=1'] : []);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log('\n=== security report ===');
  totals['security report'] = await securityReport();

  console.log('\n=== summary ===');
  for (const [tier, t] of Object.entries(totals)) console.log(`${tier}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  const sum = Object.values(totals).reduce((a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped }), { passed: 0, failed: 0, skipped: 0 });
  console.log(`${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
  process.exitCode = sum.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});

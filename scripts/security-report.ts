// Rewrites the figures block of SECURITY.md from what the security suites recorded while they ran
// (test/support/security-figures.ts), so the table is generated, never typed; and fails when any figure is bad.
// Run: npx tsx scripts/security-report.ts (test/run.ts runs it after the tiers of every `npm test`).

import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readSecurityFigures, SECURITY_FIGURES_DIR, type SecurityArea, type SecurityFigure } from '../test/support/security-figures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SECURITY_DOCUMENT = path.join(root, 'SECURITY.md');
export const FIGURES_START = '<!-- figures:start -->';
export const FIGURES_END = '<!-- figures:end -->';

/** The areas in the order the document shows them, with their headings. */
const AREAS: readonly (readonly [SecurityArea, string])[] = [
  ['hostile-server', 'Hostile servers'],
  ['faults', 'Injected faults'],
  ['corpus', 'Hostile input corpora'],
  ['hardening', 'Electron hardening and secrets'],
];

/** One suite's figures, with when they were recorded (the file's modification time). */
export interface RecordedSuite {
  suite: string;
  recordedAt: Date;
  figures: SecurityFigure[];
}

export interface ReportContext {
  generatedAt: Date;
  /** The commit the figures were produced from, as `git describe`-like text. */
  commit: string;
}

/** Text for one table cell: no line breaks, and pipes escaped so they cannot open a column. */
function cell(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

const minute = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The Markdown that goes between the markers: per area, one row per figure, and the area's total of bad. */
export function renderFigures(suites: readonly RecordedSuite[], context: ReportContext): string {
  const lines = [`Generated ${minute(context.generatedAt)} from commit ${context.commit} by \`scripts/security-report.ts\`.`, ''];
  if (suites.length === 0) {
    lines.push('No figures recorded yet: run `npm test`.');
    return lines.join('\n');
  }
  const recorded = [...suites].sort((a, b) => a.suite.localeCompare(b.suite));
  lines.push(`Recorded by: ${recorded.map((s) => `\`${s.suite}\` (${minute(s.recordedAt)})`).join(', ')}.`);
  for (const [area, heading] of AREAS) {
    const rows = recorded.flatMap((s) => s.figures.filter((f) => f.area === area).map((figure) => ({ suite: s.suite, figure })));
    lines.push('', `### ${heading}`, '');
    if (rows.length === 0) {
      lines.push('_No figures recorded in this area._');
      continue;
    }
    lines.push('| Suite | What was tried | Tried | Bad | Outcome |', '| --- | --- | ---: | ---: | --- |');
    for (const { suite, figure } of rows) {
      lines.push(`| ${cell(suite)} | ${cell(figure.name)} | ${figure.tried} | ${figure.bad} | ${cell(figure.outcome)} |`);
    }
    // Only the bad column adds up: "tried" counts vectors in one row, files or cases in another.
    const bad = rows.reduce((sum, row) => sum + row.figure.bad, 0);
    lines.push(`| **All** | ${rows.length} figures | | **${bad}** | |`);
  }
  return lines.join('\n');
}

/** The document with the block between the markers replaced (markers kept); throws when they are missing or out of order. */
export function replaceFigures(document: string, block: string): string {
  const start = document.indexOf(FIGURES_START);
  const end = document.indexOf(FIGURES_END);
  if (start < 0 || end < 0 || end < start) throw new Error(`SECURITY.md needs ${FIGURES_START} followed by ${FIGURES_END}.`);
  return `${document.slice(0, start + FIGURES_START.length)}\n${block}\n${document.slice(end)}`;
}

/** Every figure that says something went wrong (must be none). */
export function badFigures(suites: readonly RecordedSuite[]): { suite: string; figure: SecurityFigure }[] {
  return suites.flatMap((s) => s.figures.filter((figure) => figure.bad > 0).map((figure) => ({ suite: s.suite, figure })));
}

async function git(args: string[]): Promise<string> {
  return (await promisify(execFile)('git', args, { cwd: root })).stdout.trim();
}

/** The short commit, marked when the working tree differs from it; 'unknown' outside a git checkout. Reads only. */
async function currentCommit(): Promise<string> {
  try {
    const commit = await git(['rev-parse', '--short', 'HEAD']);
    return (await git(['status', '--porcelain'])) === '' ? `\`${commit}\`` : `\`${commit}\` (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

/** Regenerates SECURITY.md's figures from test-results/security; returns the bad figures (printed too). */
export async function updateSecurityReport(): Promise<{ suite: string; figure: SecurityFigure }[]> {
  const suites: RecordedSuite[] = await Promise.all(
    (await readSecurityFigures()).map(async (s) => ({ ...s, recordedAt: (await stat(path.join(SECURITY_FIGURES_DIR, `${s.suite}.json`))).mtime })),
  );
  const block = renderFigures(suites, { generatedAt: new Date(), commit: await currentCommit() });
  await writeFile(SECURITY_DOCUMENT, replaceFigures(await readFile(SECURITY_DOCUMENT, 'utf8'), block));
  const bad = badFigures(suites);
  const count = suites.reduce((sum, s) => sum + s.figures.length, 0);
  console.log(`SECURITY.md: ${count} figures from ${suites.length} suites, ${bad.length} bad.`);
  for (const { suite, figure } of bad) console.error(`  BAD ${suite}: ${figure.name}: ${figure.bad} of ${figure.tried} (${figure.outcome})`);
  return bad;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  updateSecurityReport().then(
    (bad) => {
      process.exitCode = bad.length > 0 ? 1 : 0;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}

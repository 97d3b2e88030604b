// MIME torture (test/fixtures/hostile/mime-torture.ts) through the engine's parser, each case in a process of its own so
// that a crash is counted rather than fatal and peak memory is the case's own; then the small ones through the store,
// where every one must still be listed, with the parser's note where it could not read the message.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_INLINE_TOTAL_BYTES, MAX_PARSE_BYTES } from '../../src-main/mime/parse-message';
import { MAX_FALLBACK_TEXT_BYTES } from '../../src-main/mime/raw-text';
import { readLocalMessage } from '../../src-main/pop3/pop3-message';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import { getBody } from '../../src-renderer/store/bodies';
import { messageWindow } from '../../src-renderer/store/list-queries';
import { TORTURE_CASES } from '../fixtures/hostile/mime-torture';
import type { TortureReport } from '../fixtures/hostile/parse-torture';
import { ACCOUNT, record, seeded } from '../support/pop3-fixtures';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';

const RUNNER = path.resolve(import.meta.dirname, '../fixtures/hostile/parse-torture.ts');
const MB = 1024 * 1024;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: TortureReport | null;
  stderr: string;
}

function runCase(index: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, String(index)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, report: code === 0 ? (JSON.parse(stdout) as TortureReport) : null, stderr }));
  });
}

/**
 * What is wrong with one case's outcome: it must have returned, stayed within the parser's bounds, found the text
 * the case holds, and said why where it shows nothing it found (or there was nothing to show).
 */
function problems(run: Run, finds: string | undefined): string[] {
  const report = run.report;
  if (!report) return [`the process ended with ${run.signal ?? `code ${run.code}`}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`];
  const wrong: string[] = [];
  if (report.reportedSize !== report.size) wrong.push(`size ${report.reportedSize}, not ${report.size}`);
  if ((report.textChars ?? 0) > MAX_PARSE_BYTES || (report.htmlChars ?? 0) > MAX_PARSE_BYTES) wrong.push('more text than MAX_PARSE_BYTES');
  if (report.parseError !== null && report.htmlChars === null && (report.textChars ?? 0) > MAX_FALLBACK_TEXT_BYTES) wrong.push('a raw fallback over MAX_FALLBACK_TEXT_BYTES');
  if (report.inlineBytes > MAX_INLINE_TOTAL_BYTES) wrong.push('inline images over MAX_INLINE_TOTAL_BYTES');
  if (finds !== undefined && !report.found) wrong.push(`"${finds}" not found`);
  if (finds === undefined && report.parseError === null && (report.textChars !== null || report.htmlChars !== null)) wrong.push('no parse note, though nothing the message holds was found');
  // A parser that copies the message a bounded number of times: the source, the decoded text, and transient buffers.
  if (report.peakRssDelta > 8 * report.size + 64 * MB) wrong.push(`peak memory ${Math.round(report.peakRssDelta / MB)} MB for ${Math.round(report.size / MB)} MB`);
  return wrong;
}

describe('MIME torture', () => {
  const figures: SecurityFigure[] = [];

  after(async () => {
    await recordSecurityFigures('corpus-mime', figures);
  });

  it('every case returns from parseMessage, within its bounds, without crashing the process', async () => {
    const runs: Run[] = [];
    // One at a time: two 50 MB cases side by side would measure each other's memory on a small machine.
    for (const index of TORTURE_CASES.keys()) runs.push(await runCase(index));
    const crashes = runs.filter((run) => !run.report).length;
    const wrong = TORTURE_CASES.flatMap((torture, index) => problems(runs[index] as Run, torture.finds).map((problem) => `${torture.name}: ${problem}`));
    const peak = Math.max(...runs.map((run) => run.report?.peakRssDelta ?? 0));
    const peakCase = TORTURE_CASES[runs.findIndex((run) => run.report?.peakRssDelta === peak)]?.name ?? '';
    const noted = runs.filter((run) => run.report?.parseError).length;
    figures.push({
      area: 'corpus',
      name: 'MIME torture messages through the engine parser (deep nesting, 5,000 parts, 10 MB header, 50 MB line, bad charsets and encodings, NUL bytes)',
      tried: TORTURE_CASES.length,
      bad: crashes + wrong.length,
      outcome: `${crashes} crashes; every one returned, ${noted} with a parse note; peak RSS delta ${Math.round(peak / MB)} MB (${peakCase})${wrong.length ? `; ${wrong.join('; ')}` : ''}`,
    });
    assert.equal(crashes, 0, runs.map((run) => run.stderr).join('\n'));
    assert.deepEqual(wrong, []);
  });

  it('the small ones through the store: every message listed, with the parse note where there is one', async () => {
    const db = await seeded(0);
    const small = TORTURE_CASES.filter((torture) => torture.store);
    const locals = await Promise.all(small.map((torture, index) => readLocalMessage(torture.build(), { accountId: ACCOUNT, folderPath: 'INBOX', uid: index + 1, flags: [], at: Date.UTC(2025, 0, 1) })));
    await applyBatch(db, {
      accountId: ACCOUNT,
      folderPath: 'INBOX',
      upsertMessages: locals.map((local) => local.header),
      bodies: locals.map((local) => local.body),
      sources: locals.map((local) => local.source),
      popMessages: locals.map((local) => record(local.header.uid)),
      durability: 'strict',
    });
    const listed = (await messageWindow(db, ACCOUNT, 'INBOX', 'newest', 0, small.length + 1)).map((header) => header.uid).sort((a, b) => a - b);
    const notes = await Promise.all(locals.map(async (local) => (await getBody(db, ACCOUNT, 'INBOX', local.header.uid))?.parseError ?? null));
    db.close();
    const missing = locals.filter((local) => !listed.includes(local.header.uid)).map((local) => small[local.header.uid - 1]?.name);
    const lostNotes = locals.filter((local, index) => local.body.parseError !== notes[index]).map((local) => small[local.header.uid - 1]?.name);
    figures.push({
      area: 'corpus',
      name: 'MIME torture messages stored through applyBatch, then listed',
      tried: small.length,
      bad: missing.length + lostNotes.length,
      outcome: `${listed.length} of ${small.length} listed; ${notes.filter((note) => note !== null).length} carry the parser's note to the reader`,
    });
    assert.deepEqual(missing, [], 'messages not listed');
    assert.deepEqual(lostNotes, [], 'parse notes lost in the store');
    assert.ok(notes.some((note) => note !== null), 'some of them could not be read, and say so');
  });
});

// The Heron sync benchmark's pure parts: milestones from the store's acks, the resync window, the seeded flag choice,
// memory peaks, self-timed runs and metric rows in measure/report. No wall clock: every time here is a given number.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncRows, SYNC_METRIC_SPECS } from '../../bench/benchmarks/imap-envelope-fetch';
import { findChromium } from '../../bench/chromium';
import type { BenchmarkDefinition } from '../../bench/benchmarks/types';
import { pickUids, planSeenToggle, reverseToggle } from '../../bench/flag-changes';
import { describeBatch } from '../../bench/engine-probe';
import { SYNC_METRICS } from '../../bench/heron-sync';
import { folderButtonName } from '../../bench/page-checks';
import { measureAlternating, metricKey } from '../../bench/measure';
import type { NamedContender } from '../../bench/measure';
import { buildReport, buildResults, failedChecksOf, formatRunMetrics, formatTable, HERON, judgeBudget } from '../../bench/report';
import { peakOf, startSampler } from '../../bench/resource-sampler';
import type { BatchRecord } from '../../bench/sync-timeline';
import { acknowledged, MilestoneTracker, resyncWindow, syncMilestones } from '../../bench/sync-timeline';
import type { BenchTarget } from '../../bench/target';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function batch(partial: Partial<BatchRecord> & { ackedAt: number | null }): BatchRecord {
  return { sentAt: (partial.ackedAt ?? 0) - 1, folderPath: 'INBOX', resetFolder: false, upsertUids: [], flagChangeUids: [], removedUids: [], ...partial };
}

const input = { folder: 'INBOX', attachedAt: 1000, serverUids: range(1, 120), newestPage: 50 };

describe('sync milestones from acknowledged batches', () => {
  it('newest page at the ack that brought the 50 highest UIDs, all headers at the ack that completed the folder', () => {
    const records = [
      batch({ folderPath: null, ackedAt: 1100 }), // the folder list
      batch({ upsertUids: range(71, 120), ackedAt: 1300, backfillBelowUid: 71 }),
      batch({ folderPath: 'Sent', upsertUids: [1, 2], ackedAt: 1350 }),
      batch({ upsertUids: range(21, 70), ackedAt: 1800, backfillBelowUid: 21 }),
      batch({ upsertUids: range(1, 20), ackedAt: 2500, backfillBelowUid: null }),
    ];
    assert.deepEqual(syncMilestones(records, input), { newestPageMs: 300, allHeadersMs: 1500, batches: 3, rowsUpserted: 120, duplicateRows: 0, backfillDoneMs: 1500 });
  });

  it('follows acknowledgement order, not send order, and leaves out failed calls', () => {
    const records = [
      batch({ upsertUids: range(1, 70), sentAt: 1200, ackedAt: 2000 }),
      batch({ upsertUids: range(71, 120), sentAt: 1300, ackedAt: 1400 }),
      batch({ upsertUids: range(1, 120), sentAt: 1250, ackedAt: null }),
    ];
    assert.deepEqual(acknowledged(records).map((r) => r.ackedAt), [1400, 2000]);
    const result = syncMilestones(records, input);
    assert.equal(result.newestPageMs, 400);
    assert.equal(result.allHeadersMs, 1000);
  });

  it('is not fooled by a page that misses one of the newest UIDs', () => {
    const result = syncMilestones([batch({ upsertUids: range(70, 119), ackedAt: 1300 }), batch({ upsertUids: [120], ackedAt: 1700 })], input);
    assert.equal(result.newestPageMs, 700);
    assert.equal(result.allHeadersMs, null);
  });

  it('counts rows an overlapping sync stored again, also after the folder was complete', () => {
    const records = [
      batch({ upsertUids: range(71, 120), ackedAt: 1300 }),
      batch({ upsertUids: range(1, 70), ackedAt: 1900, backfillBelowUid: null }), // the IDLE-triggered sync's backfill
      batch({ upsertUids: range(1, 70), ackedAt: 2600, backfillBelowUid: null }), // the account sync's backfill of the same UIDs
    ];
    const result = syncMilestones(records, input);
    assert.equal(result.allHeadersMs, 900);
    assert.equal(result.backfillDoneMs, 900);
    assert.equal(result.duplicateRows, 70);
    assert.equal(result.batches, 2);
  });

  it('a reset or a removal takes rows away again', () => {
    const reset = syncMilestones([batch({ upsertUids: range(1, 120), ackedAt: 1100 }), batch({ resetFolder: true, upsertUids: range(71, 120), ackedAt: 1200 })], input);
    assert.equal(reset.allHeadersMs, 100);
    const tracker = new MilestoneTracker({ ...input, serverUids: [1, 2, 3], newestPage: 2 });
    tracker.apply(batch({ upsertUids: [1, 2], ackedAt: 1100 }));
    tracker.apply(batch({ removedUids: [2], upsertUids: [3], ackedAt: 1200 }));
    assert.equal(tracker.result.newestPageMs, null);
    tracker.apply(batch({ upsertUids: [2], ackedAt: 1300 }));
    assert.equal(tracker.result.newestPageMs, 300);
    assert.equal(tracker.result.allHeadersMs, 300);
  });

  it('the incremental tracker ignores other folders and unacknowledged records', () => {
    const tracker = new MilestoneTracker(input);
    tracker.apply(batch({ folderPath: 'Archive', upsertUids: range(1, 120), ackedAt: 1100 }));
    tracker.apply(batch({ upsertUids: range(1, 120), ackedAt: null }));
    assert.equal(tracker.result.allHeadersMs, null);
    assert.equal(tracker.result.batches, 0);
  });
});

describe('resync window', () => {
  const changed = [5, 50, 95];
  const base = { folder: 'INBOX', changedAt: 5000, calledAt: 5010, resolvedAt: 5200, changedUids: changed };

  it('measures call to resolution and counts what batches sent inside it delivered', () => {
    const records = [
      batch({ upsertUids: range(1, 120), sentAt: 1000, ackedAt: 1500 }), // the full sync, long before the change
      batch({ flagChangeUids: [5, 50, 95, 7], sentAt: 5100, ackedAt: 5150 }),
      batch({ sentAt: 5160, ackedAt: 5190 }),
    ];
    assert.deepEqual(resyncWindow(records, base), { ms: 190, deliveredInWindow: 3, deliveredBefore: 0, batchesInWindow: 2 });
  });

  it('credits changes an earlier sync (sent after the change, before the call) delivered to that sync', () => {
    const records = [batch({ flagChangeUids: [5], sentAt: 5005, ackedAt: 5050 }), batch({ flagChangeUids: [5, 50], sentAt: 5060, ackedAt: 5100 })];
    assert.deepEqual(resyncWindow(records, base), { ms: 190, deliveredInWindow: 1, deliveredBefore: 1, batchesInWindow: 1 });
  });

  it('ignores batches acknowledged after the call resolved and other folders', () => {
    const records = [batch({ flagChangeUids: changed, sentAt: 5100, ackedAt: 5300 }), batch({ folderPath: 'Sent', flagChangeUids: changed, sentAt: 5100, ackedAt: 5150 })];
    assert.deepEqual(resyncWindow(records, base), { ms: 190, deliveredInWindow: 0, deliveredBefore: 0, batchesInWindow: 0 });
  });
});

describe('flags changed elsewhere', () => {
  const uids = range(1, 10_000);

  it('picks 1% (at least one), distinct, ascending, from the folder', () => {
    const picked = pickUids(uids, 0.01, 7);
    assert.equal(picked.length, 100);
    assert.equal(new Set(picked).size, 100);
    assert.deepEqual(picked, [...picked].sort((a, b) => a - b));
    assert.ok(picked.every((uid) => uid >= 1 && uid <= 10_000));
    assert.deepEqual(pickUids([3, 9], 0.01, 7).length, 1);
    assert.deepEqual(pickUids([], 0.01, 7), []);
  });

  it('the same seed picks the same messages, another seed others', () => {
    assert.deepEqual(pickUids(uids, 0.01, 42), pickUids(uids, 0.01, 42));
    assert.notDeepEqual(pickUids(uids, 0.01, 42), pickUids(uids, 0.01, 43));
  });

  it('flips \\Seen on each chosen message, and the reverse puts it back', () => {
    const plan = planSeenToggle(new Map([[9, new Set(['\\Seen', '\\Flagged'])], [3, new Set<string>()], [5, new Set(['\\Seen'])]]));
    assert.deepEqual(plan, { markSeen: [3], markUnseen: [5, 9] });
    assert.deepEqual(reverseToggle(plan), { markSeen: [5, 9], markUnseen: [3] });
  });
});

describe('memory readings', () => {
  it('peak and growth over the baseline; nothing without readings', () => {
    assert.deepEqual(peakOf([300, 420, 380], 250), { peak: 420, growth: 170 });
    assert.deepEqual(peakOf([], 250), { peak: null, growth: null });
  });

  it('the sampler reads at once and once more when stopped, skipping failed and non-numeric readings', async () => {
    const script: Array<() => number> = [() => 1, () => Number.NaN, () => {
      throw new Error('page closing');
    }];
    let calls = 0;
    // An interval no test waits for: only the first reading and the one stop() takes happen.
    const first = startSampler(() => (script[calls++] as () => number)(), 3_600_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(first.count(), 1);
    assert.deepEqual(await first.stop(), [1]);
    assert.equal(calls, 2);
    const failing = startSampler(() => (script[calls++] as () => number)(), 3_600_000);
    assert.deepEqual(await failing.stop(), []);
  });
});

describe('self-timed runs and metric rows', () => {
  it('a run that reports its own seconds is recorded with them, its metrics under metricKey', async () => {
    let n = 0;
    const contenders: NamedContender[] = [
      { name: HERON, run: async () => ({ seconds: 2 + n, metrics: { [SYNC_METRICS.newestPage]: 0.25 + n++ } }) },
      { name: 'imapflow', run: async () => undefined },
    ];
    const samples = await measureAlternating(contenders, { runs: 5, clock: () => 0n });
    assert.deepEqual(samples.get(HERON), [3, 4, 5, 6, 7]);
    assert.deepEqual(samples.get(metricKey(HERON, SYNC_METRICS.newestPage)), [1.25, 2.25, 3.25, 4.25, 5.25]);
    assert.deepEqual(samples.get('imapflow'), [0, 0, 0, 0, 0]);
  });

  it('refuses contender names with a colon (they would collide with metric keys)', async () => {
    await assert.rejects(measureAlternating([{ name: 'a:b', run: async () => undefined }], { runs: 5 }), /cannot contain/);
  });

  const target = { folder: 'INBOX', allowWrites: true } as BenchTarget;
  const definition: BenchmarkDefinition = {
    name: 'imap-envelope-fetch',
    description: 'headers',
    heron: async () => undefined,
    peers: [{ name: 'imapflow', runnable: async () => undefined }],
    ratioAgainst: 'imapflow',
    budget: { kind: 'ratio', max: 1.5 },
    heronRows: syncRows(target),
    heronMetrics: SYNC_METRIC_SPECS,
    failedChecks: () => ({ 'imap-resync-1pct-flags': ['run 2: old flags'] }),
  };
  const samples = new Map<string, number[]>([
    [HERON, [3, 3, 3, 3, 3]],
    ['imapflow', [1, 1, 1, 1, 1]],
    [metricKey(HERON, SYNC_METRICS.newestPage), [0.4, 0.5, 0.6, 0.5, 0.5]],
    [metricKey(HERON, SYNC_METRICS.rendererHeapPeak), [50e6, 60e6, 55e6, 52e6, 58e6]],
  ]);

  it('one definition gives the newest-page row, its own row with the ratio, and the resync row', () => {
    const [newest, headers, resync, ...rest] = buildResults(definition, samples, 5);
    assert.equal(rest.length, 0);
    assert.equal(newest?.name, 'imap-sync-newest-50');
    assert.equal(newest?.heron?.median, 0.5);
    assert.deepEqual(newest?.budget, { kind: 'seconds', max: 1, met: true });
    assert.equal(newest?.ratio, null);
    assert.equal(headers?.name, 'imap-envelope-fetch');
    assert.equal(headers?.ratio, 3);
    assert.deepEqual(headers?.budget, { kind: 'ratio', max: 1.5, met: false });
    assert.equal(headers?.heronMetrics?.[SYNC_METRICS.rendererHeapPeak]?.median, 55e6);
    assert.equal(headers?.heronMetrics?.[SYNC_METRICS.rendererHeapPeak]?.budget?.met, true);
    assert.equal(resync?.name, 'imap-resync-1pct-flags');
    assert.equal(resync?.heron, null);
    assert.equal(resync?.runs, 0);
    assert.match(resync?.heronNote ?? '', /not measured/);
    assert.deepEqual(resync?.budget, { kind: 'seconds', max: 0.5, met: null });
    assert.deepEqual(resync?.failedChecks, ['run 2: old flags']);
  });

  it('without Heron runs, the extra rows carry the main row’s note', () => {
    const [newest] = buildResults({ ...definition, heron: undefined, heronNote: 'skipped: Chromium not found' }, new Map([['imapflow', [1, 1, 1, 1, 1]]]), 5);
    assert.equal(newest?.heron, null);
    assert.equal(newest?.heronNote, 'skipped: Chromium not found');
  });

  it('the table shows budgets, memory notes and failed checks; the report lists failed checks', () => {
    const results = buildResults(definition, samples, 5);
    const report = buildReport({
      machine: { cpus: 2, cpuModel: 'cpu', memory: 1, node: 'v20', platform: 'linux' },
      target: { ...target, host: '127.0.0.1', port: 1, servername: 'localhost', user: 'u', password: 'p', caPem: '', caFile: '', messages: 120, lab: true, loadSeconds: 1 },
      startedAt: new Date(0),
      finishedAt: new Date(0),
      runs: 5,
      results,
    });
    const table = formatTable(report);
    assert.match(table, /imap-sync-newest-50\s+0\.500 s \(0\.400–0\.600\).*< 1 s met/);
    assert.match(table, /imap-envelope-fetch\s+3\.000 s.*3\.000 vs imapflow\s+5\s+≤ 1\.5× MISSED/);
    assert.match(table, /imap-resync-1pct-flags\s+—.*< 0\.5 s not measured/);
    assert.match(table, /renderer JS heap peak over the whole run \(initial sync included\) 55\.0 MB median \(50\.0 MB–60\.0 MB\); budget < 200\.0 MB met/);
    assert.match(table, /imap-resync-1pct-flags: FAILED CHECK: run 2: old flags/);
    assert.deepEqual(failedChecksOf(report), ['imap-resync-1pct-flags: run 2: old flags']);
  });

  it('budgets: seconds and bytes must stay below, a ratio at or below', () => {
    assert.equal(judgeBudget({ kind: 'seconds', max: 1 }, 1, null).met, false);
    assert.equal(judgeBudget({ kind: 'ratio', max: 1.5 }, 9, 1.5).met, true);
    assert.equal(judgeBudget({ kind: 'bytes', max: 200e6 }, 199e6, null).met, true);
    assert.equal(judgeBudget({ kind: 'seconds', max: 1 }, null, null).met, null);
  });

  it('a run’s progress line shows bytes as MB, counts as integers, the rest as seconds', () => {
    assert.equal(formatRunMetrics({ newestPage: 0.4321, engineRssPeakBytes: 123_456_789, duplicateRowsCount: 70 }), 'newestPage=0.432 s engineRssPeakBytes=123.5 MB duplicateRowsCount=70');
  });
});

describe('page helpers', () => {
  it('a Chromium that is not there means none (the Heron rows then say skipped)', async () => {
    assert.equal(await findChromium({ HERON_BENCH_CHROMIUM: '/nonexistent/heron-bench/chromium' }), null);
  });

  it('finds the folder button by the name the folder pane shows', () => {
    assert.match('Inbox 12 unread', folderButtonName('INBOX'));
    assert.match('Inbox', folderButtonName('INBOX'));
    assert.doesNotMatch('Inboxes', folderButtonName('INBOX'));
    assert.match('Q1 (old)', folderButtonName('Archive/Q1 (old)'));
  });

  it('describes a batch in one trace line', () => {
    assert.equal(
      describeBatch({ accountId: 'a', folderPath: 'INBOX', upsertMessages: [], flagChanges: [{ uid: 1, flags: [] }], cursor: { accountId: 'a', folderPath: 'INBOX', uidValidity: 1, uidNext: 2, highestModseq: null, backfillBelowUid: null, messageCount: 1, updatedAt: 0 } }),
      'INBOX flags=1 backfillBelow=null',
    );
  });
});

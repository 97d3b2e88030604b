// The UI's per-account status: engine events folded into state and progress, and progress in words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withEvent } from '../../src-renderer/app/use-engine';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describeProgress, SyncStatus } from '../../src-renderer/features/folders/SyncStatus';

describe('sync status', () => {
  it('keeps the latest progress while syncing and drops it when idle', () => {
    let all = withEvent({}, { type: 'account-state', accountId: 'a', state: 'syncing' });
    all = withEvent(all, { type: 'sync-progress', progress: { accountId: 'a', folderPath: 'INBOX', phase: 'backfill', fetched: 2000, total: 9500 } });
    assert.equal(all.a?.progress?.fetched, 2000);
    assert.equal(all.a?.state, 'syncing');
    all = withEvent(all, { type: 'account-state', accountId: 'a', state: 'idle' });
    assert.deepEqual(all.a, { state: 'idle' });
  });

  it('keeps an error with its data', () => {
    const all = withEvent({}, { type: 'account-state', accountId: 'b', state: 'error', error: { code: 'timeout', message: 'slow' } });
    assert.deepEqual(all.b, { state: 'error', error: { code: 'timeout', message: 'slow' } });
  });

  it('says what is happening in words', () => {
    assert.equal(describeProgress({ accountId: 'a', folderPath: 'INBOX', phase: 'backfill', fetched: 2000, total: 9500 }), 'Fetching older messages in Inbox: 2,000 of 9,500');
    assert.equal(describeProgress({ accountId: 'a', folderPath: null, phase: 'folders', fetched: 0, total: 0 }), 'Checking folders');
  });

  it('keeps its line in place, empty, while nothing syncs, so the folders below never move under a drag', () => {
    const render = (progress: Parameters<typeof SyncStatus>[0]['progress']) => renderToStaticMarkup(createElement(SyncStatus, { progress }));
    assert.equal(render(undefined), '<p class="sync-status hint" role="status"></p>');
    assert.equal(render({ accountId: 'a', folderPath: null, phase: 'idle', fetched: 0, total: 0 }), '<p class="sync-status hint" role="status"></p>');
    assert.match(render({ accountId: 'a', folderPath: 'Archive', phase: 'backfill', fetched: 2000, total: 9500 }), /Fetching older messages in Archive: 2,000 of 9,500/);
  });
});

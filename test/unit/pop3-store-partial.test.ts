// The reader's bar for a POP3 message kept in part follows the store's record of it: shown while the record says
// partial, "Download the rest" asks the engine, its error is shown, and the bar goes once the whole message is stored.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from '@playwright/test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { HeronError } from '../../shared/errors';
import type { AccountSummary, SyncBatch } from '../../shared/model';
import { PartialMessageView } from '../../src-renderer/features/reader/PartialMessageBar';
import { chromiumSkip, openComponentPage, REPOSITORY, type ComponentPage } from '../support/chromium-page';
import { downloadBatch, imapAccount, LOCAL_FOLDERS, pop3Account, record } from '../support/pop3-fixtures';

describe('the partly downloaded bar', () => {
  it('says why only the beginning is here and offers the rest, with the engine’s error when it failed', () => {
    const html = renderToStaticMarkup(createElement(PartialMessageView, { busy: false, error: new HeronError('not-found', 'The server no longer has this message.'), onDownload: () => undefined }));
    assert.match(html, /role="region" aria-label="Partly downloaded message"/);
    assert.match(html, /Only the beginning of this message was downloaded \(it is larger than your limit\)\./);
    assert.match(html, /<button type="button">Download the rest<\/button>/);
    assert.match(html, /role="alert" data-code="not-found"><p>The server no longer has this message\.<\/p>/);
    assert.match(renderToStaticMarkup(createElement(PartialMessageView, { busy: true, error: null, onDownload: () => undefined })), /<button type="button" disabled="">Downloading…<\/button>/);
  });
});

/**
 * The real bar on a real IndexedDB. The engine's downloadRest fails once (the server had a hiccup), then stores the
 * whole message with its record no longer partial, as the engine does, through applyBatch.
 */
const ENTRY_SOURCE = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { PartialMessageBar } from '${REPOSITORY}/src-renderer/features/reader/PartialMessageBar.tsx';
import { HeronDb } from '${REPOSITORY}/src-renderer/store/db.ts';
import { putAccounts } from '${REPOSITORY}/src-renderer/store/accounts.ts';
import { applyBatch } from '${REPOSITORY}/src-renderer/store/apply-batch.ts';
let reactRoot = null;
// Each account's copy of a batch made for one account.
const forAccount = (batch, accountId) => ({
  ...batch,
  accountId,
  upsertMessages: batch.upsertMessages.map((m) => ({ ...m, accountId })),
  bodies: batch.bodies.map((b) => ({ ...b, accountId })),
  popMessages: batch.popMessages.map((r) => ({ ...r, accountId })),
});
window.mount = async (accounts, folders, partial, whole, name) => {
  const db = new HeronDb(name);
  await putAccounts(db, accounts);
  for (const account of accounts) {
    await applyBatch(db, { accountId: account.id, folders: folders.map((f) => ({ ...f, accountId: account.id })) });
    await applyBatch(db, forAccount(partial, account.id));
  }
  window.calls = [];
  const engine = {
    downloadRest: async (accountId, folderPath, uid) => {
      window.calls.push([accountId, folderPath, uid]);
      if (window.calls.length === 1) throw { code: 'connection-lost', message: 'The connection to the server was lost.' };
      await applyBatch(db, forAccount(whole, accountId));
    },
  };
  if (reactRoot) reactRoot.unmount();
  reactRoot = createRoot(document.getElementById('root'));
  const bars = accounts.map((account) => createElement('section', { key: account.id, 'aria-label': account.id }, createElement(PartialMessageBar, { db, engine, account, folderPath: 'INBOX', uid: 1 })));
  reactRoot.render(createElement('main', null, ...bars));
};
`;

describe('the partly downloaded bar (in Chromium)', { skip: chromiumSkip }, () => {
  let opened: ComponentPage;
  let page: Page;
  const bar = () => page.getByRole('region', { name: 'Partly downloaded message' });

  /** Each account with message 1 of its Inbox kept in part. */
  async function mount(accounts: AccountSummary[], name: string): Promise<void> {
    const partial = downloadBatch([1], 'INBOX', { popMessages: [record(1, { partial: true })] });
    const whole = downloadBatch([1]);
    const args: [AccountSummary[], typeof LOCAL_FOLDERS, SyncBatch, SyncBatch, string] = [accounts, LOCAL_FOLDERS, partial, whole, name];
    await page.evaluate((a) => (window as unknown as { mount: (...x: typeof a) => Promise<void> }).mount(...a), args);
  }

  before(async () => {
    opened = await openComponentPage(ENTRY_SOURCE);
    page = opened.page;
  });

  after(async () => {
    await opened?.close();
  });

  it('asks the engine for the rest, shows its error, and goes once the whole message is stored', async () => {
    await mount([pop3Account()], 'partial-bar');
    await bar().waitFor();
    await bar().getByRole('button', { name: 'Download the rest' }).click();
    await bar().getByRole('alert').filter({ hasText: 'The connection to the server was lost.' }).waitFor();
    await bar().getByRole('button', { name: 'Download the rest' }).click();
    await bar().waitFor({ state: 'detached' });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { calls: unknown[] }).calls), [
      ['p1', 'INBOX', 1],
      ['p1', 'INBOX', 1],
    ]);
  });

  it('is never shown for an IMAP account, even beside a POP3 one whose bar is up', async () => {
    await mount([imapAccount('a1'), pop3Account()], 'partial-bar-imap');
    // The POP3 bar reads the store; the IMAP one reads nothing, so it has settled by the time the other shows.
    await page.getByRole('region', { name: 'p1' }).getByRole('region', { name: 'Partly downloaded message' }).waitFor();
    assert.equal(await bar().count(), 1);
  });
});

// A POP3 account's "On the server" settings: the form from the options, the options from the form (checked), only real
// changes saved, the labelled markup with its defaults explained, and, in Debian's Chromium, a save as a person makes it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from '@playwright/test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DEFAULT_POP3_OPTIONS, type AccountSummary } from '../../shared/model';
import { BYTES_PER_MB, megabytesOf, pop3Changes, pop3Form, pop3Options, SUGGESTED_DELETE_AFTER_DAYS, SUGGESTED_MAX_MB, type Pop3Form } from '../../src-renderer/features/accounts/pop3-options';
import { Pop3OptionsForm } from '../../src-renderer/features/accounts/Pop3ServerOptions';
import { chromiumSkip, openComponentPage, REPOSITORY, type ComponentPage } from '../support/chromium-page';
import { pop3Account } from '../support/pop3-fixtures';

const account = pop3Account();
const defaults = pop3Form(DEFAULT_POP3_OPTIONS);

describe('the "On the server" form', () => {
  it('starts from the defaults, leaving mail on the server, with suggested figures in the unticked fields', () => {
    assert.deepEqual(defaults, {
      leaveOnServer: true,
      deleteAfter: false,
      deleteAfterDays: String(SUGGESTED_DELETE_AFTER_DAYS),
      deleteWhenDeletedLocally: false,
      limitSize: false,
      maxMegabytes: String(SUGGESTED_MAX_MB),
    });
    assert.deepEqual(pop3Form(null), defaults, 'an account saved before it had options shows the defaults');
  });

  it('shows saved figures, the size in MB', () => {
    const form = pop3Form({ leaveOnServer: true, deleteAfterDays: 30, deleteWhenDeletedLocally: true, maxMessageBytes: 5 * BYTES_PER_MB });
    assert.deepEqual([form.deleteAfter, form.deleteAfterDays, form.deleteWhenDeletedLocally, form.limitSize, form.maxMegabytes], [true, '30', true, true, '5']);
    assert.equal(megabytesOf(2_500_000), '2.4');
  });

  it('turns ticked options into figures and unticked ones into none', () => {
    const form: Pop3Form = { ...defaults, deleteAfter: true, deleteAfterDays: ' 7 ', limitSize: true, maxMegabytes: '0.5' };
    assert.deepEqual(pop3Options(form), { options: { leaveOnServer: true, deleteAfterDays: 7, deleteWhenDeletedLocally: false, maxMessageBytes: BYTES_PER_MB / 2 } });
    assert.deepEqual(pop3Options({ ...defaults, deleteAfterDays: 'soon', maxMegabytes: '' }), { options: DEFAULT_POP3_OPTIONS }, 'unticked fields are not read');
  });

  it('refuses days and sizes that cannot be, naming the field', () => {
    for (const days of ['0', '-3', '1.5', '', '36501']) assert.equal((pop3Options({ ...defaults, deleteAfter: true, deleteAfterDays: days }) as { field?: string }).field, 'days', days);
    for (const size of ['0', '-1', 'big', '', '1001', '0.0000001']) assert.equal((pop3Options({ ...defaults, limitSize: true, maxMegabytes: size }) as { field?: string }).field, 'size', size);
  });

  it('asks the engine for a change only when the options differ', () => {
    assert.deepEqual(pop3Changes(account, defaults), { changes: {} });
    assert.deepEqual(pop3Changes({ ...account, pop3: null }, defaults), { changes: {} });
    assert.deepEqual(pop3Changes(account, { ...defaults, leaveOnServer: false }), { changes: { pop3: { ...DEFAULT_POP3_OPTIONS, leaveOnServer: false } } });
    // 5,000,000 bytes shows as 4.8 MB; saving the form untouched keeps the engine's figure.
    const odd: AccountSummary = { ...account, pop3: { ...DEFAULT_POP3_OPTIONS, maxMessageBytes: 5_000_000 } };
    assert.deepEqual(pop3Changes(odd, pop3Form(odd.pop3)), { changes: {} });
  });
});

describe('the "On the server" markup', () => {
  const render = (form: Pop3Form, invalid: 'days' | 'size' | null = null) =>
    renderToStaticMarkup(createElement(Pop3OptionsForm, { form, onChange: () => undefined, onSubmit: () => undefined, busy: false, saved: false, error: null, invalid }));

  it('is a labelled group of the four options, each explained, the default said with its reason', () => {
    const html = render(defaults);
    assert.match(html, /<form aria-labelledby="([^"]+)"[^>]*><h3 id="\1">On the server<\/h3>/);
    assert.match(html, /<label for="([^"]+)">Leave messages on the server<\/label>/);
    assert.match(html, /On by default: the server stays a second copy of your mail/);
    assert.match(html, /Delete them from the server after <input type="number"[^>]*aria-label="Days"[^>]*value="14"[^>]*\/> days<\/label>/);
    assert.match(html, /<label for="([^"]+)">Delete from the server when I delete them for good in Heron<\/label>/);
    assert.match(html, /Download messages larger than <input type="number"[^>]*aria-label="MB"[^>]*\/> MB only in part<\/label>/);
    assert.equal((html.match(/<p class="hint" id=/g) ?? []).length, 4, 'one line of explanation per option');
    assert.match(html, /<button type="submit">Save server options<\/button>/);
  });

  it('disables what only applies while mail stays on the server, and marks the field an error is about', () => {
    const off = render({ ...defaults, leaveOnServer: false, deleteAfter: true });
    assert.equal((off.match(/disabled=""/g) ?? []).length, 4, 'the days box, its field, the delete-in-Heron box, and the unticked size field');
    assert.match(render({ ...defaults, limitSize: true }, 'size'), /aria-label="MB"[^>]*aria-invalid="true"/);
  });
});

/** The real group on a page, with an engine that records updateAccount and answers as the engine would. */
const ENTRY_SOURCE = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { Pop3ServerOptions } from '${REPOSITORY}/src-renderer/features/accounts/Pop3ServerOptions.tsx';
let reactRoot = null;
window.mount = (account) => {
  window.calls = [];
  const engine = {
    updateAccount: async (id, changes) => {
      window.calls.push({ id, changes });
      return { ...account, ...changes };
    },
  };
  if (reactRoot) reactRoot.unmount();
  reactRoot = createRoot(document.getElementById('root'));
  reactRoot.render(createElement(Pop3ServerOptions, { engine, account }));
};
`;

describe('saving the "On the server" options (in Chromium)', { skip: chromiumSkip }, () => {
  let opened: ComponentPage;
  let page: Page;
  const calls = () => page.evaluate(() => (window as unknown as { calls: unknown[] }).calls);

  before(async () => {
    opened = await openComponentPage(ENTRY_SOURCE);
    page = opened.page;
  });

  after(async () => {
    await opened?.close();
  });

  it('reads each option by its sentence, refuses a bad figure, and saves through updateAccount with { pop3 }', async () => {
    await page.evaluate((a) => (window as unknown as { mount: (a: AccountSummary) => void }).mount(a), account);
    await page.getByRole('checkbox', { name: 'Delete them from the server after 14 days' }).check();
    await page.getByRole('spinbutton', { name: 'Days' }).fill('30');
    // The checkbox is read with the figure now in its sentence.
    const days = page.getByRole('checkbox', { name: 'Delete them from the server after 30 days' });
    await page.getByRole('checkbox', { name: /^Download messages larger than 10 MB only in part$/ }).check();
    await page.getByRole('spinbutton', { name: 'MB' }).fill('0');
    await page.getByRole('button', { name: 'Save server options' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a size in MB above 0' }).waitFor();
    assert.deepEqual(await calls(), []);

    await page.getByRole('spinbutton', { name: 'MB' }).fill('2');
    await page.getByRole('checkbox', { name: 'Leave messages on the server' }).uncheck();
    assert.equal(await days.isDisabled(), true, 'a days limit means nothing when nothing stays on the server');
    await page.getByRole('button', { name: 'Save server options' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.deepEqual(await calls(), [{ id: account.id, changes: { pop3: { leaveOnServer: false, deleteAfterDays: 30, deleteWhenDeletedLocally: false, maxMessageBytes: 2 * BYTES_PER_MB } } }]);
  });
});

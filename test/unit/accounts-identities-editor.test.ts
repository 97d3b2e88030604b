// The account settings' "Sending" part: which identities it refuses to save, its labelled markup, and, in Debian's
// Chromium with a real IndexedDB, adding, checking, saving and removing addresses as a person does.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { build, type Rolldown } from 'vite';
import type { AccountSummary } from '../../shared/model';
import { IdentitiesForm, identityProblems } from '../../src-renderer/features/accounts/IdentitiesEditor';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;

const account: AccountSummary = {
  id: 'a1',
  name: 'Ann Lee',
  email: 'ann@example.test',
  incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' },
  outgoing: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'ann' },
  pinnedFingerprint256: null,
  passwordStorage: 'plain-file',
  keepBodiesDays: 30,
  pop3: null,
  createdAt: 1,
};
const OWN = { name: 'Ann Lee', address: 'ann@example.test', signature: '' };

describe('identity problems', () => {
  it('accept the account’s own identity and distinct valid addresses', () => {
    assert.deepEqual(identityProblems([OWN, { name: 'W', address: ' ann@work.example ', signature: '' }]), [null, null]);
  });

  it('name an empty, a malformed and a repeated address (compared without case)', () => {
    assert.deepEqual(
      identityProblems([OWN, { name: '', address: ' ', signature: '' }, { name: '', address: 'ann at work', signature: '' }, { name: '', address: 'ANN@example.test', signature: '' }, { name: '', address: 'b@x.example', signature: '' }, { name: '', address: 'B@X.example', signature: '' }]),
      [null, 'Type the address, or remove this one.', '"ann at work" is not an email address.', 'This address is already listed.', null, 'This address is already listed.'],
    );
  });
});

describe('identities form markup', () => {
  it('is a labelled group of fieldsets, the account’s own name and address read-only, with no problem shown before a save', () => {
    const html = renderToStaticMarkup(createElement(IdentitiesForm, { account, initial: [{ ...OWN, signature: 'Ann' }, { name: 'Work', address: 'ann@work.example', signature: '' }], onSave: async () => undefined }));
    assert.match(html, /role="group" aria-label="Identities and signatures"/);
    assert.equal((html.match(/<label for="[^"]+">Name<\/label>/g) ?? []).length, 2);
    assert.equal((html.match(/<label for="[^"]+">Address<\/label>/g) ?? []).length, 2);
    assert.equal((html.match(/<label for="[^"]+">Signature<\/label>/g) ?? []).length, 2);
    assert.equal((html.match(/readOnly=""/g) ?? []).length, 2, 'the own name and address');
    assert.match(html, /<legend>ann@work\.example<\/legend>/);
    assert.match(html, /aria-label="Remove ann@work\.example"/);
    assert.match(html, />Add an address<\/button>/);
    assert.match(html, /<button type="submit">Save identities<\/button>/);
    assert.doesNotMatch(html, /aria-invalid/);
  });
});

const ENTRY = 'virtual:identities-editor-test-entry';
const root = path.resolve(import.meta.dirname, '../..');

/** Mounts the real editor on a real IndexedDB (a page with an http origin has one), and exposes the store for checks. */
const ENTRY_SOURCE = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { IdentitiesEditor } from '${root}/src-renderer/features/accounts/IdentitiesEditor.tsx';
import { HeronDb } from '${root}/src-renderer/store/db.ts';
let reactRoot = null;
window.mount = (account, name) => {
  const db = new HeronDb(name);
  window.stored = (key) => db.settings.get(key).then((row) => (row ? row.value : null));
  if (reactRoot) reactRoot.unmount();
  reactRoot = createRoot(document.getElementById('root'));
  reactRoot.render(createElement(IdentitiesEditor, { db, account }));
};
`;

let browser: Browser;
let page: Page;
let server: http.Server;
let origin = '';

function stored(): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { stored: (key: string) => Promise<unknown> }).stored('compose.identities.a1'));
}

function mount(name: string): Promise<void> {
  return page.evaluate(([a, n]) => (window as unknown as { mount: (a: AccountSummary, n: string) => void }).mount(a, n), [account, name] as const);
}

describe('identities editor (in Chromium)', { skip }, () => {
  before(async () => {
    const output = (await build({
      configFile: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"development"' },
      plugins: [react(), { name: 'test-entry', resolveId: (id) => (id.endsWith('test-entry') ? ENTRY : null), load: (id) => (id === ENTRY ? ENTRY_SOURCE : null) }],
      build: { write: false, minify: false, lib: { entry: 'test-entry', formats: ['iife'], name: 'HeronIdentitiesTest' } },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const chunk = (Array.isArray(output) ? output : [output])[0]?.output[0];
    assert.ok(chunk && chunk.type === 'chunk');
    const code = chunk.code;
    server = http.createServer((request, response) => {
      if (request.url === '/bundle.js') response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(code);
      else response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><div id="root"></div><script src="/bundle.js"></script></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.goto(`${origin}/`);
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('saves a signature and a checked second address to the settings table, and shows them again when reopened', async () => {
    await mount('identities-save');
    const group = page.getByRole('group', { name: 'Identities and signatures' });
    await group.getByLabel('Signature', { exact: true }).first().fill('Ann\nExample Ltd');
    await page.getByRole('button', { name: 'Add an address' }).click();
    const address = group.getByLabel('Address', { exact: true }).nth(1);
    assert.ok(await address.evaluate((field) => field === document.activeElement), 'the new address field has the focus');

    await address.fill('ann at work');
    await page.getByRole('button', { name: 'Save identities' }).click();
    assert.equal(await address.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByText('"ann at work" is not an email address.').count(), 1);
    assert.equal(await stored(), null, 'nothing is saved while an address is wrong');

    await address.fill('ann@work.example ');
    await group.getByLabel('Name', { exact: true }).nth(1).fill('Ann at work');
    await page.getByRole('button', { name: 'Save identities' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal(await address.getAttribute('aria-invalid'), null);
    assert.deepEqual(await stored(), [
      { name: 'Ann Lee', address: 'ann@example.test', signature: 'Ann\nExample Ltd' },
      { name: 'Ann at work', address: 'ann@work.example', signature: '' },
    ]);

    await mount('identities-save');
    await page.getByRole('group', { name: 'ann@work.example' }).waitFor();
    assert.equal(await page.getByLabel('Signature', { exact: true }).first().inputValue(), 'Ann\nExample Ltd');
  });

  it('removes an address, keeps the focus in the form, and saves the list without it', async () => {
    await mount('identities-remove');
    await page.getByRole('button', { name: 'Add an address' }).click();
    await page.getByLabel('Address', { exact: true }).nth(1).fill('ann@club.example');
    await page.getByRole('button', { name: 'Save identities' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    await page.getByRole('button', { name: 'Remove ann@club.example' }).click();
    assert.equal(await page.getByRole('button', { name: 'Add an address' }).evaluate((button) => button === document.activeElement), true);
    await page.getByRole('button', { name: 'Save identities' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.deepEqual(await stored(), [{ name: 'Ann Lee', address: 'ann@example.test', signature: '' }]);
  });
});

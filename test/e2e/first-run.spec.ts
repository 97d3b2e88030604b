// Browser mode's front door: `npm run web` serves the app only with its token and shows the first-run screen.

import { expect, test } from '@playwright/test';
import { freePort, newDataDir, removeDataDir, startHeronWeb, type HeronWeb } from './heron-web';

let heron: HeronWeb;

test.beforeAll(async () => {
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir(), command: 'npm' });
});

test.afterAll(async () => {
  await heron.stop();
  await removeDataDir(heron.dataDir);
});

test('prints exactly one ready line with the address and token', () => {
  expect(heron.output().match(/^Heron is running at /gm)).toHaveLength(1);
});

test('refuses the page without the token', async ({ page }) => {
  const response = await page.goto(`http://127.0.0.1:${heron.port}/`);
  expect(response?.status()).toBe(403);
  await expect(page.getByText(/Forbidden/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Welcome to Heron' })).toHaveCount(0);
});

test('shows the first-run Add account screen with the token', async ({ page }) => {
  await page.goto(heron.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Heron' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Add account' });
  await expect(form).toBeVisible();
  await expect(form.getByRole('button', { name: 'Find settings' })).toBeVisible();
  await expect(form.getByLabel('Remember the password on this computer')).not.toBeChecked();
  await expect(form.getByText(/not encrypted/)).toBeVisible();
  await form.getByLabel('Email address').fill('ann@example.test');
  await form.getByLabel('Password', { exact: true }).fill('pw');
  await form.getByRole('button', { name: 'Configure manually' }).click();
  await expect(form.getByLabel('Protocol')).toHaveValue('imap');
  await expect(form.getByLabel('Incoming port')).toHaveValue('993');
  await form.getByLabel('Incoming security').selectOption('starttls');
  await expect(form.getByLabel('Incoming port')).toHaveValue('143');
});

test('warns before an unencrypted setting can be used', async ({ page }) => {
  await page.goto(heron.url);
  const form = page.getByRole('form', { name: 'Add account' });
  await form.getByLabel('Email address').fill('ann@example.test');
  await form.getByLabel('Password', { exact: true }).fill('pw');
  await form.getByRole('button', { name: 'Configure manually' }).click();
  await form.getByLabel('Incoming security').selectOption('none');
  await expect(form.getByRole('alert')).toContainText('your password and your mail would be sent in plain text');
  await expect(form.getByRole('button', { name: 'Check connection' })).toBeDisabled();
  await form.getByLabel('I understand my password and mail will be sent unencrypted').check();
  await expect(form.getByRole('button', { name: 'Check connection' })).toBeEnabled();
});

test('a second tab is told that Heron is open elsewhere', async ({ page, context }) => {
  await page.goto(heron.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Heron' })).toBeVisible();
  const second = await context.newPage();
  await second.goto(heron.url);
  await expect(second.getByRole('heading', { name: 'Heron is open in another tab' })).toBeVisible();
});

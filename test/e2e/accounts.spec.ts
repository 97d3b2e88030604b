// Adding an account in the first-run form against the lab, confirming its self-signed certificate, and finding it
// again after browser mode restarts.

import { expect, test, type Page } from '@playwright/test';
import { startLab, type Lab } from '../lab/lab';
import { labUser, submitAccountForm, trustCertificate } from './lab-account';
import { freePort, newDataDir, removeDataDir, startHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;

test.beforeAll(async () => {
  lab = await startLab();
});

test.afterAll(async () => {
  await lab?.stop();
});

const alice = () => labUser(lab);

async function addAliceAccount(page: Page, remember: boolean): Promise<void> {
  await submitAccountForm(page, lab, { remember });
  const form = page.getByRole('form', { name: 'Add account' });

  // The lab's certificate is self-signed: Heron stops and shows it before trusting anything.
  await expect(form.getByRole('alert')).toContainText("certificate is not trusted");
  const certificate = page.getByLabel('Untrusted certificate');
  await expect(certificate.getByText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)).toBeVisible();
  await trustCertificate(page);
}

async function expectFolders(page: Page): Promise<void> {
  const folders = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('list', { name: 'Folders' }).first();
  await expect(folders.getByRole('button', { name: /^Inbox/ })).toBeVisible();
  await expect(folders.getByRole('button', { name: /^Sent/ })).toBeVisible();
}

test('an account added in the form syncs its folders and is still there after a restart', async ({ page }) => {
  const port = await freePort();
  const dataDir = await newDataDir();
  let heron: HeronWeb | null = await startHeronWeb({ port, dataDir });
  try {
    await page.goto(heron.url);
    await addAliceAccount(page, true);
    await expectFolders(page);
    await expect(page.getByRole('heading', { name: 'Alice Liddell' })).toBeVisible();

    await heron.stop();
    heron = await startHeronWeb({ port, dataDir });
    await page.goto(heron.url);
    await expect(page.getByRole('heading', { name: 'Alice Liddell' })).toBeVisible();
    await expectFolders(page);
    await expect(page.getByLabel(`Password for ${alice().email}`)).toHaveCount(0);
  } finally {
    await heron?.stop();
    await removeDataDir(dataDir);
  }
});

test('a password that was not remembered is asked for again after a restart', async ({ page }) => {
  const port = await freePort();
  const dataDir = await newDataDir();
  let heron: HeronWeb | null = await startHeronWeb({ port, dataDir });
  try {
    await page.goto(heron.url);
    await addAliceAccount(page, false);
    await expectFolders(page);

    await heron.stop();
    heron = await startHeronWeb({ port, dataDir });
    await page.goto(heron.url);
    const unlock = page.getByRole('form', { name: `Password for ${alice().email}` });
    await expect(unlock).toBeVisible();
    await unlock.getByLabel(`Password for ${alice().email}`).fill(alice().password);
    await unlock.getByRole('button', { name: 'Connect' }).click();
    await expect(unlock).toHaveCount(0);
    await expectFolders(page);
  } finally {
    await heron?.stop();
    await removeDataDir(dataDir);
  }
});

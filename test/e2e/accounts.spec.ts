// Adding an account in the first-run form against the lab, confirming its self-signed certificate, and finding it
// again after browser mode restarts; then the account settings, and the way from a refused password to the new one.

import { expect, test, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startLab, type Lab } from '../lab/lab';
import { addLabAccount, labUser, submitAccountForm, trustCertificate } from './lab-account';
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

/** The account's part of the folder pane, and its settings dialog. */
const accountPane = (page: Page) => page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: alice().email });
const settingsDialog = (page: Page) => page.getByRole('dialog', { name: `Account settings for ${alice().email}` });

/** Puts a message in alice's INBOX on the server, logging in as the lab knows her now. */
async function appendToInbox(subject: string): Promise<void> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: 'alice', pass: alice().password }, tls: { ca: [lab.caPem], servername: lab.servername }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const message = `From: Bob <bob@maillab.test>\r\nTo: ${alice().email}\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${Date.now()}@maillab.test>\r\n\r\nHello.\r\n`;
    await client.append('INBOX', Buffer.from(message));
  } finally {
    await client.logout();
  }
}

test('a password changed on the server leads from the error to the password field, and the new one syncs again', async ({ page }) => {
  const port = await freePort();
  const dataDir = await newDataDir();
  const oldPassword = alice().password;
  let heron: HeronWeb | null = await startHeronWeb({ port, dataDir });
  try {
    await page.goto(heron.url);
    await addAliceAccount(page, true);
    await expectFolders(page);

    // The provider's side: a new password, and a message Heron can only fetch by logging in with it.
    await lab.setPassword('alice', 'alice-new-pw-lab');
    await appendToInbox('Written after the password change');
    await heron.stop();
    heron = await startHeronWeb({ port, dataDir });
    await page.goto(heron.url);

    const pane = accountPane(page);
    await expect(pane.getByRole('alert')).toContainText('did not accept the username or password');
    await pane.getByRole('button', { name: 'Change password' }).click();
    const dialog = settingsDialog(page);
    await expect(dialog.getByLabel('New password')).toBeFocused();
    await expect(dialog.getByText('did not accept the saved password')).toBeVisible();

    // The server refuses the old one, and the dialog says so in the vocabulary's words.
    await dialog.getByLabel('New password').fill(oldPassword);
    await dialog.getByRole('button', { name: 'Save password' }).click();
    await expect(dialog.getByRole('alert')).toContainText('did not accept the username or password');

    await dialog.getByLabel('New password').fill(alice().password);
    await dialog.getByRole('button', { name: 'Save password' }).click();
    await expect(dialog.getByText('Password saved')).toBeVisible();
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await expect(pane.locator('[role="alert"]')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    // The button that opened the dialog went with the error: focus is back on the account's settings button.
    await expect(pane.getByRole('button', { name: 'Account settings' })).toBeFocused();
    await expect(pane.getByRole('button', { name: 'Change password' })).toHaveCount(0);
    await expect(page.getByRole('listbox', { name: 'Messages in Inbox' }).getByRole('option', { name: /Written after the password change/ })).toBeVisible();
  } finally {
    await lab.setPassword('alice', oldPassword);
    await heron?.stop();
    await removeDataDir(dataDir);
  }
});

test('account settings rename the account, keep the chosen days offline, close with Escape, and remove it only when confirmed', async ({ page }) => {
  const dataDir = await newDataDir();
  const heron = await startHeronWeb({ port: await freePort(), dataDir });
  try {
    await page.goto(heron.url);
    await addLabAccount(page, lab);
    await expectFolders(page);

    const settingsButton = accountPane(page).getByRole('button', { name: 'Account settings' });
    await settingsButton.click();
    const dialog = settingsDialog(page);
    await expect(dialog.getByLabel('Display name')).toBeFocused();
    await expect(dialog.getByLabel('Days of mail to keep offline')).toHaveValue('30');
    await expect(dialog.getByText(`IMAP, ${lab.host} port ${lab.ports.imaps}, SSL/TLS, user alice`)).toBeVisible();
    await dialog.getByLabel('Display name').fill('Alice at the lab');
    await dialog.getByLabel('Days of mail to keep offline').fill('7');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await expect(dialog.getByText('Saved.')).toBeVisible();

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(settingsButton).toBeFocused();
    await expect(page.getByRole('heading', { name: 'Alice at the lab' })).toBeVisible();

    // What the engine saved comes back in the reopened dialog.
    await settingsButton.click();
    await expect(dialog.getByLabel('Display name')).toHaveValue('Alice at the lab');
    await expect(dialog.getByLabel('Days of mail to keep offline')).toHaveValue('7');

    const confirm = dialog.getByRole('group', { name: 'Confirm removing the account' });
    await dialog.getByRole('button', { name: 'Remove account' }).click();
    await expect(confirm).toContainText('Nothing is deleted on the server');
    await confirm.getByRole('button', { name: 'Keep the account' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Alice at the lab' })).toHaveCount(1);

    await dialog.getByRole('button', { name: 'Remove account' }).click();
    await confirm.getByRole('button', { name: 'Remove from Heron' }).click();
    await expect(page.getByRole('heading', { name: 'Welcome to Heron' })).toBeVisible();
  } finally {
    await heron.stop();
    await removeDataDir(dataDir);
  }
});

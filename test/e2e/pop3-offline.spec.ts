// A POP3 account in the real window: mail downloads over POP3S, then with the lab's servers stopped it still opens,
// search finds words in its bodies, it moves into a folder the person made, and the window says it is offline.

import { expect, test, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startLab, type Lab } from '../lab/lab';
import { fillAccountStep, labUser, setupWizard, trustCertificate } from './lab-account';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;
let heron: HeronWeb | null = null;

/** The first download goes through the engine's POP3 session and the store's strict commits. */
const SERVER_TIMEOUT = 30_000;

const MESSAGES = [
  { subject: 'Heliotrope seeds', body: 'The heliotrope seeds arrived; plant them after the frost.' },
  { subject: 'Ferry timetable', body: 'The winter timetable starts on Monday; the first ferry leaves at 06:40.' },
  { subject: 'Library card', body: 'Your library card was renewed until next spring.' },
];

test.beforeAll(async () => {
  lab = await startLab();
  await lab.resetUser('alice');
  const alice = labUser(lab);
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: alice.name, pass: alice.password }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const [n, m] of MESSAGES.entries()) {
      const raw = [`From: Bob <bob@maillab.test>`, `To: Alice <${alice.email}>`, `Subject: ${m.subject}`, `Date: ${new Date(Date.UTC(2026, 10, 20 + n, 9)).toUTCString()}`, `Message-ID: <pop3-offline-${n}@maillab.test>`, '', m.body, ''].join('\r\n');
      await client.append('INBOX', Buffer.from(raw, 'utf8'));
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
});

test.afterAll(async () => {
  await lab?.stop();
});

test.afterEach(async ({ page: _page }, info) => {
  await stopHeronWeb(heron, info.status !== info.expectedStatus);
  heron = null;
});

async function addPop3Account(page: Page): Promise<void> {
  const wizard = setupWizard(page);
  await fillAccountStep(page, labUser(lab));
  await wizard.getByRole('button', { name: 'Configure manually' }).click();
  await wizard.getByLabel('Protocol').selectOption('pop3');
  await wizard.getByLabel('Incoming security').selectOption('tls');
  await wizard.getByLabel('Incoming server').fill(lab.host);
  await wizard.getByLabel('Incoming port').fill(String(lab.ports.pop3s));
  await wizard.getByLabel('Username', { exact: true }).fill(labUser(lab).name);
  await wizard.getByRole('button', { name: 'Check connection' }).click();
  await trustCertificate(page);
}

test('POP3 mail stays readable, searchable and movable with the servers stopped, and the window says it is offline', async ({ page }) => {
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  await page.goto(heron.url);
  await addPop3Account(page);
  const inbox = page.getByRole('listbox', { name: 'Messages in Inbox' });
  for (const m of MESSAGES) await expect(inbox.getByRole('option').filter({ hasText: m.subject })).toHaveCount(1, { timeout: SERVER_TIMEOUT });

  // A folder of the person's own, made while the servers still run (it is local either way).
  const pane = page.getByRole('navigation', { name: 'Accounts and folders' });
  await pane.getByRole('button', { name: 'New folder' }).click();
  await pane.getByLabel('Folder name').fill('Garden');
  await pane.getByLabel('Folder name').press('Enter');
  await expect(pane.getByRole('button', { name: /^Garden\b/ })).toBeVisible();

  await lab.stop();
  // Asking for new mail now fails: the window says it is offline and what happens when the server is back.
  await pane.getByRole('button', { name: /^Inbox\b/ }).first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Offline.' })).toContainText('Mail already on this computer opens', { timeout: SERVER_TIMEOUT });

  await inbox.getByRole('option').filter({ hasText: 'Ferry timetable' }).click();
  await expect(page.getByRole('article', { name: 'Ferry timetable' }).frameLocator('iframe').getByText('the first ferry leaves at 06:40')).toBeVisible();

  const search = page.getByRole('searchbox', { name: 'Search mail' });
  await search.fill('heliotrope');
  const results = page.getByRole('region', { name: 'Search results' });
  await expect(results.getByRole('option', { name: 'Bob: Heliotrope seeds' })).toBeVisible();
  await search.fill('');

  await inbox.getByRole('option').filter({ hasText: 'Heliotrope seeds' }).click();
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Move to…' }).click();
  await page.getByRole('menu', { name: 'Move to folder' }).getByRole('menuitem', { name: 'Garden', exact: true }).click();
  await expect(inbox.getByRole('option').filter({ hasText: 'Heliotrope seeds' })).toHaveCount(0);
  await pane.getByRole('button', { name: /^Garden\b/ }).click();
  const garden = page.getByRole('listbox', { name: 'Messages in Garden' });
  await garden.getByRole('option').filter({ hasText: 'Heliotrope seeds' }).click();
  await expect(page.getByRole('article', { name: 'Heliotrope seeds' }).frameLocator('iframe').getByText('plant them after the frost')).toBeVisible();
});

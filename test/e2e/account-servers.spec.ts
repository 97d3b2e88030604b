// Account settings against the lab: changing the incoming server from the IMAPS port to the STARTTLS port (a wrong port
// refused first, with the doctor; nothing unencrypted before it is confirmed) while the account keeps syncing; and the
// sending domain's SPF, DMARC and DKIM as advice, read from a private DNS server.

import { expect, test, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startDns, type LabDns } from '../lab/dns';
import { startLab, type Lab } from '../lab/lab';
import { addLabAccount, labUser } from './lab-account';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;
let heron: HeronWeb | null = null;

test.beforeAll(async () => {
  lab = await startLab();
});

test.afterAll(async () => {
  await lab?.stop();
});

test.beforeEach(async ({ page }) => {
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  await page.goto(heron.url);
});

test.afterEach(async ({ page: _page }, info) => {
  await stopHeronWeb(heron, info.status !== info.expectedStatus);
  heron = null;
});

const alice = () => labUser(lab);
const accountPane = (page: Page) => page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: alice().email });
const settingsDialog = (page: Page) => page.getByRole('dialog', { name: `Account settings for ${alice().email}` });

/** Alice's account added through the wizard (IMAPS, the lab's certificate trusted), its Inbox listed, and its settings open. */
async function openSettings(page: Page) {
  await addLabAccount(page, lab);
  await expect(accountPane(page).getByRole('button', { name: /^Inbox/ })).toBeVisible();
  await accountPane(page).getByRole('button', { name: 'Account settings' }).click();
  return settingsDialog(page);
}

/** Puts a message in alice's INBOX on the server, as someone writing to her would. */
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

test('changes the incoming server from the IMAPS port to the STARTTLS port, and the account keeps syncing', async ({ page }) => {
  const dialog = await openSettings(page);
  const servers = dialog.getByRole('region', { name: 'Servers' });
  await expect(servers.getByText(`IMAP, ${lab.host} port ${lab.ports.imaps}, SSL/TLS, user alice`)).toBeVisible();
  await expect(dialog.getByText('until then')).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Change servers…' }).click();
  const form = dialog.getByRole('form', { name: 'Change servers' });
  await expect(form.getByLabel('Incoming server')).toHaveValue(lab.host);
  await expect(form.getByLabel('Incoming port')).toHaveValue(String(lab.ports.imaps));
  await expect(form.getByLabel('Protocol')).toBeDisabled();
  await expect(form.getByText('This account uses IMAP. To use POP3 instead, add the account again.')).toBeVisible();

  // A port nothing listens on: refused, nothing saved, and the doctor is at hand.
  await form.getByLabel('Incoming port').fill(String(await freePort()));
  await form.getByRole('button', { name: 'Save servers' }).click();
  await expect(form.getByRole('alert')).toContainText('refused the connection');
  await form.getByRole('button', { name: 'Run connection doctor for the new incoming server' }).click();
  await expect(form.getByRole('region', { name: 'Connection doctor for the new incoming server' }).getByRole('list', { name: 'Doctor steps' })).toContainText('Failed');
  await expect(servers.getByText(`IMAP, ${lab.host} port ${lab.ports.imaps}, SSL/TLS, user alice`)).toBeVisible();

  // No encryption: the warning names what is exposed, and nothing can be saved (or sent) until it is confirmed.
  await form.getByLabel('Incoming port').fill(String(lab.ports.imap));
  await form.getByLabel('Incoming security').selectOption('none');
  const warning = form.getByRole('alert');
  await expect(warning).toContainText(`Not encrypted: your password and your mail would be sent in plain text to the incoming server (IMAP, ${lab.host} port ${lab.ports.imap})`);
  await expect(form.getByRole('button', { name: 'Save servers' })).toBeDisabled();
  await warning.getByLabel('I understand my password and mail will be sent unencrypted').check();
  await expect(form.getByRole('button', { name: 'Save servers' })).toBeEnabled();

  // STARTTLS on the same host: the trusted certificate stays, so the check passes at once.
  await form.getByLabel('Incoming security').selectOption('starttls');
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(form.getByLabel('Incoming port')).toHaveValue(String(lab.ports.imap));
  await form.getByRole('button', { name: 'Save servers' }).click();
  await expect(dialog.getByText('Servers saved. Heron is syncing with them.')).toBeVisible();
  await expect(form).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Change servers…' })).toBeFocused();
  await expect(servers.getByText(`IMAP, ${lab.host} port ${lab.ports.imap}, STARTTLS, user alice`)).toBeVisible();
  await expect(servers.getByText('Unencrypted', { exact: true })).toHaveCount(0);

  // New mail reaches the list through the new connection.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await appendToInbox('Arrived after the server change');
  await expect(page.getByRole('listbox', { name: 'Messages in Inbox' }).getByRole('option', { name: /Arrived after the server change/ })).toBeVisible({ timeout: 60_000 });
  await expect(accountPane(page).getByRole('alert')).toHaveCount(0);
});

test.describe('with the sending domain published in a private DNS', () => {
  let dns: LabDns;

  // Runs before the outer beforeEach starts Heron, which passes its environment on: domain health asks this server.
  test.beforeAll(async () => {
    dns = await startDns({
      txt: [
        { name: 'maillab.test', text: 'v=spf1 ip4:127.0.0.1 include:relay.maillab.test ~all' },
        { name: 'relay.maillab.test', text: 'v=spf1 ip4:192.0.2.0/24 -all' },
        { name: '_dmarc.maillab.test', text: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@maillab.test' },
        { name: 'lab2026._domainkey.maillab.test', text: ['v=DKIM1; k=rsa; ', 'p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu2cXvdU4Yq0Jg8Jr0N8tQIDAQAB'] },
      ],
    });
    process.env.HERON_DISCOVERY_DNS = dns.server;
  });

  test.afterAll(async () => {
    delete process.env.HERON_DISCOVERY_DNS;
    await dns?.stop();
  });

  test('"Check sending domain" shows SPF, DMARC and DKIM with advice, and blocks nothing', async ({ page }) => {
    const dialog = await openSettings(page);
    const domain = dialog.getByRole('form', { name: 'Sending domain' });
    await expect(domain).toContainText('never stops you from sending');
    await domain.getByLabel('DKIM selector (optional)').fill('lab2026');
    await domain.getByRole('button', { name: 'Check sending domain' }).click();

    const report = domain.getByRole('region', { name: 'Sending domain health of maillab.test' });
    const spf = report.getByRole('group', { name: 'SPF' });
    await expect(spf.getByRole('heading')).toHaveText('SPF: Published and valid');
    await expect(spf).toContainText('v=spf1 ip4:127.0.0.1 include:relay.maillab.test ~all');
    await expect(spf).toContainText('1 of at most 10');
    await expect(spf).toContainText('~all (soft fail): mail from servers the record does not list is marked as suspicious, not rejected');
    const dmarc = report.getByRole('group', { name: 'DMARC' });
    await expect(dmarc.getByRole('heading')).toHaveText('DMARC: p=quarantine: mail failing SPF and DKIM goes to spam');
    await expect(dmarc).toContainText('mailto:dmarc@maillab.test');
    await expect(report.getByRole('group', { name: 'DKIM' }).getByRole('heading')).toHaveText('DKIM: Key published at lab2026._domainkey.maillab.test');
    await expect(report.getByRole('list', { name: 'Advice' })).toContainText('ends in ~all (soft fail)');

    // Advice only: the account is untouched and still works.
    await expect(dialog.getByRole('button', { name: 'Save settings' })).toBeEnabled();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(accountPane(page).getByRole('alert')).toHaveCount(0);
  });
});

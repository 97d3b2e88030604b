// The setup wizard against the lab: an IMAP account with the self-signed certificate trusted by its fingerprint; the
// warning before anything goes out unencrypted; a refused password and the connection doctor; a POP3 account by hand;
// and, with a private DNS server, settings found through SRV records.

import { X509Certificate } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startDns, type LabDns } from '../lab/dns';
import { startLab, type Lab } from '../lab/lab';
import { fillAccountStep, labUser, setupWizard } from './lab-account';
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
const UNDERSTAND = 'I understand my password and mail will be sent unencrypted';

/** One step of the doctor's report, by its name (summaries may mention other steps' words, e.g. AUTH=LOGIN). */
function doctorStep(doctor: Locator, name: string): Locator {
  return doctor.getByRole('list', { name: 'Doctor steps' }).getByRole('listitem').filter({ has: doctor.page().locator('strong', { hasText: new RegExp(`^${name}$`) }) });
}

async function configureManually(page: Page): Promise<void> {
  const wizard = setupWizard(page);
  await wizard.getByRole('button', { name: 'Configure manually' }).click();
  // The new step announces itself: focus is on its heading.
  await expect(wizard.getByRole('heading', { name: 'Server settings' })).toBeFocused();
}

test('adds an IMAP account through the wizard, trusting the self-signed certificate by its fingerprint', async ({ page }) => {
  const wizard = setupWizard(page);
  await expect(page.getByRole('heading', { name: 'Welcome to Heron' })).toBeVisible();
  await expect(wizard.getByLabel('Remember the password on this computer')).not.toBeChecked();
  await expect(wizard.getByText(/not encrypted/)).toBeVisible();
  await fillAccountStep(page, alice());

  // maillab.test is a reserved name (RFC 2606): the world knows no settings for it, and the wizard says so with its log.
  await wizard.getByRole('button', { name: 'Find settings' }).click();
  await expect(wizard.getByRole('heading', { name: 'Your settings' })).toBeVisible({ timeout: 90_000 });
  await expect(wizard.getByText('Heron found no settings for maillab.test')).toBeVisible();
  await expect(wizard.getByRole('list', { name: 'Discovery log' }).getByRole('listitem').first()).toBeVisible();

  await configureManually(page);
  await wizard.getByLabel('Incoming server').fill(lab.host);
  await wizard.getByLabel('Incoming port').fill(String(lab.ports.imaps));
  await wizard.getByLabel('Username', { exact: true }).fill(alice().name);
  await wizard.getByLabel('Outgoing server').fill(lab.host);
  await wizard.getByLabel('Outgoing security').selectOption('starttls');
  await expect(wizard.getByLabel('Outgoing port')).toHaveValue('587');
  await wizard.getByLabel('Outgoing port').fill(String(lab.ports.submission));
  await expect(wizard.getByLabel('Incoming authentication')).toHaveValue('password');
  // Encrypted settings need no acknowledgement; the lab's high ports are named as unusual, not as errors.
  await expect(wizard.getByRole('alert')).toHaveCount(0);
  await expect(wizard.getByText(`Port ${lab.ports.imaps} is not a usual IMAP port`)).toBeVisible();
  await wizard.getByRole('button', { name: 'Check connection' }).click();

  // Heron stops at the self-signed certificate and shows it; its fingerprint is the lab certificate's own.
  await expect(wizard.getByRole('alert')).toContainText('certificate is not trusted');
  const certificate = page.getByLabel('Untrusted certificate');
  const fingerprint = new X509Certificate(lab.caPem).fingerprint256;
  await expect(certificate.getByText(fingerprint, { exact: true })).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Add account' })).toBeDisabled();
  await certificate.getByRole('button', { name: 'Trust this certificate and check again' }).click();

  const checks = wizard.getByRole('list', { name: 'Connection checks' });
  await expect(checks.getByRole('listitem').filter({ hasText: 'Incoming server' })).toContainText('Works — Signed in to 127.0.0.1 over an encrypted connection.');
  await expect(checks.getByRole('listitem').filter({ hasText: 'Outgoing server' })).toContainText('Works — Signed in to 127.0.0.1 over an encrypted connection. Nothing was sent.');
  await wizard.getByRole('button', { name: 'Add account' }).click();

  const pane = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: alice().email });
  await expect(pane.getByRole('button', { name: /^Inbox/ })).toBeVisible();
  await expect(pane.getByText('Unencrypted')).toHaveCount(0);
  await pane.getByRole('button', { name: 'Account settings' }).click();
  await expect(page.getByRole('dialog').getByText(fingerprint)).toBeVisible();
});

test('port 143 without encryption is warned about, nothing is sent until confirmed, and a refused password leads to the doctor', async ({ page }) => {
  const wizard = setupWizard(page);
  await fillAccountStep(page, alice(), { password: 'not-alices-password' });
  await configureManually(page);

  // Security proposes its standard port, and a standard port its security when the person leaves the field.
  await expect(wizard.getByLabel('Incoming port')).toHaveValue('993');
  await wizard.getByLabel('Incoming security').selectOption('starttls');
  await expect(wizard.getByLabel('Incoming port')).toHaveValue('143');
  await wizard.getByLabel('Incoming port').fill('993');
  await wizard.getByLabel('Incoming port').press('Tab');
  await expect(wizard.getByLabel('Incoming security')).toHaveValue('tls');
  await wizard.getByLabel('Protocol').selectOption('pop3');
  await expect(wizard.getByLabel('Incoming port')).toHaveValue('995');
  await wizard.getByLabel('Protocol').selectOption('imap');

  await wizard.getByLabel('Incoming server').fill(lab.host);
  await wizard.getByLabel('Incoming security').selectOption('none');
  await expect(wizard.getByLabel('Incoming port')).toHaveValue('143');
  const warning = wizard.getByRole('alert');
  await expect(warning).toContainText('Not encrypted: your password and your mail would be sent in plain text to the incoming server (IMAP, 127.0.0.1 port 143)');
  await expect(wizard.getByText('No encryption on IMAP port 143: your password and your mail travel in plain text')).toBeVisible();
  const check = wizard.getByRole('button', { name: 'Check connection' });
  await expect(check).toBeDisabled();
  await warning.getByLabel(UNDERSTAND).check();
  await expect(check).toBeEnabled();
  await warning.getByLabel(UNDERSTAND).uncheck();
  await expect(check).toBeDisabled();
  await warning.getByLabel(UNDERSTAND).check();

  // The lab's plain IMAP port (143's role, on a high port): the password is refused.
  await wizard.getByLabel('Incoming port').fill(String(lab.ports.imap));
  await wizard.getByLabel('Username', { exact: true }).fill(alice().name);
  await check.click();
  const incoming = wizard.getByRole('list', { name: 'Connection checks' }).getByRole('listitem').filter({ hasText: 'Incoming server' });
  await expect(incoming.getByRole('alert')).toContainText('The server did not accept the username or password.');
  await expect(incoming).toContainText('Failed');
  await expect(wizard.getByRole('button', { name: 'Add account' })).toBeDisabled();

  await incoming.getByRole('button', { name: 'Run connection doctor for the incoming server' }).click();
  const doctor = incoming.getByRole('region', { name: 'Connection doctor for the incoming server' });
  await expect(doctorStep(doctor, 'Connect')).toContainText('Passed');
  await expect(doctorStep(doctor, 'Login')).toContainText('Failed');
  await expect(doctorStep(doctor, 'Login').locator('.advice')).toBeVisible();
  await doctor.getByText(/^Protocol transcript/).click();
  const transcript = doctor.getByLabel('Protocol transcript');
  await expect(transcript).toContainText('<redacted>');
  await expect(transcript).not.toContainText('not-alices-password');
});

test('adds a POP3 account by hand on the plain port once the person confirms, and it keeps an Unencrypted badge', async ({ page }) => {
  const wizard = setupWizard(page);
  await fillAccountStep(page, alice());
  await configureManually(page);
  await wizard.getByLabel('Protocol').selectOption('pop3');
  await wizard.getByLabel('Incoming security').selectOption('none');
  await expect(wizard.getByLabel('Incoming port')).toHaveValue('110');
  await wizard.getByLabel('Incoming server').fill(lab.host);
  await wizard.getByLabel('Incoming port').fill(String(lab.ports.pop3));
  await wizard.getByLabel('Username', { exact: true }).fill(alice().name);
  const warning = wizard.getByRole('alert');
  await expect(warning).toContainText(`your password and your mail would be sent in plain text to the incoming server (POP3, 127.0.0.1 port ${lab.ports.pop3})`);
  await expect(wizard.getByRole('button', { name: 'Check connection' })).toBeDisabled();
  await warning.getByLabel(UNDERSTAND).check();
  await wizard.getByRole('button', { name: 'Check connection' }).click();

  const checks = wizard.getByRole('list', { name: 'Connection checks' });
  await expect(checks.getByRole('listitem').filter({ hasText: 'Incoming server' })).toContainText('Signed in to 127.0.0.1 over an UNENCRYPTED connection');
  await expect(checks).not.toContainText('Outgoing server');
  // Saving, too, waits for the acknowledgement.
  const add = wizard.getByRole('button', { name: 'Add account' });
  await expect(add).toBeEnabled();
  await wizard.getByLabel(UNDERSTAND).uncheck();
  await expect(add).toBeDisabled();
  await wizard.getByLabel(UNDERSTAND).check();
  await add.click();

  const pane = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: alice().email });
  await expect(pane.getByText('Unencrypted', { exact: true })).toBeVisible();
  await pane.getByRole('button', { name: 'Account settings' }).click();
  const dialog = page.getByRole('dialog', { name: `Account settings for ${alice().email}` });
  await expect(dialog.getByText(`POP3, ${lab.host} port ${lab.ports.pop3}, None (unencrypted), user alice`)).toBeVisible();
  await expect(dialog.getByText('Unencrypted', { exact: true })).toBeVisible();
  await expect(dialog.getByText(`Your password and your mail travel in plain text to the incoming server (POP3, 127.0.0.1 port ${lab.ports.pop3}).`)).toBeVisible();

  // The doctor from the settings, without a password: every step up to the login.
  await dialog.getByRole('button', { name: 'Run connection doctor for the incoming server' }).click();
  const doctor = dialog.getByRole('region', { name: 'Connection doctor for the incoming server' });
  await expect(doctor.getByText('No password given: the login step is skipped.')).toBeVisible();
  await expect(doctorStep(doctor, 'Greeting')).toContainText('Passed');
  await expect(doctorStep(doctor, 'Login')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Run connection doctor for the outgoing server' })).toHaveCount(0);
});

test.describe('with the lab published in a private DNS', () => {
  let dns: LabDns;

  // Runs before the outer beforeEach starts Heron, which passes its environment on: discovery asks this server. The
  // records name localhost, which the engine's own connections (through the system's resolver) can reach too.
  test.beforeAll(async () => {
    const host = 'localhost';
    dns = await startDns({
      srv: [
        { name: '_imaps._tcp.maillab.test', target: host, port: lab.ports.imaps },
        { name: '_imap._tcp.maillab.test', target: host, port: lab.ports.imap },
        { name: '_submission._tcp.maillab.test', target: host, port: lab.ports.submission },
      ],
      hosts: [{ name: host, address: lab.host }],
    });
    process.env.HERON_DISCOVERY_DNS = dns.server;
  });

  test.afterAll(async () => {
    delete process.env.HERON_DISCOVERY_DNS;
    await dns?.stop();
  });

  test('finds the servers through SRV records, shows them in words, and adds the account from what was found', async ({ page }) => {
    const wizard = setupWizard(page);
    await fillAccountStep(page, alice());
    await wizard.getByRole('button', { name: 'Find settings' }).click();
    await expect(wizard.getByRole('heading', { name: 'Your settings' })).toBeFocused({ timeout: 90_000 });

    // Implicit TLS is offered first and chosen; the STARTTLS record is the alternative.
    const incoming = wizard.getByRole('group', { name: 'Incoming server' });
    const tls = incoming.getByRole('radio', { name: `IMAP at localhost, port ${lab.ports.imaps}, SSL/TLS` });
    const starttls = incoming.getByRole('radio', { name: `IMAP at localhost, port ${lab.ports.imap}, STARTTLS` });
    await expect(tls).toBeChecked();
    await expect(incoming).toContainText('Found through a DNS SRV record');
    await expect(incoming).toContainText(`SSL/TLS on IMAP port ${lab.ports.imaps}: the connection is encrypted from its first byte`);
    await expect(wizard.getByText(`SMTP at localhost, port ${lab.ports.submission}, STARTTLS`)).toBeVisible();
    // SRV answers are not authenticated: a server outside the address's domain is pointed out before the password goes there.
    await expect(wizard.getByText('localhost is not under maillab.test')).toBeVisible();
    await expect(wizard.getByRole('list', { name: 'Discovery log' })).toContainText('_imaps._tcp.maillab.test');

    // The choice goes into the settings: "Configure manually" starts from it.
    await starttls.check();
    await wizard.getByRole('button', { name: 'Configure manually' }).click();
    await expect(wizard.getByLabel('Incoming port')).toHaveValue(String(lab.ports.imap));
    await expect(wizard.getByLabel('Incoming security')).toHaveValue('starttls');
    await expect(wizard.getByLabel('Outgoing server')).toHaveValue('localhost');
    await wizard.getByRole('button', { name: 'Back' }).click();
    await tls.check();
    await wizard.getByRole('button', { name: 'Check connection' }).click();

    // The lab's certificate is self-signed: trusting exactly it is the person's call.
    await page.getByLabel('Untrusted certificate').getByRole('button', { name: 'Trust this certificate and check again' }).click();
    const checks = wizard.getByRole('list', { name: 'Connection checks' });
    await expect(checks.getByRole('listitem').filter({ hasText: 'Outgoing server' })).toContainText('Works');
    await wizard.getByRole('button', { name: 'Add account' }).click();
    const pane = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: alice().email });
    await expect(pane.getByRole('button', { name: /^Inbox/ })).toBeVisible();
  });
});

// The lab's alice as a person adds her account in the setup wizard, shared by every e2e spec.

import type { Locator, Page } from '@playwright/test';
import type { Lab, LabUser } from '../lab/lab';

export function labUser(lab: Lab, name = 'alice'): LabUser {
  const user = lab.users.find((u) => u.name === name);
  if (!user) throw new Error(`the lab has no ${name}`);
  return user;
}

export function setupWizard(page: Page): Locator {
  return page.getByRole('form', { name: 'Add account' });
}

/** The wizard's first step: name, address and password (and "Remember" in browser mode). */
export async function fillAccountStep(page: Page, user: LabUser, options: { name?: string; password?: string; remember?: boolean } = {}): Promise<void> {
  const wizard = setupWizard(page);
  await wizard.getByLabel('Your name').fill(options.name ?? 'Alice Liddell');
  await wizard.getByLabel('Email address').fill(user.email);
  await wizard.getByLabel('Password', { exact: true }).fill(options.password ?? user.password);
  if (options.remember) await wizard.getByLabel('Remember the password on this computer').check();
}

/**
 * Fills the wizard for alice (IMAPS in, submission with STARTTLS out) by hand, since discovery knows nothing of the
 * lab's maillab.test, and checks the connection; the certificate question follows.
 */
export async function submitAccountForm(page: Page, lab: Lab, options: { remember?: boolean } = {}): Promise<void> {
  const alice = labUser(lab);
  const wizard = setupWizard(page);
  await fillAccountStep(page, alice, options);
  await wizard.getByRole('button', { name: 'Configure manually' }).click();
  await wizard.getByLabel('Incoming server').fill(lab.host);
  await wizard.getByLabel('Incoming port').fill(String(lab.ports.imaps));
  await wizard.getByLabel('Username', { exact: true }).fill(alice.name);
  await wizard.getByLabel('Outgoing server').fill(lab.host);
  await wizard.getByLabel('Outgoing security').selectOption('starttls');
  await wizard.getByLabel('Outgoing port').fill(String(lab.ports.submission));
  await wizard.getByRole('button', { name: 'Check connection' }).click();
}

/** The lab's certificate is self-signed: the person confirms it, the checks pass with it, and the account is added. */
export async function trustCertificate(page: Page): Promise<void> {
  await page.getByLabel('Untrusted certificate').getByRole('button', { name: 'Trust this certificate and check again' }).click();
  // Enabled once the checks are over; "anyway" when the outgoing one failed, which other specs do not depend on.
  await setupWizard(page).getByRole('button', { name: /^Add account( anyway)?$/ }).click();
}

export async function addLabAccount(page: Page, lab: Lab, options: { remember?: boolean } = {}): Promise<void> {
  await submitAccountForm(page, lab, options);
  await trustCertificate(page);
}

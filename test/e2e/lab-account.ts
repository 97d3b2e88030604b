// The lab's alice as a person adds her account in the first-run form, shared by every e2e spec.

import type { Page } from '@playwright/test';
import type { Lab, LabUser } from '../lab/lab';

export function labUser(lab: Lab, name = 'alice'): LabUser {
  const user = lab.users.find((u) => u.name === name);
  if (!user) throw new Error(`the lab has no ${name}`);
  return user;
}

/** Fills the form for alice (IMAPS in, submission with STARTTLS out) and submits it; the certificate question follows. */
export async function submitAccountForm(page: Page, lab: Lab, options: { remember?: boolean } = {}): Promise<void> {
  const alice = labUser(lab);
  const form = page.getByRole('form', { name: 'Add account' });
  await form.getByLabel('Your name').fill('Alice Liddell');
  await form.getByLabel('Email address').fill(alice.email);
  await form.getByLabel('Incoming server').fill(lab.host);
  await form.getByLabel('Incoming port').fill(String(lab.ports.imaps));
  await form.getByLabel('Username', { exact: true }).fill(alice.name);
  await form.getByLabel('Password', { exact: true }).fill(alice.password);
  await form.getByLabel('Outgoing server').fill(lab.host);
  await form.getByLabel('Outgoing security').selectOption('starttls');
  await form.getByLabel('Outgoing port').fill(String(lab.ports.submission));
  if (options.remember) await form.getByLabel('Remember the password on this computer').check();
  await form.getByRole('button', { name: 'Add account' }).click();
}

/** The lab's certificate is self-signed: the person confirms it, and the account is added. */
export async function trustCertificate(page: Page): Promise<void> {
  await page.getByLabel('Untrusted certificate').getByRole('button', { name: 'Trust this certificate and add the account' }).click();
}

export async function addLabAccount(page: Page, lab: Lab, options: { remember?: boolean } = {}): Promise<void> {
  await submitAccountForm(page, lab, options);
  await trustCertificate(page);
}

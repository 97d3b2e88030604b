// Search in the real window against the lab: results as you type (headers, and bodies cached offline), what was
// covered, and "Search on server" finding a word in a body that was never downloaded.

import { expect, test } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startLab, type Lab } from '../lab/lab';
import { addLabAccount, labUser } from './lab-account';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;
let heron: HeronWeb | null = null;
const DAY = 86_400_000;

test.beforeAll(async () => {
  lab = await startLab();
});

test.afterAll(async () => {
  await lab?.stop();
});

const alice = () => labUser(lab);

function message(n: number, date: Date, from: string, subject: string, body: string): Buffer {
  return Buffer.from(
    [`From: ${from}`, `To: Alice <${alice().email}>`, `Subject: ${subject}`, `Date: ${date.toUTCString()}`, `Message-ID: <e2e-search-${n}@example.test>`,
      'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'),
    'utf8',
  );
}

/**
 * A recent message (its body is downloaded for offline reading: the account keeps 30 days) and an old one (its body
 * is not), plus old fillers.
 */
async function fillMailbox(): Promise<void> {
  await lab.resetUser('alice');
  const client = new ImapFlow({
    host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: 'alice', pass: alice().password }, tls: { ca: [lab.caPem], servername: lab.servername }, logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const old = new Date(Date.now() - 400 * DAY);
    await client.append('INBOX', message(1, old, 'Ursula Old <ursula@example.test>', 'Old report', 'The xylophonequartz figures are attached.'), ['\\Seen'], old);
    for (let n = 2; n < 40; n++) {
      const date = new Date(old.getTime() + n * DAY);
      await client.append('INBOX', message(n, date, `Filler ${n} <filler${n}@example.test>`, `Weekly filler ${n}`, `Nothing to see in number ${n}.`), ['\\Seen'], date);
    }
    const recent = new Date(Date.now() - 2 * DAY);
    await client.append('INBOX', message(99, recent, 'Priya Raman <priya@example.test>', 'Quarterly numbers', 'Bring the pelican chart to the review.'), [], recent);
  } finally {
    await client.logout();
  }
}

test.beforeEach(async ({ page }) => {
  await fillMailbox();
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  await page.goto(heron.url);
  await addLabAccount(page, lab);
});

test.afterEach(async ({ page: _page }, info) => {
  await stopHeronWeb(heron, info.status !== info.expectedStatus);
  heron = null;
});

test('the search box finds headers and cached bodies as you type, and says what it covered', async ({ page }) => {
  const search = page.getByRole('searchbox', { name: 'Search mail' });
  await search.fill('quarter');
  const results = page.getByRole('region', { name: 'Search results' });
  await expect(results.getByRole('listbox', { name: 'Messages found' }).getByRole('option', { name: 'Priya Raman: Quarterly numbers' })).toBeVisible();
  await expect(results.getByText(/^Searched 40 message headers/)).toBeVisible();

  // The recent message's body is kept offline, so a word only in its body is found locally.
  await search.fill('pelican');
  await expect(results.getByRole('option', { name: 'Priya Raman: Quarterly numbers' })).toBeVisible();
  await expect(results.getByText(/bodies of messages cached since/)).toBeVisible();

  // Both scopes answer; the hit opens in the reader.
  await results.getByLabel('All folders').check();
  await expect(results.getByRole('option', { name: 'Priya Raman: Quarterly numbers' })).toBeVisible();
  await search.press('ArrowDown');
  await search.press('Enter');
  await expect(page.getByRole('article', { name: 'Quarterly numbers' })).toBeVisible();
});

test('"Search on server" finds a word in a body that was never downloaded', async ({ page }) => {
  const search = page.getByRole('searchbox', { name: 'Search mail' });
  const results = page.getByRole('region', { name: 'Search results' });
  // Wait until the folder's headers are in, so "not found here" means "not in a cached body".
  await search.fill('report');
  await expect(results.getByRole('option', { name: 'Ursula Old: Old report' })).toBeVisible();

  await search.fill('xylophonequartz');
  await expect(results.getByText('No messages found here.')).toBeVisible();
  await results.getByRole('button', { name: 'Search on server' }).click();
  const fromServer = results.getByRole('listbox', { name: 'Found on the server' });
  await expect(fromServer.getByRole('option', { name: 'Ursula Old: Old report' })).toBeVisible();
  await expect(results.getByText(/The server found 1 message/)).toBeVisible();
  await fromServer.getByRole('option', { name: 'Ursula Old: Old report' }).click();
  await expect(page.getByRole('article', { name: 'Old report' })).toBeVisible();
});

// The reader against the lab with hostile mail (test/fixtures/hostile): nothing runs, nothing loads until allowed, the app
// chrome stays untouched, links go through the confirmation page, and sender authentication shows as it should.

import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Browser, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startLab, type Lab } from '../lab/lab';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';
import { addLabAccount } from './lab-account';

test.describe.configure({ mode: 'serial' });

const FIXTURES = path.resolve('test/fixtures/hostile');
const SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
/** Long enough for a frame to have fetched whatever it was going to fetch. */
const SETTLE_MS = 1_500;

interface Hit {
  path: string;
  referer: string | undefined;
}

let lab: Lab;
let heron: HeronWeb;
let listener: http.Server;
let remoteOrigin = '';
let page: Page;
const hits: Hit[] = [];
const dialogs: string[] = [];

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGOQz+8mCTGMahjVMHw1AAD4MxkQX1p1ggAAAABJRU5ErkJggg==', 'base64');

function hitsUnder(prefix: string): string[] {
  return hits.filter((hit) => hit.path.startsWith(prefix)).map((hit) => hit.path);
}

async function appendFixtures(): Promise<void> {
  const alice = lab.users.find((u) => u.name === 'alice');
  if (!alice) throw new Error('the lab has no alice');
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: alice.name, pass: alice.password }, logger: false, tls: { ca: [lab.caPem], servername: lab.servername } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const name of (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml')).sort()) {
      const text = (await readFile(path.join(FIXTURES, name), 'utf8')).replaceAll('{{REMOTE}}', remoteOrigin).replaceAll('{{AUTHSERV_ID}}', lab.host);
      await client.append('INBOX', Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8'));
    }
    for (const message of LISBON_THREAD) await client.append(message.folder, Buffer.from(message.text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  } finally {
    await client.logout();
  }
}

/** One conversation across two folders: a question in the Inbox, Alice's reply in Sent, and the answer back in the Inbox. */
const LISBON_THREAD = [
  { folder: 'INBOX', id: '<lisbon-1@north.test>', refs: [] as string[], from: 'Bob <bob@north.test>', to: 'alice@maillab.test', date: 'Mon, 02 Jun 2025 09:00:00 +0000', subject: 'Trip to Lisbon', body: 'Shall we go to Lisbon in May?' },
  { folder: 'Sent', id: '<lisbon-2@maillab.test>', refs: ['<lisbon-1@north.test>'], from: 'Alice <alice@maillab.test>', to: 'bob@north.test', date: 'Mon, 02 Jun 2025 10:00:00 +0000', subject: 'Re: Trip to Lisbon', body: 'Yes, I will book the hotel by the river.' },
  { folder: 'INBOX', id: '<lisbon-3@north.test>', refs: ['<lisbon-1@north.test>', '<lisbon-2@maillab.test>'], from: 'Bob <bob@north.test>', to: 'alice@maillab.test', date: 'Mon, 02 Jun 2025 11:00:00 +0000', subject: 'Re: Trip to Lisbon', body: 'Great, I will take care of the trains.' },
].map((m) => ({
  folder: m.folder,
  body: m.body,
  text: [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${m.date}`,
    `Message-ID: ${m.id}`,
    ...(m.refs.length > 0 ? [`In-Reply-To: ${m.refs[m.refs.length - 1] ?? ''}`, `References: ${m.refs.join(' ')}`] : []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body,
    '',
  ].join('\n'),
}));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const folderButton = () => page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('button', { name: /^Inbox/ });
const reader = (subject: string): Locator => page.getByRole('article', { name: subject });
const frameOf = (subject: string): FrameLocator => reader(subject).frameLocator('iframe[title="Message body"]');

/** Opens a message the way a person does: the folder, then its row in the list. */
async function open(subject: string): Promise<Locator> {
  await folderButton().click();
  const name = new RegExp(escape(subject));
  await page.getByRole('option', { name }).or(page.getByRole('row', { name })).first().click();
  const article = reader(subject);
  await expect(article.locator('iframe[title="Message body"]')).toBeAttached();
  return article;
}

/** The app's own chrome still answers the pointer where it is: no overlay from a message sits over it. */
async function expectChromeUntouched(): Promise<void> {
  await folderButton().click({ trial: true, timeout: 5_000 });
  await page.getByRole('listbox', { name: /^Messages in/ }).click({ trial: true, timeout: 5_000, position: { x: 5, y: 5 } });
  expect(await page.title()).toBe('Heron');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBe('untouched');
  expect(dialogs).toEqual([]);
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  listener = http.createServer((request, response) => {
    hits.push({ path: request.url ?? '', referer: request.headers.referer });
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' }).end(PNG);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  remoteOrigin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  lab = await startLab();
  await lab.resetUser('alice');
  await appendFixtures();
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  page = await browser.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(heron.url);
  await addLabAccount(page, lab);
  await page.evaluate(() => ((window as unknown as { __pwned: string }).__pwned = 'untouched'));
});

test.afterAll(async () => {
  await page?.close();
  await stopHeronWeb(heron ?? null);
  await lab?.stop();
  await new Promise((resolve) => listener?.close(resolve));
});

test('the message frame is sandboxed with exactly the chosen permissions and carries its own CSP', async () => {
  const article = await open('Hostile: scripts and handlers');
  const frame = article.locator('iframe[title="Message body"]');
  await expect(frame).toHaveAttribute('sandbox', SANDBOX);
  const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
  expect(srcdoc).toMatch(/^<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
  expect(srcdoc).not.toMatch(/<script|onerror=|onload=|javascript:|<form|<iframe|<object|<embed|<svg|<math|http-equiv="refresh"|<base/i);
});

test('scripts, handlers, forms, frames and meta refresh do nothing; the app chrome is untouched', async () => {
  const frame = frameOf('Hostile: scripts and handlers');
  await expect(frame.getByText('Nothing in this message may run.')).toBeVisible();
  await expect(reader('Hostile: scripts and handlers').getByText(/contained a form\. Heron removed it/)).toBeVisible();
  // javascript: and data: links are inert: no href, a reason on hover, and a click does nothing.
  const runMe = frame.getByText('Run me');
  await expect(runMe).not.toHaveAttribute('href');
  await expect(runMe).toHaveAttribute('title', /does not open javascript links/);
  await runMe.click();
  await page.waitForTimeout(SETTLE_MS);
  await expectChromeUntouched();
  expect(hitsUnder('/scripts/')).toEqual([]);
});

test('a CSS overlay stays inside the message frame', async () => {
  const frame = frameOf('Hostile: CSS overlay');
  await open('Hostile: CSS overlay');
  await expect(frame.getByText('Your session expired. Log in again.')).toBeVisible();
  await expectChromeUntouched();
  const box = await reader('Hostile: CSS overlay').locator('iframe').boundingBox();
  const nav = await page.getByRole('navigation', { name: 'Accounts and folders' }).boundingBox();
  expect(box && nav && box.x >= nav.x + nav.width).toBe(true);
});

test('remote content loads nothing until "Show for this message", then only what is allowed, without a referrer', async () => {
  const article = await open('Remote content: every fetch vector');
  await expect(article.getByRole('region', { name: 'Remote content' })).toContainText('Remote content blocked');
  await page.waitForTimeout(SETTLE_MS);
  expect(hitsUnder('/remote/')).toEqual([]);

  await article.getByRole('button', { name: 'Show for this message' }).click();
  await expect.poll(() => hitsUnder('/remote/'), { timeout: 10_000 }).toContain('/remote/img-src.png');
  await page.waitForTimeout(SETTLE_MS);
  const loaded = hitsUnder('/remote/');
  for (const never of ['/remote/link.css', '/remote/preload', '/remote/refresh', '/remote/import.css', '/remote/ping', '/remote/form', '/remote/poster.png', '/remote/video.mp4', '/remote/audio.mp3', '/remote/input-image.png', '/remote/picture.png']) {
    expect(loaded, never).not.toContain(never);
  }
  expect(hits.filter((hit) => hit.referer).map((hit) => hit.referer)).toEqual([]);
  await expectChromeUntouched();
});

test('"Always show for this sender" keys on the real address, not on a display name', async () => {
  const article = await open('Remote content: second newsletter');
  await page.waitForTimeout(SETTLE_MS);
  expect(hitsUnder('/sender/')).toEqual([]);
  await article.getByRole('button', { name: 'Always show for this sender' }).click();
  await expect.poll(() => hitsUnder('/sender/'), { timeout: 10_000 }).toContain('/sender/img.png');
  await expect(article.getByRole('region', { name: 'Remote content' })).toContainText('Remote content is shown for messages from news@remote.example');

  // "news@remote.example" <spoof@evil.test> does not inherit the newsletter's permission, and is called out.
  const spoof = await open('Remote content: display-name spoof');
  await expect(spoof.getByRole('region', { name: 'Remote content' })).toContainText('Remote content blocked');
  await expect(spoof.getByRole('alert').filter({ hasText: 'shows the address news@remote.example, but the message was sent from spoof@evil.test' })).toBeVisible();
  await page.waitForTimeout(SETTLE_MS);
  expect(hitsUnder('/spoof/')).toEqual([]);
});

test('a cid: inline image displays from the message itself; unresolved ones stay empty', async () => {
  await open('Inline image by cid');
  const frame = frameOf('Inline image by cid');
  const logo = frame.getByAltText('Heron logo');
  await expect(logo).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(frame.getByAltText('Encoded logo')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(16);
  await expect(frame.getByAltText('Missing part')).not.toHaveAttribute('src');
  await expect(frame.getByAltText('Traversal')).not.toHaveAttribute('src');
  await expect(reader('Inline image by cid').getByRole('region', { name: 'Remote content' })).toHaveCount(0);
});

test('a look-alike link opens the confirmation page, which names both domains', async () => {
  await open('Links: look-alike and plain');
  const frame = frameOf('Links: look-alike and plain');
  const link = frame.getByRole('link', { name: 'https://bank.example/login' });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  const popup = page.context().waitForEvent('page');
  await link.click();
  const confirm = await popup;
  await confirm.waitForLoadState();
  expect(new URL(confirm.url()).origin).toBe(new URL(heron.url).origin);
  expect(new URL(confirm.url()).pathname).toBe('/open');
  await expect(confirm.getByRole('heading', { name: 'Check this link before you open it' })).toBeVisible();
  await expect(confirm.getByRole('alert')).toContainText('The link text shows bank.example, but the link goes to bank.example.evil.test.');
  await expect(confirm.getByRole('link', { name: 'Open bank.example.evil.test' })).toHaveAttribute('href', 'https://bank.example.evil.test/login');
  await confirm.close();
  // The reader itself never navigated.
  await expect(frame.getByText('Please confirm:')).toBeVisible();
});

test('Authentication-Results: pass shows a verified mark, fail a warning, forged ones nothing', async () => {
  const pass = await open('Auth: DMARC pass');
  await expect(pass.getByText('✓ Verified sender')).toBeVisible();
  await expect(pass.getByText(`SPF pass · DKIM pass · DMARC pass (checked by ${lab.host})`)).toBeVisible();

  const fail = await open('Auth: DMARC fail');
  await expect(fail.getByRole('alert').filter({ hasText: 'Authentication failed' })).toContainText('did not pass the DMARC check of bank.example');
  await expect(fail.getByText('✓ Verified sender')).toHaveCount(0);

  const forged = await open('Auth: forged results');
  await expect(forged.getByRole('heading', { name: 'Auth: forged results' })).toBeVisible();
  await expect(forged.getByText('✓ Verified sender')).toHaveCount(0);
  await expect(forged.getByRole('alert')).toHaveCount(0);
  await expect(forged.getByText(/DMARC/)).toHaveCount(0);
});

test('plain text is escaped with its link made safe; source and attachments are at hand', async () => {
  const article = await open('Plain: text with tricks');
  const frame = frameOf('Plain: text with tricks');
  await expect(frame.getByText(`<script>top.__pwned='plain'</script> stays text.`)).toBeVisible();
  await expect(frame.locator('[onmouseover]')).toHaveCount(0);
  await expect(frame.getByRole('link')).toHaveCount(1);
  await expect(frame.getByRole('link')).toHaveAttribute('href', /\/open\?url=http%3A%2F%2Fgoogle\.com%2F&text=.*&t=/);

  await article.getByRole('button', { name: 'View source' }).click();
  await expect(article.getByRole('region', { name: 'Message source' })).toContainText('Subject: Plain: text with tricks');
  await expect(article.getByRole('region', { name: 'Message source' })).toContainText('Content-Disposition: attachment; filename="report.txt"');

  const attachments = article.getByRole('region', { name: 'Attachments' });
  await expect(attachments).toContainText('report.txt');
  const download = page.waitForEvent('download');
  await attachments.getByRole('button', { name: 'Save report.txt' }).click();
  expect((await download).suggestedFilename()).toBe('report.txt');
  await expectChromeUntouched();
});

test('a conversation spanning Inbox and Sent opens as one: every message in order, the newest open, the others a click away', async () => {
  await folderButton().click();
  await page.getByRole('option', { name: /Trip to Lisbon/ }).first().click();
  const conversation = page.getByRole('region', { name: 'Conversation: Trip to Lisbon' });
  const lines = conversation.locator('.conversation-line');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(1)).toContainText('Sent');
  await expect(lines.nth(1)).toHaveAttribute('aria-expanded', 'false');
  await expect(lines.nth(2)).toHaveAttribute('aria-expanded', 'true');
  const bodies = conversation.frameLocator('iframe[title="Message body"]');
  await expect(bodies.getByText(LISBON_THREAD[2]?.body ?? '')).toBeVisible();
  await expect(conversation.locator('iframe[title="Message body"]')).toHaveCount(1);

  // Alice's own reply, kept in Sent, reads in place.
  await lines.nth(1).click();
  await expect(lines.nth(1)).toHaveAttribute('aria-expanded', 'true');
  await expect(conversation.locator('iframe[title="Message body"]')).toHaveCount(2);
  await expect(conversation.frameLocator('iframe[title="Message body"]').first().getByText(LISBON_THREAD[1]?.body ?? '')).toBeVisible();
  await expectChromeUntouched();
});

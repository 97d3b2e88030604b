// Writing mail against the lab: compose with an attachment and send it (delivered intact, filed in Sent), reply with
// threading and a safe quote, Undo, and a draft that survives a reload and reaches the Drafts folder.

import { expect, test, type Locator, type Page } from '@playwright/test';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startLab, type Lab } from '../lab/lab';
import { addLabAccount, labUser } from './lab-account';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;
let heron: HeronWeb | null = null;

/** Delivery goes through Postfix into Dovecot, and filing through the engine's IMAP connection: both take a moment. */
const SERVER_TIMEOUT = 30_000;

test.beforeAll(async () => {
  lab = await startLab();
});

test.afterAll(async () => {
  await lab?.stop();
});

test.beforeEach(async ({ page }) => {
  for (const user of ['alice', 'bob', 'carol']) await lab.resetUser(user);
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  await page.goto(heron.url);
});

test.afterEach(async ({ page: _page }, info) => {
  await stopHeronWeb(heron, info.status !== info.expectedStatus);
  heron = null;
});

/** A client of the lab user's own, to see what the server really holds. */
async function withMailbox<T>(name: string, folder: string, use: (client: ImapFlow) => Promise<T>): Promise<T> {
  const user = labUser(lab, name);
  const client = new ImapFlow({
    host: lab.host,
    port: lab.ports.imaps,
    secure: true,
    auth: { user: user.name, pass: user.password },
    logger: false,
    tls: { ca: [lab.caPem], servername: lab.servername },
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      return await use(client);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

interface ServerMessage {
  parsed: ParsedMail;
  flags: Set<string>;
}

async function messagesIn(name: string, folder: string): Promise<ServerMessage[]> {
  return withMailbox(name, folder, async (client) => {
    const found: FetchMessageObject[] = [];
    if ((client.mailbox && client.mailbox.exists) === 0) return [];
    for await (const m of client.fetch('1:*', { source: true, flags: true })) found.push(m);
    return Promise.all(found.map(async (m) => ({ parsed: await simpleParser(m.source as Buffer), flags: m.flags ?? new Set<string>() })));
  });
}

async function appendTo(name: string, folder: string, raw: string): Promise<void> {
  await withMailbox(name, folder, async (client) => {
    await client.append(folder, Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8'));
  });
}

const composer = (page: Page): Locator => page.locator('section.composer');
const folderButton = (page: Page, name: string) => page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('button', { name: new RegExp(`^${name}\\b`) }).first();

async function addAccount(page: Page): Promise<void> {
  await addLabAccount(page, lab);
  await expect(page.getByRole('listbox', { name: 'Messages in Inbox' })).toBeVisible({ timeout: SERVER_TIMEOUT });
}

async function addRecipient(page: Page, field: string, address: string): Promise<void> {
  const input = composer(page).getByRole('combobox', { name: field, exact: true });
  await input.fill(address);
  await input.press('Enter');
  await expect(composer(page).getByRole('list', { name: `${field} recipients` })).toContainText(address);
}

test('a message with an attachment and a non-ASCII subject is sent, arrives intact and is filed in Sent', async ({ page }) => {
  await addAccount(page);
  await page.getByRole('button', { name: 'New message' }).click();
  await addRecipient(page, 'To', 'bob@maillab.test');
  const subject = 'Grüße aus Lissabon — ☀';
  await composer(page).getByLabel('Subject').fill(subject);
  const body = composer(page).getByRole('textbox', { name: 'Message body' });
  await body.click();
  await page.keyboard.type('Hello Bob, the notes are attached. ');
  await composer(page).getByRole('button', { name: 'Bold' }).click();
  await page.keyboard.type('Bring the tickets.');
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
  await composer(page).getByLabel('Attach files').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(composer(page).getByRole('list', { name: 'Attachments' })).toContainText('notes.bin');
  // A file dropped anywhere on the composer is attached too, not opened by the browser.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['Dropped in from the desktop.'], 'dropped.txt', { type: 'text/plain' }));
    return transfer;
  });
  await composer(page).dispatchEvent('dragover', { dataTransfer: dropped });
  await composer(page).dispatchEvent('drop', { dataTransfer: dropped });
  await expect(composer(page).getByRole('list', { name: 'Attachments' }).getByRole('listitem')).toHaveCount(2);

  await composer(page).getByRole('button', { name: 'Send', exact: true }).click();
  await expect(composer(page)).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Sent:' })).toBeVisible({ timeout: SERVER_TIMEOUT });

  let received: ServerMessage | undefined;
  await expect.poll(async () => (received = (await messagesIn('bob', 'INBOX')).find((m) => m.parsed.subject === subject)) !== undefined, { timeout: SERVER_TIMEOUT }).toBe(true);
  const mail = (received as ServerMessage).parsed;
  expect(mail.from?.value[0]?.address).toBe('alice@maillab.test');
  expect(mail.text).toContain('Hello Bob, the notes are attached. Bring the tickets.');
  expect(mail.html).toMatch(/<b>Bring the tickets\.<\/b>/);
  expect(mail.attachments.map((a) => a.filename)).toEqual(['notes.bin', 'dropped.txt']);
  expect(Buffer.compare(mail.attachments[0]?.content ?? Buffer.alloc(0), bytes)).toBe(0);
  expect(mail.attachments[1]?.content.toString('utf8')).toBe('Dropped in from the desktop.');

  // The Sent copy carries the same Message-ID, and Heron shows it once it synced Sent.
  await expect.poll(async () => (await messagesIn('alice', 'Sent')).map((m) => m.parsed.messageId), { timeout: SERVER_TIMEOUT }).toContain(mail.messageId);
  await folderButton(page, 'Sent').click();
  await expect(page.getByRole('listbox', { name: 'Messages in Sent' }).getByRole('option').filter({ hasText: subject })).toHaveCount(1, { timeout: SERVER_TIMEOUT });
});

test('a reply suggests the sender, threads with the original, quotes it safely and flags it answered', async ({ page }) => {
  const hostile = [
    'From: Bob Marley <bob@maillab.test>',
    'To: Alice <alice@maillab.test>',
    'Subject: Plans for the weekend',
    'Message-ID: <plans-1@maillab.test>',
    'Date: Tue, 03 Jun 2025 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Shall we <b>walk</b> to the river?</p><script>window.parent.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">',
    '<img src="http://127.0.0.1:9/track.png"><a href="javascript:alert(1)">click</a>',
  ].join('\n');
  await appendTo('alice', 'INBOX', hostile);
  await addAccount(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await page.getByRole('listbox', { name: 'Messages in Inbox' }).getByRole('option').filter({ hasText: 'Plans for the weekend' }).click();
  await page.getByRole('region', { name: 'Reading pane' }).getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(composer(page).getByRole('list', { name: 'To recipients' })).toContainText('bob@maillab.test');
  await expect(composer(page).getByLabel('Subject')).toHaveValue('Re: Plans for the weekend');
  const body = composer(page).getByRole('textbox', { name: 'Message body' });
  await expect(body.locator('blockquote')).toContainText('Shall we walk to the river?');
  // Nothing of the original that runs or fetches made it into the editor.
  const quoted = await body.innerHTML();
  expect(quoted).not.toMatch(/<script|onerror|javascript:|127\.0\.0\.1:9/i);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await body.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Yes, at ten.');

  // Addresses seen in the cache are suggested.
  await composer(page).getByRole('button', { name: 'Add Cc' }).click();
  await composer(page).getByRole('combobox', { name: 'Cc', exact: true }).fill('mar');
  await expect(composer(page).getByRole('listbox', { name: 'Suggestions for Cc' }).getByRole('option')).toContainText(['bob@maillab.test']);
  await composer(page).getByRole('combobox', { name: 'Cc', exact: true }).fill('');

  await composer(page).getByRole('button', { name: 'Send', exact: true }).click();
  let reply: ServerMessage | undefined;
  await expect.poll(async () => (reply = (await messagesIn('bob', 'INBOX')).find((m) => m.parsed.subject === 'Re: Plans for the weekend')) !== undefined, { timeout: SERVER_TIMEOUT }).toBe(true);
  expect(reply?.parsed.inReplyTo).toBe('<plans-1@maillab.test>');
  expect(reply?.parsed.references).toContain('<plans-1@maillab.test>');
  expect(reply?.parsed.text).toMatch(/^Yes, at ten\./);
  expect(reply?.parsed.text).toMatch(/^> Shall we walk to the river\?/m);
  await expect.poll(async () => (await messagesIn('alice', 'INBOX')).find((m) => m.parsed.messageId === '<plans-1@maillab.test>')?.flags.has('\\Answered'), { timeout: SERVER_TIMEOUT }).toBe(true);
  expect(dialogs).toEqual([]);
});

test('Undo takes the message back into the composer before it leaves', async ({ page }) => {
  await addAccount(page);
  await page.keyboard.press('c');
  await addRecipient(page, 'To', 'carol@maillab.test');
  await composer(page).getByLabel('Subject').fill('Second thoughts');
  await composer(page).getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(composer(page).getByLabel('Subject')).toHaveValue('Second thoughts');
  await expect(composer(page).getByRole('list', { name: 'To recipients' })).toContainText('carol@maillab.test');
  await expect(page.getByRole('region', { name: 'On this computer' }).getByRole('button', { name: /^Outbox/ })).toHaveCount(0);
  // Discarded, it is gone for good, and never reached carol.
  await composer(page).getByRole('button', { name: 'Discard draft' }).click();
  await expect(composer(page)).toHaveCount(0);
  expect(await lab.queuedMail()).toBe(0);
  expect((await messagesIn('carol', 'INBOX')).map((m) => m.parsed.subject)).not.toContain('Second thoughts');
});

test('a draft is kept as it is typed: it survives a reload and is filed in the Drafts folder', async ({ page }) => {
  await addAccount(page);
  await page.getByRole('button', { name: 'New message' }).click();
  await addRecipient(page, 'To', 'carol@maillab.test');
  await composer(page).getByLabel('Subject').fill('Half-written thoughts');
  await composer(page).getByRole('button', { name: 'Switch to plain text' }).click();
  await composer(page).getByRole('textbox', { name: 'Message body' }).fill('Dear Carol,\nthe first line survives.');
  await expect(composer(page).getByRole('status')).toHaveText(/^Draft saved on this computer/);

  await page.reload();
  await expect(composer(page).getByLabel('Subject')).toHaveValue('Half-written thoughts');
  await expect(composer(page).getByRole('textbox', { name: 'Message body' })).toHaveValue('Dear Carol,\nthe first line survives.');
  await expect(composer(page).getByRole('list', { name: 'To recipients' })).toContainText('carol@maillab.test');

  // Closing files the last version in Drafts at once; it stays listed on this computer to open again.
  await composer(page).getByRole('button', { name: 'Close and keep the draft' }).click();
  await expect
    .poll(async () => (await messagesIn('alice', 'Drafts')).filter((m) => m.parsed.subject === 'Half-written thoughts').map((m) => [m.parsed.text?.trim(), m.flags.has('\\Draft')]), { timeout: SERVER_TIMEOUT })
    .toEqual([['Dear Carol,\nthe first line survives.', true]]);
  await page.getByRole('region', { name: 'On this computer' }).getByRole('button', { name: 'Draft: Half-written thoughts' }).click();
  await expect(composer(page).getByLabel('Subject')).toHaveValue('Half-written thoughts');
});

test('a refused recipient is named in the outbox with the server\'s words, and the others still get the message', async ({ page }) => {
  await addAccount(page);
  await page.getByRole('button', { name: 'New message' }).click();
  await addRecipient(page, 'To', 'bob@maillab.test');
  await addRecipient(page, 'To', 'nobody@maillab.test');
  await composer(page).getByLabel('Subject').fill('Partly delivered');
  await composer(page).getByRole('button', { name: 'Send', exact: true }).click();

  const notice = page.getByRole('status').filter({ hasText: 'Partly delivered' });
  await expect(notice).toContainText('some recipients were refused', { timeout: SERVER_TIMEOUT });
  await notice.getByRole('button', { name: 'Open the outbox' }).click();
  const item = page.getByRole('dialog', { name: 'Outbox' }).getByRole('listitem', { name: 'Partly delivered' });
  await expect(item).toContainText('Sent, but not to nobody@maillab.test', { timeout: SERVER_TIMEOUT });
  await expect(item).toContainText(/nobody@maillab\.test: 550 5\.1\.1 .*User unknown/);
  await expect.poll(async () => (await messagesIn('bob', 'INBOX')).map((m) => m.parsed.subject), { timeout: SERVER_TIMEOUT }).toContain('Partly delivered');

  await item.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('dialog', { name: 'Outbox' })).toContainText('Nothing waiting to be sent.');
});

// The mail window against the lab: folders with counts, the list newest first, and every action (mouse, menu, drag and drop, keyboard) reaching the server.

import { expect, test, type Locator, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { loadCorpus } from '../lab/corpus';
import { startLab, type Lab } from '../lab/lab';
import { addLabAccount, labUser } from './lab-account';
import { freePort, newDataDir, startHeronWeb, stopHeronWeb, type HeronWeb } from './heron-web';

let lab: Lab;
let heron: HeronWeb | null = null;
let server: ImapFlow | null = null;

/** Server-side checks wait this long: replay is quick, but it runs behind the store and the engine's queue. */
const SERVER_TIMEOUT = 20_000;

test.beforeAll(async () => {
  lab = await startLab();
});

test.afterAll(async () => {
  await lab?.stop();
});

const alice = () => labUser(lab);

test.beforeEach(async ({ page }) => {
  await lab.resetUser('alice');
  await loadCorpus(lab, 'alice', { seed: 11, count: 300 });
  heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  await page.goto(heron.url);
  await addLabAccount(page, lab);
});

test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await explainFailure(page);
  await server?.logout().catch(() => undefined);
  server = null;
  await stopHeronWeb(heron);
  heron = null;
});

/** On failure: what the store still has queued and what Heron printed, the two places a lost action shows. */
async function explainFailure(page: Page): Promise<void> {
  const queued = await storeRows(page, 'pendingChanges')
    .then((all) => JSON.stringify(all.map((row) => ({ ...row, server: undefined }))))
    .catch((error: unknown) => String(error));
  console.log(`Queued changes: ${queued}\nHeron output (tail):\n${heron?.output().slice(-3000) ?? ''}`);
}

/** Every row of one table of the page's store, read straight from IndexedDB (what a reload would find). */
async function storeRows(page: Page, table: string): Promise<Record<string, unknown>[]> {
  return page.evaluate(async (name) => {
    const request = indexedDB.open('heron');
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = db.transaction(name).objectStore(name).getAll();
    return new Promise<Record<string, unknown>[]>((resolve, reject) => {
      all.onsuccess = () => {
        resolve(all.result as Record<string, unknown>[]);
        db.close();
      };
      all.onerror = () => reject(all.error);
    });
  }, table);
}

/** A second IMAP client, to see what really happened on the server. */
async function imap(): Promise<ImapFlow> {
  if (server) return server;
  const client = new ImapFlow({
    host: lab.host,
    port: lab.ports.imaps,
    secure: true,
    auth: { user: alice().name, pass: alice().password },
    logger: false,
    tls: { ca: [lab.caPem], servername: lab.servername },
  });
  client.on('error', () => undefined);
  await client.connect();
  server = client;
  return client;
}

async function serverFlags(folder: string, uid: number): Promise<string[]> {
  const client = await imap();
  const lock = await client.getMailboxLock(folder);
  try {
    // A folder kept selected learns of new messages only from the server's next response.
    await client.noop();
    const message = await client.fetchOne(String(uid), { flags: true }, { uid: true });
    return message ? [...(message.flags ?? [])] : [];
  } finally {
    lock.release();
  }
}

async function serverMessageIds(folder: string): Promise<string[]> {
  const client = await imap();
  const lock = await client.getMailboxLock(folder);
  try {
    // A folder kept selected learns of new messages only from the server's next response.
    await client.noop();
    const ids: string[] = [];
    for await (const message of client.fetch('1:*', { envelope: true })) if (message.envelope?.messageId) ids.push(message.envelope.messageId);
    return ids;
  } catch {
    return []; // an empty folder answers 1:* with an error
  } finally {
    lock.release();
  }
}

async function messageIdOf(folder: string, uid: number): Promise<string> {
  const client = await imap();
  const lock = await client.getMailboxLock(folder);
  try {
    // A folder kept selected learns of new messages only from the server's next response.
    await client.noop();
    const message = await client.fetchOne(String(uid), { envelope: true }, { uid: true });
    const id = message ? message.envelope?.messageId : undefined;
    if (!id) throw new Error(`no Message-ID for ${folder} ${uid}`);
    return id;
  } finally {
    lock.release();
  }
}

/** UIDs of a folder, newest first by the Date header (INTERNALDATE without one), as the list orders them. */
async function serverNewestFirst(folder: string): Promise<number[]> {
  const client = await imap();
  const lock = await client.getMailboxLock(folder);
  try {
    // A folder kept selected learns of new messages only from the server's next response.
    await client.noop();
    const rows: { uid: number; date: number }[] = [];
    for await (const m of client.fetch('1:*', { uid: true, envelope: true, internalDate: true })) {
      const date = m.envelope?.date ?? m.internalDate;
      rows.push({ uid: m.uid, date: date ? new Date(date).getTime() : 0 });
    }
    return rows.sort((a, b) => b.date - a.date || b.uid - a.uid).map((r) => r.uid);
  } finally {
    lock.release();
  }
}

async function folderStatus(folder: string): Promise<{ messages: number; unseen: number }> {
  const status = await (await imap()).status(folder, { messages: true, unseen: true });
  if (!status) throw new Error(`no STATUS for ${folder}`);
  return { messages: status.messages ?? 0, unseen: status.unseen ?? 0 };
}

const folderPane = (page: Page) => page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('list', { name: 'Folders' }).first();
const messageList = (page: Page) => page.getByRole('listbox', { name: 'Messages in Inbox' });
const rows = (page: Page) => messageList(page).getByRole('option');
const readingPane = (page: Page) => page.getByRole('region', { name: 'Reading pane' });

async function uidOf(row: Locator): Promise<number> {
  return Number(await row.getAttribute('data-uid'));
}

/** Single messages rather than conversations, so every row is one UID on the server. */
async function showSingleMessages(page: Page): Promise<void> {
  const grouping = page.getByRole('button', { name: 'Group by conversation' });
  await expect(grouping).toHaveAttribute('aria-pressed', 'true');
  await grouping.click();
  await expect(grouping).toHaveAttribute('aria-pressed', 'false');
  // The list is rebuilt for the new mode: wait for its rows, so a focus or key press does not land on the old one.
  await expect(rows(page).first()).toHaveAttribute('data-uid', /\d+/);
}

/** Waits until the list shows the whole inbox the server holds and the account's round is over (its status line empty). */
async function inboxSynced(page: Page): Promise<void> {
  const total = (await folderStatus('INBOX')).messages;
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${total} messages`);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Accounts and folders' }).locator('.sync-status')).toHaveText('', { timeout: SERVER_TIMEOUT });
  // The heading's count is the server's and the status line is empty between passes too: the store holding every
  // message is what says the folder is synced (CI once pressed End while the backfill was still adding rows).
  await expect
    .poll(async () => (await storeRows(page, 'messages')).filter((m) => m.folderPath === 'INBOX').length, { timeout: SERVER_TIMEOUT })
    .toBe(total);
}

test('folders show their unread counts and the list shows the newest first', async ({ page }) => {
  const folders = folderPane(page);
  const unread = (await folderStatus('INBOX')).unseen;
  await expect(folders.getByRole('button', { name: new RegExp(`^Inbox ${unread} unread$`) })).toBeVisible();
  await expect(folders.getByRole('button', { name: /^Sent/ })).toBeVisible();
  await expect(folders.getByRole('button', { name: /^Trash/ })).toBeVisible();
  // Nested folders sit under a parent that collapses.
  await expect(folders.getByRole('button', { name: /^Design reviews/ })).toBeVisible();
  await folders.getByRole('button', { name: 'Collapse Projects' }).click();
  await expect(folders.getByRole('button', { name: /^Design reviews/ })).toHaveCount(0);
  await folders.getByRole('button', { name: 'Expand Projects' }).click();
  await expect(folders.getByRole('button', { name: /^Design reviews/ })).toBeVisible();

  await inboxSynced(page);
  // Conversations by default: one row per thread, so the list (read to its end) has fewer rows than the inbox has messages.
  const total = (await folderStatus('INBOX')).messages;
  await messageList(page).focus();
  await page.keyboard.press('End');
  const lastRow = messageList(page).locator('[role="option"][aria-selected="true"]');
  await expect(lastRow).toHaveAttribute('aria-posinset', /\d+/);
  await expect.poll(async () => Number(await lastRow.getAttribute('aria-posinset'))).toBe(Number(await lastRow.getAttribute('aria-setsize')));
  expect(Number(await lastRow.getAttribute('aria-setsize'))).toBeLessThan(total);
  await page.keyboard.press('Home');
  await showSingleMessages(page);
  const expected = (await serverNewestFirst('INBOX')).slice(0, 8);
  await expect.poll(async () => Promise.all((await rows(page).all()).slice(0, 8).map(uidOf)), { timeout: SERVER_TIMEOUT }).toEqual(expected);
  await page.getByRole('button', { name: 'Oldest first' }).click();
  const oldest = (await serverNewestFirst('INBOX')).reverse().slice(0, 3);
  await expect.poll(async () => Promise.all((await rows(page).all()).slice(0, 3).map(uidOf))).toEqual(oldest);
});

test('the layout, pane sizes and list mode are remembered', async ({ page }) => {
  await inboxSynced(page);
  const splitter = page.getByRole('separator', { name: 'Resize the folder pane' });
  const before = Number(await splitter.getAttribute('aria-valuenow'));
  await splitter.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(before + 32));
  await showSingleMessages(page);
  await page.getByRole('button', { name: 'View', exact: true }).click();
  await page.getByLabel('Reading pane position').selectOption('stacked');
  await expect(page.getByRole('separator', { name: 'Resize the message list' })).toHaveAttribute('aria-orientation', 'horizontal');
  // The pane shows the change at once; the store's write lands a moment later, and only that survives a reload.
  await expect.poll(async () => JSON.stringify(await storeRows(page, 'settings'))).toContain('"arrangement":"stacked"');

  await page.reload();
  await expect(page.getByRole('separator', { name: 'Resize the folder pane' })).toHaveAttribute('aria-valuenow', String(before + 32));
  await expect(page.getByRole('separator', { name: 'Resize the message list' })).toHaveAttribute('aria-orientation', 'horizontal');
  await expect(page.getByRole('button', { name: 'Group by conversation' })).toHaveAttribute('aria-pressed', 'false');
  await expect(messageList(page)).toBeVisible();
});

test('opening a message marks it read on the server', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  const row = rows(page).filter({ has: page.locator('.dot') }).first();
  const uid = await uidOf(row);
  expect(await serverFlags('INBOX', uid)).not.toContain('\\Seen');
  await row.click();
  await expect(readingPane(page).getByText('No message open')).toHaveCount(0);
  await expect.poll(() => serverFlags('INBOX', uid), { timeout: SERVER_TIMEOUT }).toContain('\\Seen');
  await expect(messageList(page).locator(`[data-uid="${uid}"]`)).not.toHaveAttribute('aria-label', /^Unread/);
});

test('flag, move through the menu and delete reach the server', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  const actions = page.getByRole('toolbar', { name: 'Message actions' });

  const flagged = rows(page).nth(0);
  const flaggedUid = await uidOf(flagged);
  const wasFlagged = (await serverFlags('INBOX', flaggedUid)).includes('\\Flagged');
  await flagged.click();
  await actions.getByRole('button', { name: 'Flag or unflag' }).click();
  await expect.poll(async () => (await serverFlags('INBOX', flaggedUid)).includes('\\Flagged'), { timeout: SERVER_TIMEOUT }).toBe(!wasFlagged);

  const moved = rows(page).nth(1);
  const movedUid = await uidOf(moved);
  const movedId = await messageIdOf('INBOX', movedUid);
  await moved.click();
  await actions.getByRole('button', { name: 'Move to…' }).click();
  await page.getByRole('menu', { name: 'Move to folder' }).getByRole('menuitem', { name: 'Sent', exact: true }).click();
  await expect(messageList(page).locator(`[data-uid="${movedUid}"]`)).toHaveCount(0);
  await expect.poll(() => serverMessageIds('Sent'), { timeout: SERVER_TIMEOUT }).toContain(movedId);
  expect(await serverMessageIds('INBOX')).not.toContain(movedId);

  const deleted = rows(page).nth(2);
  const deletedUid = await uidOf(deleted);
  const deletedId = await messageIdOf('INBOX', deletedUid);
  await deleted.click();
  await actions.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => serverMessageIds('Trash'), { timeout: SERVER_TIMEOUT }).toContain(deletedId);
  expect(await serverMessageIds('INBOX')).not.toContain(deletedId);
});

test('a move the server refuses for good is undone and explained until dismissed', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  // Another client deletes a folder Heron still lists: moving into it is refused (NO [TRYCREATE]), which no retry can fix.
  await (await imap()).mailboxDelete('Été 2024');
  const row = rows(page).nth(0);
  const uid = await uidOf(row);
  const id = await messageIdOf('INBOX', uid);
  await row.click();
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Move to…' }).click();
  await page.getByRole('menu', { name: 'Move to folder' }).getByRole('menuitem', { name: 'Été 2024' }).click();

  const notice = page.getByRole('alert').filter({ hasText: 'Undone: Moving 1 message from Inbox to Été 2024.' });
  await expect(notice).toBeVisible({ timeout: SERVER_TIMEOUT });
  await expect(notice).toContainText('The server said:');
  await expect(messageList(page).locator(`[data-uid="${uid}"]`)).toHaveCount(1);
  expect(await serverMessageIds('INBOX')).toContain(id);
  await notice.locator('..').getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('dragging a row onto a folder moves it on the server', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  const row = rows(page).nth(3);
  const uid = await uidOf(row);
  const id = await messageIdOf('INBOX', uid);
  await row.dragTo(folderPane(page).getByRole('button', { name: /^Junk/ }));
  await expect(messageList(page).locator(`[data-uid="${uid}"]`)).toHaveCount(0);
  await expect.poll(() => serverMessageIds('Junk'), { timeout: SERVER_TIMEOUT }).toContain(id);
  expect(await serverMessageIds('INBOX')).not.toContain(id);
});

test('the keyboard alone moves, opens, flags, archives and shows help', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  await messageList(page).focus();
  await expect(messageList(page)).toBeFocused();
  const selected = () => messageList(page).locator('[role="option"][aria-selected="true"]');

  await page.keyboard.press('j');
  await expect(selected()).toHaveAttribute('aria-posinset', '1');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(selected()).toHaveAttribute('aria-posinset', '3');
  await page.keyboard.press('k');
  await expect(selected()).toHaveAttribute('aria-posinset', '2');
  const uid = await uidOf(selected());
  const id = await messageIdOf('INBOX', uid);

  await page.keyboard.press('Enter');
  await expect(readingPane(page).getByText('No message open')).toHaveCount(0);
  await page.keyboard.press('u');
  await expect(readingPane(page).getByText('No message open')).toBeVisible();
  await page.keyboard.press('o');
  await expect(readingPane(page).getByText('No message open')).toHaveCount(0);
  await expect.poll(() => serverFlags('INBOX', uid), { timeout: SERVER_TIMEOUT }).toContain('\\Seen');

  const wasFlagged = (await serverFlags('INBOX', uid)).includes('\\Flagged');
  await page.keyboard.press('s');
  await expect.poll(async () => (await serverFlags('INBOX', uid)).includes('\\Flagged'), { timeout: SERVER_TIMEOUT }).toBe(!wasFlagged);

  await page.keyboard.press('e');
  await expect(messageList(page).locator(`[data-uid="${uid}"]`)).toHaveCount(0);
  await expect.poll(() => serverMessageIds('Archive'), { timeout: SERVER_TIMEOUT }).toContain(id);
  // The next message takes the archived one's place under the cursor.
  await expect(selected()).toHaveAttribute('aria-posinset', '2');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('row', { name: /Archive/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('shift-click selects a range, and delete removes every selected message', async ({ page }) => {
  await inboxSynced(page);
  await showSingleMessages(page);
  const first = rows(page).nth(0);
  const last = rows(page).nth(3);
  const uids = await Promise.all([0, 1, 2, 3].map((i) => uidOf(rows(page).nth(i))));
  const ids = await Promise.all(uids.map((uid) => messageIdOf('INBOX', uid)));
  await first.click();
  await last.click({ modifiers: ['Shift'] });
  await expect(messageList(page).locator('[role="option"][aria-selected="true"]')).toHaveCount(4);
  await expect(readingPane(page)).toContainText('4 messages selected');
  // Ctrl-click takes one back out and puts it in again.
  await rows(page).nth(1).click({ modifiers: ['Control'] });
  await expect(messageList(page).locator('[role="option"][aria-selected="true"]')).toHaveCount(3);
  await rows(page).nth(1).click({ modifiers: ['Control'] });
  await expect(messageList(page).locator('[role="option"][aria-selected="true"]')).toHaveCount(4);

  await page.keyboard.press('#');
  for (const uid of uids) await expect(messageList(page).locator(`[data-uid="${uid}"]`)).toHaveCount(0);
  await expect.poll(async () => {
    const trash = await serverMessageIds('Trash');
    return ids.every((id) => trash.includes(id));
  }, { timeout: SERVER_TIMEOUT }).toBe(true);
  const inbox = await serverMessageIds('INBOX');
  expect(ids.some((id) => inbox.includes(id))).toBe(false);
});

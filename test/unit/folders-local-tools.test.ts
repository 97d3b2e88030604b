// A POP3 account's own folders in the folder pane: which folders may be edited and where a selection goes, the forms'
// labelled markup, and, in Debian's Chromium with a real IndexedDB, making, renaming and deleting folders as a person does.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from '@playwright/test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { AccountSummary, Folder, MessageHeader } from '../../shared/model';
import { deleteQuestion, inSubtree, isEditableFolder, parentChoices, pathAfterRename } from '../../src-renderer/features/folders/folder-edit';
import { DeleteFolder, FolderMenu, NewFolder, RenameFolder } from '../../src-renderer/features/folders/LocalFolderTools';
import type { HeronDb } from '../../src-renderer/store/db';
import { chromiumSkip, openComponentPage, REPOSITORY, type ComponentPage } from '../support/chromium-page';
import { folder, header, LOCAL_FOLDERS, pop3Account } from '../support/pop3-fixtures';

const birds: Folder = { ...folder('Birds'), total: 2, unread: 1 };
const herons: Folder = { ...folder('Birds/Herons'), name: 'Herons', parentPath: 'Birds' };
const noDb = {} as HeronDb;

describe('editing folders', () => {
  it('is for the person’s own folders only', () => {
    assert.deepEqual(LOCAL_FOLDERS.map(isEditableFolder), [false, false, false, false, false]);
    assert.equal(isEditableFolder(birds), true);
  });

  it('moves a selection inside a renamed folder along, and leaves others where they are', () => {
    assert.equal(inSubtree('Birds/Herons', birds), true);
    assert.equal(inSubtree('Birdsong', birds), false, 'a longer name is not a subfolder');
    assert.equal(pathAfterRename('Birds', birds, 'Waders'), 'Waders');
    assert.equal(pathAfterRename('Birds/Herons', birds, 'Waders'), 'Waders/Herons');
    assert.equal(pathAfterRename('INBOX', birds, 'Waders'), null);
  });

  it('offers every folder that can hold mail as a parent, by the names people know', () => {
    const container: Folder = { ...folder('Old'), selectable: false };
    assert.deepEqual(parentChoices([birds, herons, container, LOCAL_FOLDERS[0] as Folder]), [
      { path: 'Birds', label: 'Birds' },
      { path: 'Birds/Herons', label: 'Birds / Herons' },
      { path: 'INBOX', label: 'Inbox' },
    ]);
  });

  it('says before deleting where the messages go', () => {
    assert.equal(deleteQuestion(birds, 0), 'Delete “Birds”? Its 2 messages go to Trash.');
    assert.equal(deleteQuestion({ ...birds, total: 1 }, 1), 'Delete “Birds”? Its 1 message goes to Trash. The folder inside it goes too, their messages to Trash.');
    assert.equal(deleteQuestion({ ...birds, total: 0 }, 3), 'Delete “Birds”? It holds no messages. The 3 folders inside it go too, their messages to Trash.');
  });
});

describe('folder forms markup', () => {
  const render = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);

  it('starts as a "New folder" button that says the form is closed', () => {
    const html = render(createElement(NewFolder, { db: noDb, accountId: 'p1', folders: [birds] }));
    assert.match(html, /<button type="button" class="tool" aria-expanded="false">New folder<\/button>/);
    assert.doesNotMatch(html, /<form/);
  });

  it('offers the folder’s actions behind a labelled menu button', () => {
    const html = render(createElement(FolderMenu, { folder: birds, onRename: () => undefined, onDelete: () => undefined }));
    assert.match(html, /aria-haspopup="menu" aria-expanded="false"/);
    assert.match(html, /aria-label="Folder actions for Birds"/);
  });

  it('renames in a labelled form holding the current name', () => {
    const html = render(createElement(RenameFolder, { db: noDb, folder: birds, onDone: () => undefined }));
    assert.match(html, /<form class="folder-form" aria-label="Rename Birds">/);
    assert.match(html, /<label for="([^"]+)">Folder name<\/label><input id="\1"[^>]* value="Birds"/);
    assert.match(html, /<button type="submit">Rename<\/button>/);
  });

  it('asks in a labelled group before deleting', () => {
    const html = render(createElement(DeleteFolder, { db: noDb, folder: birds, subfolders: 1, onDone: () => undefined }));
    assert.match(html, /role="group" aria-label="Delete Birds"/);
    assert.match(html, /Its 2 messages go to Trash\. The folder inside it goes too/);
    assert.match(html, />Keep it<\/button>.*>Delete folder<\/button>/);
  });
});

/** Mounts the real folder pane of a POP3 account on a real IndexedDB, and exposes what the store holds and what was selected. */
const ENTRY_SOURCE = `
import { createElement, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { FolderPane } from '${REPOSITORY}/src-renderer/features/folders/FolderPane.tsx';
import { HeronDb } from '${REPOSITORY}/src-renderer/store/db.ts';
import { putAccounts } from '${REPOSITORY}/src-renderer/store/accounts.ts';
import { applyBatch } from '${REPOSITORY}/src-renderer/store/apply-batch.ts';
let reactRoot = null;
window.mount = async (account, folders, messages, name) => {
  const db = new HeronDb(name);
  await putAccounts(db, [account]);
  await applyBatch(db, { accountId: account.id, folders });
  await applyBatch(db, { accountId: account.id, folderPath: 'Birds', upsertMessages: messages });
  window.folders = () => db.folders.toArray().then((rows) => rows.map((f) => f.path + ':' + f.total));
  window.selected = [];
  function Pane() {
    const [selection, setSelection] = useState(null);
    const onSelect = (s) => { window.selected.push(s.path); setSelection(s); };
    return createElement(FolderPane, { db, accountId: account.id, selection, onSelect, collapsed: new Set(), onToggleCollapsed: () => {}, local: true });
  }
  if (reactRoot) reactRoot.unmount();
  reactRoot = createRoot(document.getElementById('root'));
  reactRoot.render(createElement(Pane));
};
`;

describe('a POP3 account’s folders (in Chromium)', { skip: chromiumSkip }, () => {
  let opened: ComponentPage;
  let page: Page;
  const storedFolders = () => page.evaluate(() => (window as unknown as { folders: () => Promise<string[]> }).folders().then((all) => all.sort()));
  const selected = () => page.evaluate(() => (window as unknown as { selected: string[] }).selected);
  // A folder's name, then its unread count when it has one (Chromium joins the two spans without a space).
  const folderButton = (name: string) => page.getByRole('list', { name: 'Folders' }).getByRole('button', { name: new RegExp(`^${name}\\s*(\\d+ unread)?$`) });

  async function mount(name: string): Promise<void> {
    const messages: Omit<MessageHeader, 'threadId'>[] = [header(1, { folderPath: 'Birds' }), header(2, { folderPath: 'Birds', flags: ['\\Seen'] })];
    const args: [AccountSummary, Folder[], Omit<MessageHeader, 'threadId'>[], string] = [pop3Account(), [...LOCAL_FOLDERS, folder('Birds')], messages, name];
    await page.evaluate((a) => (window as unknown as { mount: (...x: typeof a) => Promise<void> }).mount(...a), args);
    await folderButton('Birds').waitFor();
  }

  before(async () => {
    opened = await openComponentPage(ENTRY_SOURCE);
    page = opened.page;
  });

  after(async () => {
    await opened?.close();
  });

  it('makes a folder from "New folder" with Enter, and says why a taken name is refused', async () => {
    await mount('folders-new');
    await page.getByRole('button', { name: 'New folder' }).click();
    const field = page.getByLabel('Folder name');
    assert.ok(await field.evaluate((input) => input === document.activeElement), 'the name field has the focus');
    await field.fill('Receipts');
    await field.press('Enter');
    await folderButton('Receipts').waitFor();
    assert.ok((await storedFolders()).includes('Receipts:0'));
    assert.equal(await page.getByRole('button', { name: 'New folder' }).evaluate((button) => button === document.activeElement), true, 'focus is back on the button');

    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('receipts');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is already a folder with that name here.' }).waitFor();
    assert.equal(await page.getByLabel('Folder name').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Folder actions for Inbox' }).count(), 0, 'the standard folders have no menu');
  });

  it('renames a folder from its menu, and the selection follows it', async () => {
    await mount('folders-rename');
    await folderButton('Birds').click();
    await page.getByRole('button', { name: 'Folder actions for Birds' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const field = page.getByLabel('Folder name');
    assert.equal(await field.inputValue(), 'Birds');
    await field.fill('Waders');
    await field.press('Enter');
    await folderButton('Waders').waitFor();
    assert.deepEqual(await storedFolders(), ['Archive:0', 'Drafts:0', 'INBOX:0', 'Sent:0', 'Trash:0', 'Waders:2']);
    assert.deepEqual(await selected(), ['Birds', 'Waders']);
  });

  it('deletes a folder after asking, its messages going to Trash, and the selection with them', async () => {
    await mount('folders-delete');
    await folderButton('Birds').click();
    await page.getByRole('button', { name: 'Folder actions for Birds' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const question = page.getByRole('group', { name: 'Delete Birds' });
    await question.getByText('Delete “Birds”? Its 2 messages go to Trash.').waitFor();
    await question.getByRole('button', { name: 'Delete folder' }).click();
    await folderButton('Birds').waitFor({ state: 'detached' });
    assert.deepEqual(await storedFolders(), ['Archive:0', 'Drafts:0', 'INBOX:0', 'Sent:0', 'Trash:2']);
    assert.deepEqual(await selected(), ['Birds', 'Trash']);
  });
});

// A POP3 account's own folders: created with checked names, renamed with their subfolders and mail, deleted with
// their mail going to Trash; the standard folders and IMAP accounts are left alone.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import { putAccounts } from '../../src-renderer/store/accounts';
import { applyBatch } from '../../src-renderer/store/apply-batch';
import type { HeronDb } from '../../src-renderer/store/db';
import { applyLocalChange } from '../../src-renderer/store/local-changes';
import { createLocalFolder, deleteLocalFolder, folderNameProblem, MAX_FOLDER_NAME_LENGTH, renameLocalFolder } from '../../src-renderer/store/local-folders';
import { messageSourceOf } from '../../src-renderer/store/pop3';
import { foldersOf } from '../../src-renderer/store/queries';
import { searchMessages } from '../../src-renderer/store/search';
import { ACCOUNT, folder, imapAccount, seeded } from '../support/pop3-fixtures';
import { rejection, snapshot } from '../support/store-faults';

async function refusedWith(work: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await rejection(work);
  assert.ok(error instanceof HeronError && error.code === code, String(error));
  if (message) assert.match(error.message, message);
}

const paths = async (db: HeronDb) => (await foldersOf(db, ACCOUNT)).map((f) => `${f.path}<${f.parentPath ?? ''}>${f.total}/${f.unread}`).sort();
const hits = async (db: HeronDb, text: string) => (await searchMessages(db, { accountId: ACCOUNT, text })).hits.map((h) => `${h.folderPath}/${h.uid}`);

/** Birds (messages 1, 2) with Birds/Herons (message 3) inside. */
async function nested(): Promise<HeronDb> {
  const db = await seeded(3);
  await createLocalFolder(db, ACCOUNT, 'Birds');
  await createLocalFolder(db, ACCOUNT, 'Herons', 'Birds');
  await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [1, 2], change: { kind: 'move', toFolder: 'Birds' } });
  await applyLocalChange(db, { accountId: ACCOUNT, folderPath: 'INBOX', uids: [3], change: { kind: 'move', toFolder: 'Birds/Herons' } });
  return db;
}

describe('folder names', () => {
  it('must be something, without the delimiter or control characters, and not too long', () => {
    assert.equal(folderNameProblem(' Receipts ', '/'), null);
    assert.equal(folderNameProblem('  ', '/'), 'Type a name for the folder.');
    assert.equal(folderNameProblem('a/b', '/'), 'A folder name cannot contain "/".');
    assert.equal(folderNameProblem('a/b', '.'), null);
    assert.equal(folderNameProblem('tab\there', '/'), 'A folder name cannot contain control characters.');
    assert.equal(folderNameProblem('x'.repeat(MAX_FOLDER_NAME_LENGTH), '/'), null);
    assert.match(folderNameProblem('x'.repeat(MAX_FOLDER_NAME_LENGTH + 1), '/') ?? '', /at most 200/);
  });
});

describe('creating a folder', () => {
  it('adds an empty folder whose counts are the store’s, at the top or inside another, with the trimmed name', async () => {
    const db = await seeded(0);
    const top = await createLocalFolder(db, ACCOUNT, '  Receipts ');
    assert.deepEqual(top, { ...folder('Receipts'), storeCounted: true });
    const inner = await createLocalFolder(db, ACCOUNT, '2025', 'Receipts');
    assert.deepEqual([inner.path, inner.name, inner.parentPath, inner.delimiter], ['Receipts/2025', '2025', 'Receipts', '/']);
    db.close();
  });

  it('refuses a name another folder has in any letter case, a bad name, a missing parent and an IMAP account', async () => {
    const db = await seeded(0);
    await createLocalFolder(db, ACCOUNT, 'Receipts');
    const before = await snapshot(db);
    await refusedWith(createLocalFolder(db, ACCOUNT, 'inbox'), 'invalid-input', /already a folder/);
    await refusedWith(createLocalFolder(db, ACCOUNT, 'RECEIPTS'), 'invalid-input', /already a folder/);
    await refusedWith(createLocalFolder(db, ACCOUNT, 'a/b'), 'invalid-input', /cannot contain "\/"/);
    await refusedWith(createLocalFolder(db, ACCOUNT, 'Old', 'Gone'), 'not-found');
    await putAccounts(db, [...(await db.accounts.toArray()), imapAccount('a1')]);
    await refusedWith(createLocalFolder(db, 'a1', 'Projects'), 'unsupported', /kept on its server/);
    const after = await snapshot(db);
    assert.deepEqual(after.folders, before.folders);
    db.close();
  });
});

describe('renaming a folder', () => {
  it('moves its subfolders and every message under the same UIDs, with counts, sources and search terms', async () => {
    const db = await nested();
    const renamed = await renameLocalFolder(db, ACCOUNT, 'Birds', 'Waders');
    assert.deepEqual([renamed.path, renamed.name], ['Waders', 'Waders']);
    const all = await paths(db);
    assert.ok(all.includes('Waders<>2/2') && all.includes('Waders/Herons<Waders>1/1'), all.join(' '));
    assert.ok(!all.some((p) => p.startsWith('Birds')), all.join(' '));
    assert.ok(await messageSourceOf(db, ACCOUNT, 'Waders/Herons', 3));
    assert.deepEqual(await hits(db, 'pelican3'), ['Waders/Herons/3']);
    assert.deepEqual(await hits(db, 'pelican1'), ['Waders/1']);
    db.close();
  });

  it('may change only the letter case; refuses a standard folder and a name already taken', async () => {
    const db = await nested();
    await createLocalFolder(db, ACCOUNT, 'Waders');
    assert.equal((await renameLocalFolder(db, ACCOUNT, 'Birds', 'birds')).path, 'birds');
    const before = await snapshot(db);
    await refusedWith(renameLocalFolder(db, ACCOUNT, 'Trash', 'Bin'), 'invalid-input', /cannot be renamed/);
    await refusedWith(renameLocalFolder(db, ACCOUNT, 'birds', 'waders'), 'invalid-input', /already a folder/);
    await refusedWith(renameLocalFolder(db, ACCOUNT, 'Nowhere', 'X'), 'not-found');
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });
});

describe('deleting a folder', () => {
  it('moves its messages and its subfolders’ to Trash and removes the folders', async () => {
    const db = await nested();
    assert.equal(await deleteLocalFolder(db, ACCOUNT, 'Birds'), 3);
    const all = await paths(db);
    assert.ok(!all.some((p) => p.startsWith('Birds')), all.join(' '));
    assert.ok(all.includes('Trash<>3/3'), all.join(' '));
    assert.deepEqual((await hits(db, 'pelican3')), ['Trash/3']);
    assert.ok(await messageSourceOf(db, ACCOUNT, 'Trash', 1));
    db.close();
  });

  it('refuses a standard folder, and an account without Trash', async () => {
    const db = await nested();
    await refusedWith(deleteLocalFolder(db, ACCOUNT, 'INBOX'), 'invalid-input', /cannot be renamed or deleted/);
    await applyBatch(db, { accountId: ACCOUNT, removedFolders: ['Trash'] });
    const before = await snapshot(db);
    await refusedWith(deleteLocalFolder(db, ACCOUNT, 'Birds'), 'not-found', /no Trash/);
    assert.deepEqual(await snapshot(db), before);
    db.close();
  });
});

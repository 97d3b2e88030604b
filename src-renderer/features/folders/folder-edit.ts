// What editing a POP3 account's own folders means for the folder pane: which folders may be edited, where a folder can be made, and where a selection goes after a rename or delete.

import type { Folder } from '../../../shared/model';
import { folderLabel } from './folder-tree';

/** The person's own folders; Inbox, Sent, Drafts, Trash and Archive are the engine's and keep their names. */
export function isEditableFolder(folder: Folder): boolean {
  return folder.specialUse === null;
}

/** Whether `path` is `root` or a folder under it. */
export function inSubtree(path: string, root: Folder): boolean {
  return path === root.path || path.startsWith(`${root.path}${root.delimiter ?? '/'}`);
}

/** Where `path` is after `root` was renamed to `renamedPath`; null when the rename did not touch it. */
export function pathAfterRename(path: string, root: Folder, renamedPath: string): string | null {
  return inSubtree(path, root) ? `${renamedPath}${path.slice(root.path.length)}` : null;
}

/** The folders a new one can be made in, by the names people know ("Archive / 2024"), in name order. */
export function parentChoices(folders: readonly Folder[]): { path: string; label: string }[] {
  return folders
    .filter((f) => f.selectable)
    .map((f) => ({ path: f.path, label: folderLabel(f) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** What deleting a folder will do, said before it is done: nothing is lost in one step, messages go to Trash. */
export function deleteQuestion(folder: Folder, subfolders: number): string {
  const count = folder.total.toLocaleString('en');
  const what = folder.total === 0 ? 'It holds no messages.' : `Its ${count} ${folder.total === 1 ? 'message goes' : 'messages go'} to Trash.`;
  const under = subfolders === 0 ? '' : ` ${subfolders === 1 ? 'The folder' : `The ${subfolders} folders`} inside it ${subfolders === 1 ? 'goes' : 'go'} too, their messages to Trash.`;
  return `Delete “${folderLabel(folder)}”? ${what}${under}`;
}

// Folders as a tree: special-use folders first in a fixed order, then the rest by name, children under parents.

import type { Folder, SpecialUse } from '../../../shared/model';

export interface FolderNode {
  folder: Folder;
  children: FolderNode[];
}

const SPECIAL_ORDER: SpecialUse[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash', 'all', 'flagged'];

function rank(folder: Folder): number {
  const index = folder.specialUse ? SPECIAL_ORDER.indexOf(folder.specialUse) : -1;
  return index < 0 ? SPECIAL_ORDER.length : index;
}

export function folderTree(folders: Folder[]): FolderNode[] {
  const nodes = new Map(folders.map((folder) => [folder.path, { folder, children: [] as FolderNode[] }]));
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.folder.parentPath ? nodes.get(node.folder.parentPath) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: FolderNode[]) => {
    list.sort((a, b) => rank(a.folder) - rank(b.folder) || a.folder.name.localeCompare(b.folder.name));
    list.forEach((n) => sort(n.children));
    return list;
  };
  return sort(roots);
}

/** A folder's name as people know it: "Inbox" for the inbox, nested ones with their parents ("Archive / 2024"). */
export function folderLabel(folder: Folder): string {
  if (folder.specialUse === 'inbox' || folder.path.toUpperCase() === 'INBOX') return 'Inbox';
  if (!folder.delimiter || !folder.parentPath) return folder.name;
  return folder.path.split(folder.delimiter).join(' / ');
}

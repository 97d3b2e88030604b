// One account's folders from the store, nested by their server hierarchy, with unread counts.

import { useLiveQuery } from 'dexie-react-hooks';
import type { Folder } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { foldersOf } from '../../store/queries';
import { folderTree, type FolderNode } from './folder-tree';

export interface FolderSelection {
  accountId: string;
  path: string;
  name: string;
  total: number;
}

interface Props {
  db: HeronDb;
  accountId: string;
  selection: FolderSelection | null;
  onSelect: (selection: FolderSelection) => void;
}

function FolderItem({ node, props }: { node: FolderNode; props: Props }) {
  const { folder } = node;
  const selected = props.selection?.accountId === folder.accountId && props.selection.path === folder.path;
  return (
    <li>
      <button
        type="button"
        className={selected ? 'folder selected' : 'folder'}
        aria-current={selected ? 'true' : undefined}
        disabled={!folder.selectable}
        onClick={() => props.onSelect({ accountId: folder.accountId, path: folder.path, name: folder.name, total: folder.total })}
      >
        <span className="folder-name">{folder.specialUse === 'inbox' ? 'Inbox' : folder.name}</span>
        {folder.unread > 0 && <span className="unread" aria-label={`${folder.unread} unread`}>{folder.unread}</span>}
      </button>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <FolderItem key={child.folder.path} node={child} props={props} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function FolderPane(props: Props) {
  const folders = useLiveQuery<Folder[]>(() => foldersOf(props.db, props.accountId), [props.db, props.accountId]);
  if (!folders) return null;
  if (folders.length === 0) return <p className="hint">Fetching folders…</p>;
  return (
    <ul className="folders" aria-label="Folders">
      {folderTree(folders).map((node) => (
        <FolderItem key={node.folder.path} node={node} props={props} />
      ))}
    </ul>
  );
}

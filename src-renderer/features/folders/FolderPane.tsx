// One account's folders from the store: nested and collapsible, with special-use icons, unread counts, and rows of the list droppable onto them.

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { Folder, SpecialUse } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { foldersOf } from '../../store/queries';
import { Icon, type IconName } from '../layout/icons';
import { currentMessageDrag, type MessageDrag } from '../list/drag';
import { folderTree, type FolderNode } from './folder-tree';

export interface FolderSelection {
  accountId: string;
  path: string;
  name: string;
  total: number;
}

export interface FolderDropTarget {
  accepts: (folder: Folder, drag: MessageDrag) => boolean;
  onDrop: (folder: Folder, drag: MessageDrag) => void;
}

interface Props {
  db: HeronDb;
  accountId: string;
  selection: FolderSelection | null;
  onSelect: (selection: FolderSelection) => void;
  /** Collapsed folders, by collapseKey(). */
  collapsed: ReadonlySet<string>;
  onToggleCollapsed: (key: string) => void;
  drop?: FolderDropTarget;
}

const ICONS: Record<SpecialUse, IconName> = {
  inbox: 'inbox',
  sent: 'sent',
  drafts: 'drafts',
  trash: 'trash',
  junk: 'junk',
  archive: 'archive',
  all: 'all',
  flagged: 'flag',
};

export function collapseKey(accountId: string, path: string): string {
  return `${accountId}\u0000${path}`;
}

function displayName(folder: Folder): string {
  return folder.specialUse === 'inbox' ? 'Inbox' : folder.name;
}

function FolderItem({ node, depth, props }: { node: FolderNode; depth: number; props: Props }) {
  const { folder } = node;
  const [over, setOver] = useState(false);
  const selected = props.selection?.accountId === folder.accountId && props.selection.path === folder.path;
  const key = collapseKey(folder.accountId, folder.path);
  const collapsed = props.collapsed.has(key);
  const name = displayName(folder);

  const droppable = (event: React.DragEvent): MessageDrag | null => {
    const drag = props.drop ? currentMessageDrag(event) : null;
    return drag && props.drop?.accepts(folder, drag) ? drag : null;
  };
  const onDragOver = (event: React.DragEvent) => {
    if (!droppable(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    setOver(true);
  };
  const onDrop = (event: React.DragEvent) => {
    const drag = droppable(event);
    setOver(false);
    if (!drag) return;
    event.preventDefault();
    props.drop?.onDrop(folder, drag);
  };

  return (
    <li>
      <div className="folder-row" style={{ paddingLeft: `${depth * 0.9}rem` }}>
        {node.children.length > 0 ? (
          <button type="button" className="twisty" aria-expanded={!collapsed} aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${name}`} onClick={() => props.onToggleCollapsed(key)}>
            <Icon name={collapsed ? 'chevron-right' : 'chevron-down'} size={14} />
          </button>
        ) : (
          <span className="twisty" />
        )}
        <button
          type="button"
          className={['folder', selected && 'selected', over && 'drop-over', folder.unread > 0 && 'has-unread'].filter(Boolean).join(' ')}
          aria-current={selected ? 'true' : undefined}
          disabled={!folder.selectable}
          title={`${folder.total.toLocaleString()} messages`}
          onClick={() => props.onSelect({ accountId: folder.accountId, path: folder.path, name, total: folder.total })}
          onDragOver={onDragOver}
          onDragEnter={onDragOver}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <Icon name={folder.specialUse ? ICONS[folder.specialUse] : 'folder'} />
          <span className="folder-name">{name}</span>
          {folder.unread > 0 && (
            <span className="unread" aria-label={`${folder.unread} unread`}>
              {folder.unread.toLocaleString()}
            </span>
          )}
        </button>
      </div>
      {node.children.length > 0 && !collapsed && (
        <ul>
          {node.children.map((child) => (
            <FolderItem key={child.folder.path} node={child} depth={depth + 1} props={props} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function FolderPane(props: Props) {
  const folders = useLiveQuery<Folder[]>(() => foldersOf(props.db, props.accountId), [props.db, props.accountId]);
  if (!folders) return <p className="hint loading-line">Loading folders…</p>;
  if (folders.length === 0) return <p className="hint">Fetching folders…</p>;
  return (
    <ul className="folders" aria-label="Folders">
      {folderTree(folders).map((node) => (
        <FolderItem key={node.folder.path} node={node} depth={0} props={props} />
      ))}
    </ul>
  );
}

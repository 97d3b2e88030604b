// One account's folders from the store: nested and collapsible, with special-use icons, unread counts, and rows of the list droppable onto them;
// for a POP3 account, whose folders exist only in the store, also the person's own folders made, renamed and deleted here.

import { useLiveQuery } from 'dexie-react-hooks';
import { useRef, useState } from 'react';
import type { Folder, SpecialUse } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { foldersOf } from '../../store/queries';
import { Icon, type IconName } from '../layout/icons';
import { currentMessageDrag, type MessageDrag } from '../list/drag';
import { inSubtree, isEditableFolder, pathAfterRename } from './folder-edit';
import { folderTree, type FolderNode } from './folder-tree';
import { DeleteFolder, FolderMenu, NewFolder, RenameFolder } from './LocalFolderTools';
import './folders.css';

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
  /** The account's folders exist only in the store (POP3): the person may make, rename and delete their own. */
  local?: boolean;
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

/** After a rename or delete, a selection inside the changed folders follows them (to their new paths, or to Trash). */
function followEdits(props: Props, folders: readonly Folder[]) {
  const { selection, onSelect } = props;
  const renamed = (old: Folder, now: Folder) => {
    const path = selection ? pathAfterRename(selection.path, old, now.path) : null;
    if (!selection || path === null || selection.accountId !== old.accountId) return;
    onSelect({ ...selection, path, name: selection.path === old.path ? now.name : selection.name });
  };
  const deleted = (old: Folder) => {
    const trash = folders.find((f) => f.specialUse === 'trash');
    if (!selection || !trash || selection.accountId !== old.accountId || !inSubtree(selection.path, old)) return;
    onSelect({ accountId: trash.accountId, path: trash.path, name: trash.name, total: trash.total });
  };
  return { renamed, deleted };
}

interface Editing {
  db: HeronDb;
  folders: readonly Folder[];
  follow: ReturnType<typeof followEdits>;
}

function FolderItem({ node, depth, props, editing }: { node: FolderNode; depth: number; props: Props; editing: Editing | null }) {
  const { folder } = node;
  const [over, setOver] = useState(false);
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const item = useRef<HTMLLIElement>(null);
  const editable = editing !== null && isEditableFolder(folder);
  /** Back from a form, focus returns to the folder's menu button, rendered again by then. */
  const backToView = () => {
    setMode('view');
    requestAnimationFrame(() => item.current?.querySelector<HTMLElement>(':scope > .folder-row .folder-menu-button')?.focus());
  };
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

  const subfolders = editing ? editing.folders.filter((f) => f !== folder && inSubtree(f.path, folder)).length : 0;
  const row = (
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
      {editable && <FolderMenu folder={folder} onRename={() => setMode('rename')} onDelete={() => setMode('delete')} />}
    </div>
  );

  return (
    <li ref={item}>
      {editing && mode === 'rename' ? (
        <RenameFolder
          db={editing.db}
          folder={folder}
          onDone={(renamed) => {
            if (renamed) editing.follow.renamed(folder, renamed);
            backToView();
          }}
        />
      ) : (
        row
      )}
      {editing && mode === 'delete' && (
        <DeleteFolder
          db={editing.db}
          folder={folder}
          subfolders={subfolders}
          onDone={(deleted) => {
            if (deleted) editing.follow.deleted(folder);
            else backToView();
          }}
        />
      )}
      {node.children.length > 0 && !collapsed && (
        <ul>
          {node.children.map((child) => (
            <FolderItem key={child.folder.path} node={child} depth={depth + 1} props={props} editing={editing} />
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
  const editing: Editing | null = props.local ? { db: props.db, folders, follow: followEdits(props, folders) } : null;
  return (
    <>
      <ul className="folders" aria-label="Folders">
        {folderTree(folders).map((node) => (
          <FolderItem key={node.folder.path} node={node} depth={0} props={props} editing={editing} />
        ))}
      </ul>
      {props.local && <NewFolder db={props.db} accountId={props.accountId} folders={folders} />}
    </>
  );
}

// The actions above the list; each names its shortcut in its tooltip, and each acts on the selection (or the row under the cursor).

import type { Folder } from '../../../shared/model';
import { Icon, type IconName } from '../layout/icons';
import { MoveMenu } from './MoveMenu';

export interface ToolbarState {
  /** Rows the actions would act on. */
  targets: number;
  canArchive: boolean;
  /** In Trash, delete removes for good. */
  deleteForever: boolean;
}

interface Props {
  state: ToolbarState;
  folders: readonly Folder[];
  currentPath: string | null;
  moveOpen: boolean;
  onMoveOpenChange: (open: boolean) => void;
  onSelectAll: () => void;
  onArchive: () => void;
  onDelete: () => void;
  onToggleFlag: () => void;
  onMarkRead: () => void;
  onMarkUnread: () => void;
  onMove: (folder: Folder) => void;
}

function Tool({ icon, label, shortcut, disabled, onClick }: { icon: IconName; label: string; shortcut: string; disabled: boolean; onClick: () => void }) {
  return (
    <button type="button" className="tool" aria-label={label} title={`${label} (${shortcut})`} disabled={disabled} onClick={onClick}>
      <Icon name={icon} />
    </button>
  );
}

export function Toolbar({ state, folders, currentPath, moveOpen, onMoveOpenChange, ...on }: Props) {
  const none = state.targets === 0;
  return (
    <div className="toolbar" role="toolbar" aria-label="Message actions">
      <Tool icon="select-all" label="Select all" shortcut="Ctrl+A" disabled={currentPath === null} onClick={on.onSelectAll} />
      <span className="tool-gap" />
      <Tool icon="archive" label="Archive" shortcut="e" disabled={none || !state.canArchive} onClick={on.onArchive} />
      <Tool icon="trash" label={state.deleteForever ? 'Delete forever' : 'Delete'} shortcut="#" disabled={none} onClick={on.onDelete} />
      <MoveMenu folders={folders} currentPath={currentPath} disabled={none} open={moveOpen} onOpenChange={onMoveOpenChange} onMove={on.onMove} />
      <span className="tool-gap" />
      <Tool icon="flag" label="Flag or unflag" shortcut="s" disabled={none} onClick={on.onToggleFlag} />
      <Tool icon="mail-open" label="Mark as read" shortcut="Shift+I" disabled={none} onClick={on.onMarkRead} />
      <Tool icon="mail" label="Mark as unread" shortcut="Shift+U" disabled={none} onClick={on.onMarkUnread} />
      {state.targets > 1 && <span className="selected-count">{state.targets.toLocaleString()} selected</span>}
    </div>
  );
}

// "Move to…": a menu button listing the account's other folders; arrow keys move through it, Escape closes it.

import { useEffect, useRef } from 'react';
import type { Folder } from '../../../shared/model';
import { Icon } from '../layout/icons';
import { folderLabel } from '../folders/folder-tree';

interface Props {
  folders: readonly Folder[];
  currentPath: string | null;
  disabled: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onMove: (folder: Folder) => void;
}

export function MoveMenu({ folders, currentPath, disabled, open, onOpenChange, onMove }: Props) {
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const targets = folders.filter((f) => f.selectable && f.path !== currentPath);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  const close = (refocus: boolean) => {
    onOpenChange(false);
    if (refocus) button.current?.focus();
  };

  const onMenuKey = (event: React.KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') focusAt(at + 1);
    else if (event.key === 'ArrowUp') focusAt(at - 1);
    else if (event.key === 'Home') focusAt(0);
    else if (event.key === 'End') focusAt(items.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') close(event.key === 'Escape');
    else return;
    // The window's shortcuts must not see keys the menu used.
    event.stopPropagation();
    if (event.key !== 'Tab') event.preventDefault();
  };

  return (
    <div className="menu-anchor">
      <button
        ref={button}
        type="button"
        className="tool"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? 'move-menu' : undefined}
        disabled={disabled}
        aria-label="Move to…"
        title="Move to a folder (v)"
        onClick={() => onOpenChange(!open)}
      >
        <Icon name="move" />
      </button>
      {open && (
        <ul id="move-menu" ref={menu} className="menu" role="menu" aria-label="Move to folder" onKeyDown={onMenuKey} onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && !button.current?.contains(e.relatedTarget) && close(false)}>
          {targets.length === 0 && (
            <li role="none" className="hint">
              No other folders.
            </li>
          )}
          {targets.map((folder) => (
            <li key={folder.path} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  close(true);
                  onMove(folder);
                }}
              >
                {folderLabel(folder)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

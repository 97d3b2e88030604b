// A POP3 account's own folders in the folder pane: "New folder", and on each of the person's folders a small menu to rename or delete it.

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { Folder } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { createLocalFolder, deleteLocalFolder, renameLocalFolder } from '../../store/local-folders';
import { ErrorNote } from '../accounts/ErrorNote';
import { deleteQuestion, parentChoices } from './folder-edit';
import { folderLabel } from './folder-tree';

/** One store write at a time, its error kept for the form to show. */
function useWrite() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HeronError | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(toHeronError(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

/** Escape cancels; no key typed here reaches the window's shortcuts. */
function formKeys(onCancel: () => void) {
  return (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  };
}

interface NewFolderProps {
  db: HeronDb;
  accountId: string;
  folders: readonly Folder[];
}

/** "New folder": a name, where to put it (the top by default), then Enter or Create. */
export function NewFolder({ db, accountId, folders }: NewFolderProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const write = useWrite();
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    setName('');
    setParent('');
    write.clear();
    button.current?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void write.run(async () => {
      await createLocalFolder(db, accountId, name, parent === '' ? null : parent);
      close();
    });
  };

  return (
    <div className="new-folder">
      <button ref={button} type="button" className="tool" aria-expanded={open} aria-controls={open ? `${id}-form` : undefined} onClick={() => (open ? close() : setOpen(true))}>
        New folder
      </button>
      {open && (
        <form id={`${id}-form`} className="folder-form" aria-label="New folder" onSubmit={submit} onKeyDown={formKeys(close)}>
          <label htmlFor={`${id}-name`}>Folder name</label>
          <input id={`${id}-name`} ref={input} value={name} aria-invalid={write.error?.code === 'invalid-input'} onChange={(e) => setName(e.target.value)} />
          <label htmlFor={`${id}-parent`}>Inside</label>
          <select id={`${id}-parent`} value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">Nothing (at the top)</option>
            {parentChoices(folders).map((choice) => (
              <option key={choice.path} value={choice.path}>
                {choice.label}
              </option>
            ))}
          </select>
          {write.error && <ErrorNote error={write.error} />}
          <div className="actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" disabled={write.busy}>
              Create
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

interface FolderMenuProps {
  folder: Folder;
  onRename: () => void;
  onDelete: () => void;
}

/** The menu button beside one of the person's folders; arrow keys move through it, Escape closes it. */
export function FolderMenu({ folder, onRename, onDelete }: FolderMenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (event.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else if (event.key === 'Escape' || event.key === 'Tab') close(event.key === 'Escape');
    else return;
    event.stopPropagation();
    if (event.key !== 'Tab') event.preventDefault();
  };
  const choose = (action: () => void) => () => {
    setOpen(false);
    action();
  };

  return (
    <div className="menu-anchor folder-menu">
      <button
        ref={button}
        type="button"
        className="folder-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        aria-label={`Folder actions for ${folderLabel(folder)}`}
        title="Rename or delete this folder"
        onClick={() => setOpen(!open)}
      >
        …
      </button>
      {open && (
        <ul id={`${id}-menu`} ref={menu} className="menu" role="menu" aria-label={`Folder ${folderLabel(folder)}`} onKeyDown={onMenuKey} onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && !button.current?.contains(e.relatedTarget) && close(false)}>
          <li role="none">
            <button type="button" role="menuitem" tabIndex={-1} onClick={choose(onRename)}>
              Rename…
            </button>
          </li>
          <li role="none">
            <button type="button" role="menuitem" tabIndex={-1} onClick={choose(onDelete)}>
              Delete…
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}

interface RenameProps {
  db: HeronDb;
  folder: Folder;
  onDone: (renamed: Folder | null) => void;
}

/** The folder's name in place, to edit; Enter renames, Escape keeps it. */
export function RenameFolder({ db, folder, onDone }: RenameProps) {
  const id = useId();
  const [name, setName] = useState(folder.name);
  const write = useWrite();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.select();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void write.run(async () => onDone(await renameLocalFolder(db, folder.accountId, folder.path, name)));
  };
  return (
    <form className="folder-form" aria-label={`Rename ${folderLabel(folder)}`} onSubmit={submit} onKeyDown={formKeys(() => onDone(null))}>
      <label htmlFor={`${id}-name`}>Folder name</label>
      <input id={`${id}-name`} ref={input} value={name} aria-invalid={write.error?.code === 'invalid-input'} onChange={(e) => setName(e.target.value)} />
      {write.error && <ErrorNote error={write.error} />}
      <div className="actions">
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" disabled={write.busy}>
          Rename
        </button>
      </div>
    </form>
  );
}

interface DeleteProps {
  db: HeronDb;
  folder: Folder;
  subfolders: number;
  onDone: (deleted: boolean) => void;
}

/** Asks before deleting, saying where the messages go. */
export function DeleteFolder({ db, folder, subfolders, onDone }: DeleteProps) {
  const write = useWrite();
  const keep = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    keep.current?.focus();
  }, []);

  const remove = () =>
    void write.run(async () => {
      await deleteLocalFolder(db, folder.accountId, folder.path);
      onDone(true);
    });
  return (
    <div className="folder-form" role="group" aria-label={`Delete ${folderLabel(folder)}`} onKeyDown={formKeys(() => onDone(false))}>
      <p>{deleteQuestion(folder, subfolders)}</p>
      {write.error && <ErrorNote error={write.error} />}
      <div className="actions">
        <button type="button" ref={keep} onClick={() => onDone(false)}>
          Keep it
        </button>
        <button type="button" className="danger" disabled={write.busy} onClick={remove}>
          Delete folder
        </button>
      </div>
    </div>
  );
}

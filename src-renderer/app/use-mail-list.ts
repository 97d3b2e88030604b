// The list's controller: selection, the open message, and every command (click, keys, toolbar, drag and drop) turned into store changes.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EngineApi } from '../../shared/contract';
import { toErrorData, type HeronErrorData } from '../../shared/errors';
import type { Folder, LocalChange, MessageHeader } from '../../shared/model';
import type { Command } from '../features/actions/keyboard';
import type { ComposeKind } from '../features/compose/reply';
import { markRead, markUnread, runChange, toggleFlag } from '../features/actions/run-change';
import type { ToolbarState } from '../features/actions/Toolbar';
import type { FolderDropTarget, FolderSelection } from '../features/folders/FolderPane';
import { beginMessageDrag, endMessageDrag } from '../features/list/drag';
import type { ListMode, ListRow, RowKey } from '../features/list/list-rows';
import type { MessageListHandle } from '../features/list/MessageList';
import {
  actionKeys,
  afterRemoval,
  applyClick,
  clickModifiers,
  emptySelection,
  extendTo,
  moveCursor,
  rangeFor,
  selectAll,
  settleFollow,
  toggleCursor,
  type ListSelection,
} from '../features/list/selection';
import { useListWindow } from '../features/list/use-list-window';
import type { HeronDb } from '../store/db';
import { headersOf, type SortOrder } from '../store/list-queries';

export interface OpenedMessage {
  accountId: string;
  folderPath: string;
  uid: number;
  threadId: string;
}

interface Options {
  db: HeronDb;
  engine: EngineApi;
  folder: FolderSelection | null;
  /** The open folder's account's folders: Archive and Trash decide what archive and delete mean. */
  folders: readonly Folder[];
  mode: ListMode;
  order: SortOrder;
  markReadOnOpen: boolean;
  mac: boolean;
  onError: (error: HeronErrorData) => void;
}

const EMPTY = emptySelection<RowKey>();

export function useMailList({ db, engine, folder, folders, mode, order, markReadOnOpen, mac, onError }: Options) {
  const accountId = folder?.accountId ?? null;
  const folderPath = folder?.path ?? null;
  const folderRef = useMemo(() => (accountId !== null && folderPath !== null ? { accountId, path: folderPath } : null), [accountId, folderPath]);
  const [visible, setVisible] = useState({ start: 0, end: 40 });
  const onVisibleChange = useCallback((start: number, end: number) => setVisible((v) => (v.start === start && v.end === end ? v : { start, end })), []);
  const list = useListWindow(db, folderRef, mode, order, visible);
  const listHandle = useRef<MessageListHandle>(null);

  // A selection belongs to one folder, mode and order: positions and keys mean nothing in another.
  const identity = `${accountId}\u0000${folderPath}\u0000${mode}\u0000${order}`;
  const [held, setHeld] = useState({ identity, selection: EMPTY });
  const selection = held.identity === identity ? held.selection : EMPTY;
  const update = useCallback(
    (next: (s: ListSelection<RowKey>) => ListSelection<RowKey>) => setHeld((prev) => ({ identity, selection: next(prev.identity === identity ? prev.selection : EMPTY) })),
    [identity],
  );
  const [opened, setOpened] = useState<OpenedMessage | null>(null);
  const [moveOpen, setMoveOpen] = useState(false);

  useEffect(() => {
    setOpened((o) => (o && (o.accountId !== accountId || o.folderPath !== folderPath) ? null : o));
    listHandle.current?.scrollToIndex(0);
  }, [accountId, folderPath]);

  const keyAt = useCallback((index: number) => list.rowAt(index)?.key, [list]);
  const cursorKey = selection.cursor >= 0 ? keyAt(selection.cursor) : undefined;

  // A cursor waiting for its row (a jump, or the row after removed ones) selects it once loaded; a shrunk list pulls it back in.
  useEffect(() => {
    if (list.count === undefined) return;
    if (selection.cursor >= list.count && list.count > 0 && !selection.followCursor) {
      update((s) => ({ ...s, cursor: list.count! - 1, followCursor: s.keys.length === 0 }));
      return;
    }
    if (selection.followCursor) {
      const next = settleFollow(selection, keyAt);
      if (next !== selection) update(() => next);
    }
  }, [list.count, selection, keyAt, update]);

  const fail = useCallback((error: unknown) => onError(toErrorData(error)), [onError]);

  const change = useCallback(
    async (uids: number[], localChange: LocalChange) => {
      if (!accountId || !folderPath) return;
      await runChange(db, engine, { accountId, folderPath, uids }, localChange);
    },
    [db, engine, accountId, folderPath],
  );

  /** Opens a message in the reader and, with the setting on, marks it read (for a conversation: its unread messages in this folder). */
  const openMessage = useCallback(
    (header: MessageHeader, alsoRead: () => Promise<MessageHeader[]> = async () => [header]) => {
      setOpened({ accountId: header.accountId, folderPath: header.folderPath, uid: header.uid, threadId: header.threadId });
      if (!markReadOnOpen) return;
      void alsoRead()
        .then((headers) => {
          const read = markRead(headers);
          return read ? runChange(db, engine, { accountId: header.accountId, folderPath: header.folderPath, uids: read.uids }, read.change) : undefined;
        })
        .catch(fail);
    },
    [db, engine, markReadOnOpen, fail],
  );

  const openRow = useCallback(
    (row: ListRow) => {
      if (row.kind === 'message') return openMessage(row.header);
      const { latest, uids, unreadCount } = row.conversation;
      openMessage(latest, async () => (unreadCount > 0 ? headersOf(db, latest.accountId, latest.folderPath, uids) : []));
    },
    [db, openMessage],
  );

  const targetUids = useCallback(async () => list.uidsOf(actionKeys(selection, cursorKey)), [list, selection, cursorKey]);

  const removeTargets = useCallback(
    async (localChange: LocalChange, keys: RowKey[] = actionKeys(selection, cursorKey), uidsOf: () => Promise<number[]> = () => list.uidsOf(keys)) => {
      if (keys.length === 0) return;
      try {
        const uids = await uidsOf();
        await change(uids, localChange);
        update((s) => afterRemoval(s, keys, Math.max(0, (list.count ?? 0) - keys.length)));
        setOpened((o) => (o && o.folderPath === folderPath && uids.includes(o.uid) ? null : o));
      } catch (error) {
        fail(error);
      }
    },
    [selection, cursorKey, list, change, update, folderPath, fail],
  );

  const editFlags = useCallback(
    async (pick: (headers: MessageHeader[]) => { uids: number[]; change: LocalChange } | null) => {
      if (!accountId || !folderPath) return;
      try {
        const edit = pick(await headersOf(db, accountId, folderPath, await targetUids()));
        if (edit) await change(edit.uids, edit.change);
      } catch (error) {
        fail(error);
      }
    },
    [db, accountId, folderPath, targetUids, change, fail],
  );

  const archiveFolder = folders.find((f) => f.specialUse === 'archive' && f.selectable);
  const currentFolder = folders.find((f) => f.path === folderPath);
  const toolbar: ToolbarState = {
    targets: actionKeys(selection, cursorKey).length,
    canArchive: archiveFolder !== undefined && archiveFolder.path !== folderPath,
    deleteForever: currentFolder?.specialUse === 'trash',
  };

  const actions = {
    selectAll: () => void list.allKeys().then((keys) => update((s) => selectAll(s, keys)), fail),
    archive: () => void (toolbar.canArchive && removeTargets({ kind: 'archive' })),
    remove: () => void removeTargets({ kind: 'delete' }),
    move: (to: Folder) => void removeTargets({ kind: 'move', toFolder: to.path }),
    toggleFlag: () => void editFlags(toggleFlag),
    markRead: () => void editFlags(markRead),
    markUnread: () => void editFlags(markUnread),
  };

  const step = (target: number, extend: boolean) => {
    const count = list.count ?? 0;
    if (count === 0) return;
    const to = Math.max(0, Math.min(count - 1, target));
    listHandle.current?.scrollToIndex(to);
    if (extend) {
      const range = rangeFor(selection, to, { range: true, toggle: false });
      if (range) void list.keysInRange(range.from, range.to).then((keys) => update((s) => extendTo(s, to, count, keys)), fail);
      return;
    }
    update((s) => moveCursor(s, to, count, keyAt));
    // Reading along: with a message open, the next one opens too.
    const row = list.rowAt(to);
    if (opened && row) openRow(row);
  };

  const run = (command: Command, helpers: { openHelp: () => void; compose: (kind: ComposeKind, message: OpenedMessage | null) => void }): void => {
    const cursor = selection.cursor;
    switch (command) {
      case 'next':
        return step(cursor < 0 ? 0 : cursor + 1, false);
      case 'previous':
        return step(cursor < 0 ? 0 : cursor - 1, false);
      case 'extend-next':
        return step(cursor < 0 ? 0 : cursor + 1, true);
      case 'extend-previous':
        return step(cursor < 0 ? 0 : cursor - 1, true);
      case 'first':
        return step(0, false);
      case 'last':
        return step((list.count ?? 1) - 1, false);
      case 'open': {
        const row = cursor >= 0 ? list.rowAt(cursor) : undefined;
        if (row) openRow(row);
        return;
      }
      case 'back':
        setOpened(null);
        listHandle.current?.focus();
        return;
      case 'archive':
        return actions.archive();
      case 'delete':
        return actions.remove();
      case 'toggle-flag':
        return actions.toggleFlag();
      case 'mark-read':
        return actions.markRead();
      case 'mark-unread':
        return actions.markUnread();
      case 'toggle-select':
        return update((s) => toggleCursor(s, cursorKey));
      case 'select-all':
        return actions.selectAll();
      case 'move':
        if (toolbar.targets > 0) setMoveOpen(true);
        return;
      case 'focus-search':
        document.getElementById('search')?.focus();
        return;
      case 'compose':
        return helpers.compose('new', null);
      case 'reply':
      case 'reply-all':
      case 'forward':
        // About the message open in the reader; with none open there is nothing to answer.
        if (opened) helpers.compose(command, opened);
        return;
      case 'help':
        return helpers.openHelp();
    }
  };

  const onRowClick = (index: number, row: ListRow, event: React.MouseEvent) => {
    const modifiers = clickModifiers(event, mac);
    const range = rangeFor(selection, index, modifiers);
    if (range) {
      // Shift-click also selects rows scrolled out of memory: their keys come from the index.
      void list.keysInRange(range.from, range.to).then((keys) => update((s) => applyClick(s, index, row.key, modifiers, keys)), fail);
      setOpened(null);
      return;
    }
    update((s) => applyClick(s, index, row.key, modifiers));
    if (modifiers.toggle) setOpened(null);
    else openRow(row);
  };

  const onRowDragStart = (index: number, row: ListRow, event: React.DragEvent) => {
    if (!accountId || !folderPath) return;
    // Dragging a selected row drags the selection; any other row goes alone and becomes the selection.
    const keys = selection.keys.includes(row.key) ? [...selection.keys] : [row.key];
    if (!selection.keys.includes(row.key)) update((s) => applyClick(s, index, row.key, { range: false, toggle: false }));
    const uidsOf = list.uidsOf;
    beginMessageDrag(event, { accountId, folderPath, keys, uids: () => uidsOf(keys) });
  };

  const dropTarget: FolderDropTarget = {
    accepts: (target, drag) => target.selectable && target.accountId === drag.accountId && target.path !== drag.folderPath && drag.folderPath === folderPath,
    onDrop: (target, drag) => {
      endMessageDrag();
      void removeTargets({ kind: 'move', toFolder: target.path }, drag.keys, drag.uids);
    },
  };

  const openedKey: RowKey | null = opened ? (mode === 'messages' ? opened.uid : opened.threadId) : null;

  return {
    list,
    listHandle,
    selection,
    opened,
    openedKey,
    openMessage,
    onVisibleChange,
    onRowClick,
    onRowDragStart,
    onRowDragEnd: endMessageDrag,
    dropTarget,
    toolbar,
    actions,
    moveOpen,
    setMoveOpen,
    run,
  };
}

// The mail window: accounts and folders, the message list and the reader in resizable panes, with keyboard shortcuts and remembered layout.

import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, EngineApi } from '../../shared/contract';
import { toErrorData, type HeronErrorData } from '../../shared/errors';
import type { AccountSummary, Folder } from '../../shared/model';
import { AccountSettings } from '../features/accounts/AccountSettings';
import { fixFor } from '../features/accounts/error-fix';
import { commandFor, isControl, isEditable } from '../features/actions/keyboard';
import { ShortcutHelp } from '../features/actions/ShortcutHelp';
import { Toolbar } from '../features/actions/Toolbar';
import { Composer } from '../features/compose/Composer';
import { createDraft, editServerDraft, type MessageRef } from '../features/compose/compose-start';
import { LocalMail } from '../features/compose/LocalMail';
import { OutboxPanel } from '../features/compose/OutboxPanel';
import type { ComposeKind } from '../features/compose/reply';
import { SendNotice, type SentMessage } from '../features/compose/SendNotice';
import { AccountFolders } from '../features/folders/AccountFolders';
import { type FolderSelection } from '../features/folders/FolderPane';
import { Icon } from '../features/layout/icons';
import { DEFAULT_LAYOUT, layoutValue, parseLayout, type Layout } from '../features/layout/layout';
import { Splitter } from '../features/layout/Splitter';
import type { ListMode } from '../features/list/list-rows';
import { MessageList } from '../features/list/MessageList';
import type { HeronDb } from '../store/db';
import type { SortOrder } from '../store/list-queries';
import { foldersOf } from '../store/queries';
import { openDrafts } from '../store/drafts';
import { dismissDroppedChange, droppedChangesOf } from '../store/pending-changes';
import { isUnreachable } from './connection';
import { Notices, type ShownError } from './Notices';
import { ReaderPane } from './ReaderPane';
import { parseBoolean, parseChoice, parseStringList, SETTING_KEYS, useSetting } from './settings';
import { TopBar } from './TopBar';
import type { AccountStatus } from './use-engine';
import { useMailList } from './use-mail-list';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  info: AppInfo;
  accounts: AccountSummary[];
  statuses: Record<string, AccountStatus>;
  onAddAccount: () => void;
}

const parseMode = parseChoice<ListMode>(['conversations', 'messages'], 'conversations');
const parseOrder = parseChoice<SortOrder>(['newest', 'oldest'], 'newest');
const parseMarkRead = parseBoolean(true);

function parseLastFolder(value: unknown): { accountId: string; path: string } | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  return typeof v.accountId === 'string' && typeof v.path === 'string' ? { accountId: v.accountId, path: v.path } : null;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The browser's own idea of the network, so the bar shows at once even before the engine's next attempt fails. */
function useNavigatorOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

export function MailWindow({ db, engine, info, accounts, statuses, onAddAccount }: Props) {
  const [storedLayout, saveLayout] = useSetting(db, SETTING_KEYS.layout, parseLayout);
  const [mode, saveMode] = useSetting(db, SETTING_KEYS.listMode, parseMode);
  const [order, saveOrder] = useSetting(db, SETTING_KEYS.sortOrder, parseOrder);
  const [markReadOnOpen, saveMarkRead] = useSetting(db, SETTING_KEYS.markReadOnOpen, parseMarkRead);
  const [collapsedList, saveCollapsed] = useSetting(db, SETTING_KEYS.collapsedFolders, parseStringList);
  const [lastFolder, saveLastFolder] = useSetting(db, SETTING_KEYS.lastFolder, parseLastFolder);
  const collapsed = useMemo(() => new Set(collapsedList ?? []), [collapsedList]);

  // What the panes show: the stored layout until this window changes it, then its own latest value, so two quick
  // key presses on a splitter add up instead of both starting from the value the store had.
  const [draftLayout, setDraftLayout] = useState<Layout | null>(null);
  const layout = draftLayout ?? storedLayout ?? DEFAULT_LAYOUT;
  const commitLayout = (next: Layout) => {
    setDraftLayout(next);
    saveLayout(layoutValue(next));
  };

  const [selection, setSelection] = useState<FolderSelection | null>(null);
  const [errors, setErrors] = useState<ShownError[]>([]);
  const nextErrorId = useRef(1);
  const showError = useCallback((error: HeronErrorData, accountId?: string) => {
    // The same failure twice is one bar, not two.
    setErrors((all) =>
      all.some((e) => e.error.code === error.code && e.error.message === error.message && e.accountId === accountId) ? all : [...all.slice(-2), { id: nextErrorId.current++, error, accountId }],
    );
  }, []);
  // What the list does (open, flag, move) is about the open folder's account.
  const showListError = useCallback((error: HeronErrorData) => showError(error, selection?.accountId), [showError, selection?.accountId]);
  const [settingsFor, setSettingsFor] = useState<{ accountId: string; reason?: HeronErrorData } | null>(null);
  const settingsAccount = accounts.find((a) => a.id === settingsFor?.accountId);
  // The way to an error's fix: trying again is a sync (a new failure shows in the account's status); the rest is in its settings.
  const fixError = useCallback(
    (accountId: string, error: HeronErrorData) => {
      if (fixFor(error.code)?.action === 'retry') engine.syncAccount(accountId).catch(() => undefined);
      else setSettingsFor({ accountId, reason: error });
    },
    [engine],
  );
  const [helpOpen, setHelpOpen] = useState(false);
  const [composing, setComposing] = useState<string | null>(null);
  const [outboxOpen, setOutboxOpen] = useState(false);
  const [sent, setSent] = useState<SentMessage | null>(null);
  const dismissSent = useCallback(() => setSent(null), []);
  // A draft that was open when Heron last stopped (a reload, a crash) opens again.
  useEffect(() => {
    openDrafts(db).then(
      (open) => {
        const last = open[open.length - 1];
        if (last) setComposing((current) => current ?? last.id);
      },
      () => undefined,
    );
  }, [db]);
  const online = useNavigatorOnline();
  // Dates say "today" by the clock; a minute is fine enough for the list.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const folders = useLiveQuery<Folder[]>(() => (selection ? foldersOf(db, selection.accountId) : []), [db, selection?.accountId]) ?? [];
  const currentFolder = folders.find((f) => f.path === selection?.path);
  const pendingCount = useLiveQuery(() => db.pendingChanges.count(), [db]) ?? 0;
  const dropped = useLiveQuery(() => droppedChangesOf(db), [db]) ?? [];

  // Opening a folder asks the engine to sync it now; failures show through the account's status.
  const open = useCallback(
    (next: FolderSelection) => {
      setSelection(next);
      saveLastFolder({ accountId: next.accountId, path: next.path });
      // Without its password the account cannot sync; asking would only replace the password prompt with an error.
      if (accounts.find((a) => a.id === next.accountId)?.passwordStorage === 'none') return;
      engine.openFolder(next.accountId, next.path).catch(() => undefined);
    },
    [engine, saveLastFolder, accounts],
  );

  // The folder open last time, else the first account's inbox, as soon as the store has it.
  const firstAccount = accounts[0]?.id;
  const initial = useLiveQuery(async () => {
    if (lastFolder === undefined) return undefined;
    const wanted = lastFolder && accounts.some((a) => a.id === lastFolder.accountId) ? await db.folders.get([lastFolder.accountId, lastFolder.path]) : undefined;
    if (wanted) return wanted;
    return firstAccount ? ((await foldersOf(db, firstAccount)).find((f) => f.specialUse === 'inbox' || f.path.toUpperCase() === 'INBOX') ?? null) : null;
  }, [db, lastFolder, firstAccount, accounts]);
  useEffect(() => {
    if (selection || !initial) return;
    open({ accountId: initial.accountId, path: initial.path, name: initial.specialUse === 'inbox' ? 'Inbox' : initial.name, total: initial.total });
  }, [selection, initial, open]);

  // A removed account takes its open folder with it.
  useEffect(() => {
    if (selection && !accounts.some((a) => a.id === selection.accountId)) setSelection(null);
  }, [accounts, selection]);

  const mail = useMailList({
    db,
    engine,
    folder: selection,
    folders,
    mode: mode ?? 'conversations',
    order: order ?? 'newest',
    markReadOnOpen: markReadOnOpen ?? true,
    mac: isMac,
    onError: showListError,
  });

  const compose = useCallback(
    (kind: ComposeKind, ref: MessageRef | null) => {
      createDraft(db, engine, accounts, kind, ref, selection?.accountId ?? null).then(
        (draft) => setComposing(draft.id),
        (error: unknown) => showError(toErrorData(error), ref?.accountId),
      );
    },
    [db, engine, accounts, selection?.accountId, showError],
  );
  const editDraft = useCallback(
    (ref: MessageRef) => {
      const account = accounts.find((a) => a.id === ref.accountId);
      if (!account) return;
      editServerDraft(db, engine, account, ref).then(
        (draft) => setComposing(draft.id),
        (error: unknown) => showError(toErrorData(error), ref.accountId),
      );
    },
    [db, engine, accounts, showError],
  );

  // A search hit opens its folder too, so the list shows where the message lives.
  const openHit = (hit: { accountId: string; folderPath: string; uid: number }) => {
    void Promise.all([db.folders.get([hit.accountId, hit.folderPath]), db.messages.get([hit.accountId, hit.folderPath, hit.uid])]).then(([folder, header]) => {
      if (folder && (selection?.accountId !== folder.accountId || selection.path !== folder.path)) {
        open({ accountId: folder.accountId, path: folder.path, name: folder.specialUse === 'inbox' ? 'Inbox' : folder.name, total: folder.total });
      }
      if (header) mail.openMessage(header);
    }, (error: unknown) => showError(toErrorData(error), hit.accountId));
  };

  const toggleCollapsed = (key: string) => {
    const next = new Set(collapsed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    saveCollapsed([...next]);
  };

  // Shortcuts listen on the window so they work wherever focus is, except where keys type text or a dialog is open.
  const runRef = useRef(mail.run);
  const composeRef = useRef(compose);
  useLayoutEffect(() => {
    runRef.current = mail.run;
    composeRef.current = compose;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector('dialog[open]')) return;
      const target = event.target as HTMLElement | null;
      const command = commandFor(event, {
        inList: Boolean(target?.closest?.('.message-list')),
        editing: isEditable(target),
        onControl: isControl(target),
        mac: isMac,
      });
      if (!command) return;
      event.preventDefault();
      runRef.current(command, { openHelp: () => setHelpOpen(true), compose: (kind, message) => composeRef.current(kind, message) });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const offline = !online || accounts.some((a) => isUnreachable(statuses[a.id]));
  const listMode = mode ?? 'conversations';
  const sortOrder = order ?? 'newest';
  const folderTitle = selection ? (currentFolder?.specialUse === 'inbox' ? 'Inbox' : (currentFolder?.name ?? selection.name)) : 'No folder';

  return (
    <div className={`mail-window ${layout.arrangement}`} style={{ '--folder-width': `${layout.folderWidth}px`, '--list-width': `${layout.listWidth}px`, '--list-height': `${layout.listHeight}px` } as React.CSSProperties}>
      <TopBar
        db={db}
        engine={engine}
        accountId={selection?.accountId ?? null}
        folderPath={selection?.path ?? null}
        onOpenHit={openHit}
        arrangement={layout.arrangement}
        onArrangement={(arrangement) => commitLayout({ ...layout, arrangement })}
        markReadOnOpen={markReadOnOpen ?? true}
        onMarkReadOnOpen={saveMarkRead}
        onHelp={() => setHelpOpen(true)}
      />
      <Notices offline={offline} pendingChanges={pendingCount} errors={errors}
        onDismiss={(id) => setErrors((all) => all.filter((e) => e.id !== id))}
        onFix={fixError}
        dropped={dropped}
        onDismissDropped={(id) => void dismissDroppedChange(db, id).catch((error: unknown) => showError(toErrorData(error)))}
      />
      <div className="panes">
        <nav className="sidebar" aria-label="Accounts and folders">
          <button type="button" className="primary new-message" onClick={() => compose('new', null)}>
            New message
          </button>
          <LocalMail db={db} openDraftId={composing} onOpenOutbox={() => setOutboxOpen(true)} onOpenDraft={setComposing} />
          {accounts.map((account) => {
            const status = statuses[account.id];
            // A password not kept after a restart: the summary says so even before the engine's state arrives.
            const needsPassword = status?.state === 'needs-password' || account.passwordStorage === 'none';
            return (
              <AccountFolders
                key={account.id}
                db={db}
                engine={engine}
                account={account}
                progress={status?.progress}
                needsPassword={needsPassword}
                offline={isUnreachable(status)}
                error={status?.state === 'error' && !needsPassword ? status.error : undefined}
                selection={selection}
                onSelect={open}
                collapsed={collapsed}
                onToggleCollapsed={toggleCollapsed}
                drop={mail.dropTarget}
                onOpenSettings={() => setSettingsFor({ accountId: account.id })}
                onFix={(error) => fixError(account.id, error)}
              />
            );
          })}
          <button type="button" className="add-account" onClick={onAddAccount}>
            Add account
          </button>
        </nav>
        <Splitter label="Resize the folder pane" pane="folderWidth" orientation="vertical" value={layout.folderWidth} onResize={(v) => setDraftLayout({ ...layout, folderWidth: v })} onCommit={(v) => commitLayout({ ...layout, folderWidth: v })} />
        <main className="content">
          <section className="list-pane" aria-label="Message list">
            <div className="list-header">
              <h1>
                {folderTitle}
                {currentFolder && (
                  <span className="count">
                    {currentFolder.total.toLocaleString()} messages{currentFolder.unread > 0 ? `, ${currentFolder.unread.toLocaleString()} unread` : ''}
                  </span>
                )}
              </h1>
              <div className="list-options">
                <button
                  type="button"
                  className="tool"
                  aria-pressed={listMode === 'conversations'}
                  aria-label="Group by conversation"
                  title={listMode === 'conversations' ? 'Grouped by conversation: click for single messages' : 'Single messages: click to group by conversation'}
                  onClick={() => saveMode(listMode === 'conversations' ? 'messages' : 'conversations')}
                >
                  <Icon name="conversations" />
                </button>
                <button
                  type="button"
                  className="tool"
                  aria-pressed={sortOrder === 'oldest'}
                  aria-label="Oldest first"
                  title={sortOrder === 'newest' ? 'Newest first: click for oldest first' : 'Oldest first: click for newest first'}
                  onClick={() => saveOrder(sortOrder === 'newest' ? 'oldest' : 'newest')}
                >
                  <Icon name={sortOrder === 'newest' ? 'sort-newest' : 'sort-oldest'} />
                </button>
              </div>
            </div>
            <Toolbar
              state={mail.toolbar}
              folders={folders}
              currentPath={selection?.path ?? null}
              moveOpen={mail.moveOpen}
              onMoveOpenChange={mail.setMoveOpen}
              onSelectAll={mail.actions.selectAll}
              onArchive={mail.actions.archive}
              onDelete={mail.actions.remove}
              onToggleFlag={mail.actions.toggleFlag}
              onMarkRead={mail.actions.markRead}
              onMarkUnread={mail.actions.markUnread}
              onMove={mail.actions.move}
            />
            {selection ? (
              <MessageList
                ref={mail.listHandle}
                list={mail.list}
                selection={mail.selection}
                openedKey={mail.openedKey}
                label={`Messages in ${folderTitle}`}
                now={now}
                onVisibleChange={mail.onVisibleChange}
                onRowClick={mail.onRowClick}
                onRowDragStart={mail.onRowDragStart}
                onRowDragEnd={mail.onRowDragEnd}
              />
            ) : (
              <p className="hint empty">Choose a folder.</p>
            )}
          </section>
          {layout.arrangement === 'columns' ? (
            <Splitter label="Resize the message list" pane="listWidth" orientation="vertical" value={layout.listWidth} onResize={(v) => setDraftLayout({ ...layout, listWidth: v })} onCommit={(v) => commitLayout({ ...layout, listWidth: v })} />
          ) : (
            <Splitter label="Resize the message list" pane="listHeight" orientation="horizontal" value={layout.listHeight} onResize={(v) => setDraftLayout({ ...layout, listHeight: v })} onCommit={(v) => commitLayout({ ...layout, listHeight: v })} />
          )}
          <ReaderPane
            db={db}
            engine={engine}
            info={info}
            accounts={accounts}
            opened={mail.opened}
            selectedCount={mail.selection.keys.length}
            conversations={listMode === 'conversations'}
            onCompose={compose}
            onEditDraft={editDraft}
          />
        </main>
      </div>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
      {composing && (
        <Composer
          key={composing}
          db={db}
          engine={engine}
          accounts={accounts}
          draftId={composing}
          onClose={() => setComposing(null)}
          onSent={(row, draft) => {
            setComposing(null);
            setSent({ row, draft });
          }}
        />
      )}
      {outboxOpen && (
        <OutboxPanel
          db={db}
          engine={engine}
          onOpenDraft={(id) => {
            setOutboxOpen(false);
            setComposing(id);
          }}
          onClose={() => setOutboxOpen(false)}
        />
      )}
      {sent && (
        <SendNotice
          key={sent.row.id}
          db={db}
          sent={sent}
          onUndone={(id) => {
            setSent(null);
            setComposing(id);
          }}
          onOpenOutbox={() => {
            setSent(null);
            setOutboxOpen(true);
          }}
          onDismiss={dismissSent}
        />
      )}
      {settingsAccount && <AccountSettings key={settingsAccount.id} db={db} engine={engine} info={info} account={settingsAccount} reason={settingsFor?.reason} onClose={() => setSettingsFor(null)} />}
    </div>
  );
}

// The reader pane: the open message (or, when the list groups conversations, its whole conversation), or a quiet hint when none (or several) are chosen.

import { useLiveQuery } from 'dexie-react-hooks';
import type { AppInfo, EngineApi } from '../../shared/contract';
import type { AccountSummary } from '../../shared/model';
import type { MessageRef } from '../features/compose/compose-start';
import type { ComposeKind } from '../features/compose/reply';
import { Conversation } from '../features/reader/Conversation';
import { Reader } from '../features/reader/Reader';
import type { HeronDb } from '../store/db';
import { getThread } from '../store/queries';
import type { OpenedMessage } from './use-mail-list';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  info: AppInfo;
  accounts: readonly AccountSummary[];
  opened: OpenedMessage | null;
  selectedCount: number;
  /** The list groups conversations: a message with others in its thread opens with them (from every folder). */
  conversations: boolean;
  onCompose: (kind: ComposeKind, message: MessageRef) => void;
  onEditDraft: (message: MessageRef) => void;
}

export function ReaderPane({ db, engine, info, accounts, opened, selectedCount, conversations, onCompose, onEditDraft }: Props) {
  const account = opened ? accounts.find((a) => a.id === opened.accountId) : undefined;
  const thread = useLiveQuery(
    async () => (conversations && opened ? ((await getThread(db, opened.accountId, opened.threadId)) ?? null) : null),
    [db, conversations, opened?.accountId, opened?.threadId],
  );
  let content: React.ReactNode;
  if (selectedCount > 1) {
    content = (
      <div className="reader-empty">
        <p>{selectedCount.toLocaleString()} messages selected</p>
        <p className="hint">Archive, delete, flag or move them with the buttons above the list, or drag them onto a folder.</p>
      </div>
    );
  } else if (opened && account && thread && thread.messageCount > 1) {
    content = <Conversation key={`${opened.accountId}/${opened.threadId}`} db={db} engine={engine} info={info} account={account} threadId={opened.threadId} chosen={opened} onCompose={onCompose} onEditDraft={onEditDraft} />;
  } else if (opened && account) {
    content = <Reader key={`${opened.accountId}/${opened.folderPath}/${opened.uid}`} db={db} engine={engine} info={info} account={account} folderPath={opened.folderPath} uid={opened.uid} onCompose={onCompose} onEditDraft={onEditDraft} />;
  } else {
    content = (
      <div className="reader-empty">
        <p>No message open</p>
        <p className="hint">Choose a message, or move with j and k and open it with Enter. Press ? for all shortcuts.</p>
      </div>
    );
  }
  return (
    <section className="reader-pane" aria-label="Reading pane">
      {content}
    </section>
  );
}

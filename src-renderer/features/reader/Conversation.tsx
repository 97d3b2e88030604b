// A conversation read as one: its messages from every folder stacked oldest first, the newest and the chosen one open, the others one line each.

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { AppInfo, EngineApi } from '../../../shared/contract';
import type { AccountSummary, MessageHeader } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import type { MessageRef } from '../compose/compose-start';
import type { ComposeKind } from '../compose/reply';
import { messagesInThread } from '../../store/queries';
import { MessageDate } from './MessageDate';
import { Reader } from './Reader';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  info: AppInfo;
  account: AccountSummary;
  threadId: string;
  /** The message chosen in the list: open as well as the newest, since that is the one the person asked for. */
  chosen: { folderPath: string; uid: number };
  onCompose: (kind: ComposeKind, message: MessageRef) => void;
  onEditDraft: (message: MessageRef) => void;
}

const keyOf = (m: Pick<MessageHeader, 'folderPath' | 'uid'>) => `${m.folderPath}\u0000${m.uid}`;

export function Conversation({ db, engine, info, account, threadId, chosen, onCompose, onEditDraft }: Props) {
  const messages = useLiveQuery(() => messagesInThread(db, account.id, threadId), [db, account.id, threadId]);
  // Only the person's own choices are kept: a newly arrived newest message opens by itself.
  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());
  if (!messages) return null;
  const newest = messages[messages.length - 1];
  const subject = messages[0]?.subject.trim() || '(no subject)';
  const chosenKey = keyOf(chosen);
  const isOpen = (m: MessageHeader) => toggled.get(keyOf(m)) ?? (m === newest || keyOf(m) === chosenKey);
  // Where a conversation spans folders (a reply in Sent), each line says which folder holds that message.
  const folders = new Set(messages.map((m) => m.folderPath));
  const toggle = (m: MessageHeader) => setToggled((all) => new Map(all).set(keyOf(m), !isOpen(m)));

  return (
    <section className="conversation" aria-label={`Conversation: ${subject}`}>
      {messages.map((m) => {
        const sender = m.from[0];
        const open = isOpen(m);
        return (
          <div key={keyOf(m)} className={open ? 'conversation-item open' : 'conversation-item'}>
            <button type="button" className="conversation-line" aria-expanded={open} onClick={() => toggle(m)}>
              <span className="conversation-sender">{sender ? sender.name || sender.address : '(no sender)'}</span>
              {folders.size > 1 && <span className="conversation-folder">{m.folderPath}</span>}
              <span className="conversation-preview">{open ? '' : m.preview}</span>
              <MessageDate date={m.date} />
            </button>
            {open && <Reader db={db} engine={engine} info={info} account={account} folderPath={m.folderPath} uid={m.uid} onCompose={onCompose} onEditDraft={onEditDraft} />}
          </div>
        );
      })}
    </section>
  );
}

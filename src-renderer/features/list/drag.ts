// Rows dragged onto a folder: the drag carries which messages, kept here because a drop target cannot read dataTransfer until the drop.

import type { RowKey } from './list-rows';

export const MESSAGE_DRAG_TYPE = 'application/x-heron-messages';

export interface MessageDrag {
  accountId: string;
  folderPath: string;
  keys: RowKey[];
  /** Resolves the keys to UIDs (a conversation stands for all its messages in the folder). */
  uids: () => Promise<number[]>;
}

let current: MessageDrag | null = null;

export function beginMessageDrag(event: { dataTransfer: DataTransfer | null }, drag: MessageDrag): void {
  current = drag;
  const transfer = event.dataTransfer;
  if (!transfer) return;
  transfer.effectAllowed = 'move';
  transfer.setData(MESSAGE_DRAG_TYPE, JSON.stringify({ accountId: drag.accountId, folderPath: drag.folderPath, keys: drag.keys }));
  // Something readable if the rows are dropped outside Heron.
  transfer.setData('text/plain', drag.keys.length === 1 ? '1 message' : `${drag.keys.length} messages`);
}

export function endMessageDrag(): void {
  current = null;
}

/** The drag under way, if it is Heron's messages (and not, say, a file from the desktop). */
export function currentMessageDrag(event: { dataTransfer: DataTransfer | null }): MessageDrag | null {
  return current && event.dataTransfer?.types.includes(MESSAGE_DRAG_TYPE) ? current : null;
}

// The virtualized message list: a listbox holding only the rows on screen plus overscan, whatever the folder's size.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useRef } from 'react';
import type { ListSelection } from './selection';
import type { ListRow, RowKey } from './list-rows';
import { MessageRow, PlaceholderRow } from './MessageRow';
import type { ListWindow } from './use-list-window';

export const ROW_HEIGHT = 68;
const OVERSCAN = 12;

export interface MessageListHandle {
  scrollToIndex(index: number): void;
  focus(): void;
}

interface Props {
  ref?: React.Ref<MessageListHandle>;
  list: ListWindow;
  selection: ListSelection<RowKey>;
  openedKey: RowKey | null;
  label: string;
  now: number;
  onVisibleChange: (start: number, end: number) => void;
  onRowClick: (index: number, row: ListRow, event: React.MouseEvent) => void;
  onRowDragStart: (index: number, row: ListRow, event: React.DragEvent) => void;
  onRowDragEnd: () => void;
}

export const rowId = (index: number) => `message-row-${index}`;

export function MessageList({ ref, list, selection, openedKey, label, now, onVisibleChange, onRowClick, onRowDragStart, onRowDragEnd }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = list.count ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => onVisibleChange(first, last), [first, last, onVisibleChange]);

  useImperativeHandle(
    ref,
    () => ({
      scrollToIndex: (index: number) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      focus: () => scroller.current?.focus({ preventScroll: true }),
    }),
    [virtualizer],
  );

  const selected = new Set(selection.keys);
  const cursorRow = selection.cursor >= 0 ? list.rowAt(selection.cursor) : undefined;
  const loading = list.count === undefined;

  return (
    <div
      ref={scroller}
      className="message-list"
      role="listbox"
      aria-label={label}
      aria-multiselectable="true"
      aria-busy={loading || undefined}
      aria-activedescendant={cursorRow ? rowId(selection.cursor) : undefined}
      tabIndex={0}
    >
      {loading ? (
        Array.from({ length: 8 }, (_, i) => <PlaceholderRow key={i} top={i * ROW_HEIGHT} height={ROW_HEIGHT} />)
      ) : count === 0 ? (
        <p className="hint empty">No messages in this folder.</p>
      ) : (
        <div className="rows" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = list.rowAt(item.index);
            if (!row) return <PlaceholderRow key={`p${item.index}`} top={item.start} height={ROW_HEIGHT} />;
            return (
              <MessageRow
                key={`${row.kind}:${row.key}`}
                id={rowId(item.index)}
                row={row}
                index={item.index}
                count={count}
                selected={selected.has(row.key)}
                cursor={item.index === selection.cursor}
                open={openedKey !== null && row.key === openedKey}
                now={now}
                top={item.start}
                height={ROW_HEIGHT}
                onClick={onRowClick}
                onDragStart={onRowDragStart}
                onDragEnd={onRowDragEnd}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}

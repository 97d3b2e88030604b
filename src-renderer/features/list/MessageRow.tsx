// One row of the list: sender, date, subject, preview and markers (unread, flagged, attachment, answered, conversation size).

import { memo } from 'react';
import { Icon } from '../layout/icons';
import { formatFullDate, formatListDate } from './format-date';
import { headerOf, markersOf, rowLabel, sendersOf, subjectOf, type ListRow } from './list-rows';

interface Props {
  row: ListRow;
  index: number;
  count: number;
  id: string;
  selected: boolean;
  cursor: boolean;
  open: boolean;
  now: number;
  top: number;
  height: number;
  onClick: (index: number, row: ListRow, event: React.MouseEvent) => void;
  onDragStart: (index: number, row: ListRow, event: React.DragEvent) => void;
  onDragEnd: () => void;
}

export const MessageRow = memo(function MessageRow({ row, index, count, id, selected, cursor, open, now, top, height, onClick, onDragStart, onDragEnd }: Props) {
  const header = headerOf(row);
  const markers = markersOf(row);
  const date = formatListDate(header.date, now);
  const classes = ['row', markers.unread && 'unread', selected && 'selected', cursor && 'cursor', open && 'open'].filter(Boolean).join(' ');
  return (
    <div
      id={id}
      role="option"
      className={classes}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={count}
      aria-label={rowLabel(row, date)}
      data-uid={header.uid}
      data-index={index}
      draggable
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={(event) => onClick(index, row, event)}
      onDragStart={(event) => onDragStart(index, row, event)}
      onDragEnd={onDragEnd}
    >
      <span className="row-state" aria-hidden="true">
        {markers.unread && <span className="dot" />}
      </span>
      <span className="row-from">{sendersOf(row)}</span>
      {markers.count > 1 && <span className="row-count">{markers.count}</span>}
      <span className="row-icons" aria-hidden="true">
        {markers.answered && <Icon name="answered" size={13} />}
        {markers.attachment && <Icon name="attachment" size={13} />}
        {markers.flagged && (
          <span className="flagged">
            <Icon name="flag" size={13} />
          </span>
        )}
      </span>
      <time className="row-date" dateTime={Number.isFinite(header.date) ? new Date(header.date).toISOString() : undefined} title={formatFullDate(header.date)}>
        {date}
      </time>
      <span className="row-subject">{subjectOf(header)}</span>
      <span className="row-preview">{header.preview}</span>
    </div>
  );
});

/** A row still loading: the same height, so the list does not jump when it arrives. */
export function PlaceholderRow({ top, height }: { top: number; height: number }) {
  return (
    <div className="row placeholder" aria-hidden="true" style={{ transform: `translateY(${top}px)`, height }}>
      <span className="bar short" />
      <span className="bar" />
    </div>
  );
}

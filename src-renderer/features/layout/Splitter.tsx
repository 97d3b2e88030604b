// A draggable, keyboard-adjustable divider between two panes (WAI-ARIA window splitter: role separator with a value).

import { useRef } from 'react';
import { clampPane, PANE_LIMITS, type PaneSize } from './layout';

interface Props {
  label: string;
  pane: PaneSize;
  /** 'vertical' sits between columns and moves left/right; 'horizontal' sits between rows. */
  orientation: 'vertical' | 'horizontal';
  value: number;
  /** While dragging: the size to show now. */
  onResize: (value: number) => void;
  /** Dragging ended or a key moved it: the size to keep. */
  onCommit: (value: number) => void;
}

const KEY_STEP = 16;

export function Splitter({ label, pane, orientation, value, onResize, onCommit }: Props) {
  const drag = useRef<{ start: number; from: number; last: number } | null>(null);
  const vertical = orientation === 'vertical';
  const { min, max } = PANE_LIMITS[pane];

  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { start: vertical ? event.clientX : event.clientY, from: value, last: value };
    event.preventDefault();
  };
  const onPointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    d.last = clampPane(pane, d.from + (vertical ? event.clientX : event.clientY) - d.start);
    onResize(d.last);
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && d.last !== d.from) onCommit(d.last);
  };
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const less = vertical ? 'ArrowLeft' : 'ArrowUp';
    const more = vertical ? 'ArrowRight' : 'ArrowDown';
    let next: number | null = null;
    if (event.key === less) next = value - KEY_STEP;
    else if (event.key === more) next = value + KEY_STEP;
    else if (event.key === 'Home') next = min;
    else if (event.key === 'End') next = max;
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    onCommit(clampPane(pane, next));
  };

  return (
    <div
      className={`splitter ${orientation}`}
      role="separator"
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}

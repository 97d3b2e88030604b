// The bar above the panes: search (its own feature), view options that are remembered, and the shortcut help.

import { useId, useState } from 'react';
import type { EngineApi } from '../../shared/contract';
import type { Arrangement } from '../features/layout/layout';
import { Icon } from '../features/layout/icons';
import { SearchBox } from '../features/search/SearchBox';
import type { HeronDb } from '../store/db';

interface Props {
  db: HeronDb;
  engine: EngineApi;
  accountId: string | null;
  folderPath: string | null;
  onOpenHit: (hit: { accountId: string; folderPath: string; uid: number }) => void;
  arrangement: Arrangement;
  onArrangement: (arrangement: Arrangement) => void;
  markReadOnOpen: boolean;
  onMarkReadOnOpen: (on: boolean) => void;
  onHelp: () => void;
}

export function TopBar({ db, engine, accountId, folderPath, onOpenHit, arrangement, onArrangement, markReadOnOpen, onMarkReadOnOpen, onHelp }: Props) {
  const [viewOpen, setViewOpen] = useState(false);
  const panelId = useId();
  return (
    <header className="top-bar">
      <span className="brand">Heron</span>
      <div className="search-slot">
        <SearchBox db={db} engine={engine} accountId={accountId} folderPath={folderPath} onOpen={onOpenHit} />
      </div>
      <div className="top-tools">
        <div className="menu-anchor">
          <button type="button" className="tool" aria-expanded={viewOpen} aria-controls={panelId} onClick={() => setViewOpen(!viewOpen)}>
            <Icon name={arrangement === 'columns' ? 'columns' : 'stacked'} />
            <span>View</span>
          </button>
          {viewOpen && (
            <div
              id={panelId}
              className="popover"
              role="group"
              aria-label="View options"
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                e.stopPropagation();
                setViewOpen(false);
              }}
            >
              <label className="option">
                <span>Reading pane position</span>
                <select value={arrangement} onChange={(e) => onArrangement(e.target.value === 'stacked' ? 'stacked' : 'columns')}>
                  <option value="columns">Right of the list</option>
                  <option value="stacked">Below the list</option>
                </select>
              </label>
              <label className="option checkbox-option">
                <input type="checkbox" checked={markReadOnOpen} onChange={(e) => onMarkReadOnOpen(e.target.checked)} />
                <span>Mark messages as read when opened</span>
              </label>
            </div>
          )}
        </div>
        <button type="button" className="tool" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={onHelp}>
          <Icon name="help" />
        </button>
      </div>
    </header>
  );
}

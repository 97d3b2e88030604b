// The search box: local results as you type over this folder or all folders, what they covered, and "Search on server" for the rest.

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { HeronError, toErrorData, type HeronErrorData } from '../../../shared/errors';
import type { MessageHeader } from '../../../shared/model';
import { ErrorNote } from '../accounts/ErrorNote';
import type { HeronDb } from '../../store/db';
import type { SearchScope } from '../../store/search';
import { coverageText, formatDay, hitKey, hitName, senderOf, subjectOf, totalText } from './search-view';
import { searchOnServer } from './server-search';
import { useLocalSearch } from './use-local-search';
import './search.css';

export interface SearchBoxProps {
  db: HeronDb;
  engine: EngineApi;
  /** The open folder; without one, only "All folders" can be searched and the server cannot be asked. */
  accountId: string | null;
  folderPath: string | null;
  onOpen(hit: { accountId: string; folderPath: string; uid: number }): void;
}

type Scope = 'folder' | 'all';

type ServerState =
  | { status: 'idle' }
  | { status: 'searching'; text: string }
  | { status: 'done'; text: string; matched: number; hits: MessageHeader[] }
  | { status: 'error'; text: string; error: HeronErrorData };

function HitOption({ hit, id, active, showFolder, onOpen }: { hit: MessageHeader; id: string; active: boolean; showFolder: boolean; onOpen: () => void }) {
  return (
    <li id={id} role="option" aria-selected={active} aria-label={hitName(hit)} className={`search-hit${active ? ' active' : ''}${hit.unread ? ' unread' : ''}`} onClick={onOpen}>
      <span className="search-hit-sender">{senderOf(hit)}</span>
      <span className="search-hit-subject">{subjectOf(hit)}</span>
      <span className="search-hit-meta">
        {showFolder && <span className="search-hit-folder">{hit.folderPath}</span>}
        <time dateTime={new Date(hit.date).toISOString()}>{formatDay(hit.date)}</time>
      </span>
    </li>
  );
}

export function SearchBox({ db, engine, accountId, folderPath, onOpen }: SearchBoxProps) {
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Scope>('folder');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [server, setServer] = useState<ServerState>({ status: 'idle' });
  const [refresh, setRefresh] = useState(0);
  const ids = useId();
  const container = useRef<HTMLDivElement>(null);

  const hasFolder = accountId !== null && folderPath !== null;
  const scope: Scope = hasFolder ? chosen : 'all';
  // "All folders" spans every account: a person looking for a message rarely knows which account got it.
  const searchScope = useMemo((): SearchScope => (scope === 'folder' && accountId !== null && folderPath !== null ? { accountId, folderPath } : {}), [scope, accountId, folderPath]);
  const local = useLocalSearch(db, text, searchScope, refresh);

  // A server answer belongs to the query and folder it was asked for.
  useEffect(() => setServer({ status: 'idle' }), [text, accountId, folderPath]);
  // A new question starts from the box; a refresh of the same one (sync wrote) keeps the highlighted hit.
  useEffect(() => setActive(-1), [text, scope]);

  const localHits = local.result?.hits ?? [];
  const shownLocal = new Set(localHits.map(hitKey));
  const serverHits = server.status === 'done' ? server.hits.filter((hit) => !shownLocal.has(hitKey(hit))) : [];
  const all = [...localHits, ...serverHits];
  const current = active < all.length ? active : -1;
  const optionId = (i: number) => `${ids}-hit-${i}`;

  const openHit = (hit: MessageHeader) => {
    setOpen(false);
    onOpen({ accountId: hit.accountId, folderPath: hit.folderPath, uid: hit.uid });
  };

  const askServer = async () => {
    if (accountId === null || folderPath === null || server.status === 'searching') return;
    const asked = text;
    setServer({ status: 'searching', text: asked });
    try {
      const found = await searchOnServer(db, engine, accountId, folderPath, asked);
      setServer((s) => (s.status === 'searching' && s.text === asked ? { status: 'done', text: asked, ...found } : s));
      // Headers fetched for the server's hits may match locally too.
      setRefresh((n) => n + 1);
    } catch (error) {
      setServer((s) => (s.status === 'searching' && s.text === asked ? { status: 'error', text: asked, error: toErrorData(error) } : s));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      // First Escape closes the results, the next clears the box.
      if (open && text) setOpen(false);
      else setText('');
      event.preventDefault();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (all.length === 0) return;
      setOpen(true);
      setActive(event.key === 'ArrowDown' ? Math.min(all.length - 1, current + 1) : Math.max(-1, current - 1));
      event.preventDefault();
    } else if (event.key === 'Enter') {
      const hit = all[current];
      if (hit) {
        openHit(hit);
        event.preventDefault();
      }
    }
  };

  const showPanel = open && text.trim() !== '';
  const result = local.result;
  return (
    <div
      className="search-box"
      ref={container}
      onBlur={(event) => {
        if (!container.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <input
        id="search"
        type="search"
        className="search-input"
        placeholder="Search mail"
        aria-label="Search mail"
        autoComplete="off"
        spellCheck={false}
        value={text}
        aria-controls={showPanel ? `${ids}-results` : undefined}
        aria-activedescendant={showPanel && current >= 0 ? optionId(current) : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showPanel && (
        // mousedown would move focus out of the box and close it before a click on a hit lands.
        <div
          id={`${ids}-results`}
          className="search-panel"
          role="region"
          aria-label="Search results"
          onMouseDown={(event) => {
            if (!(event.target instanceof HTMLButtonElement || event.target instanceof HTMLInputElement)) event.preventDefault();
          }}
        >
          <div className="search-scope" role="radiogroup" aria-label="Search in">
            <label>
              <input type="radio" name={`${ids}-scope`} checked={scope === 'folder'} disabled={!hasFolder} onChange={() => setChosen('folder')} />
              This folder
            </label>
            <label>
              <input type="radio" name={`${ids}-scope`} checked={scope === 'all'} onChange={() => setChosen('all')} />
              All folders
            </label>
          </div>
          {local.error && <ErrorNote error={HeronError.fromData(local.error)} />}
          {result && (
            <>
              <p className="search-coverage">{coverageText(result.coverage)}</p>
              <p className="search-total" role="status">
                {local.pending ? 'Searching…' : totalText(result.total, result.hits.length)}
              </p>
            </>
          )}
          {!result && local.pending && (
            <p className="search-total" role="status">
              Searching…
            </p>
          )}
          {localHits.length > 0 && (
            <ul role="listbox" aria-label="Messages found" className="search-hits">
              {localHits.map((hit, i) => (
                <HitOption key={hitKey(hit)} hit={hit} id={optionId(i)} active={i === current} showFolder={scope === 'all'} onOpen={() => openHit(hit)} />
              ))}
            </ul>
          )}
          <div className="search-server">
            {/* aria-disabled while searching, not disabled: a disabled button drops focus, which would close the panel. */}
            <button type="button" onClick={() => void askServer()} disabled={!hasFolder} aria-disabled={server.status === 'searching'}>
              Search on server
            </button>
            <span className="hint">
              {hasFolder ? `Asks the server to search all of ${folderPath}, bodies that are not cached included.` : 'Open a folder to search it on the server.'}
            </span>
            {server.status === 'searching' && <p role="status">Searching on the server…</p>}
            {server.status === 'error' && <ErrorNote error={HeronError.fromData(server.error)} />}
            {server.status === 'done' && (
              <p role="status">
                {server.matched === 0
                  ? 'The server found no messages.'
                  : `The server found ${server.matched} ${server.matched === 1 ? 'message' : 'messages'}${serverHits.length > 0 ? `; ${serverHits.length} of them are not among the results above:` : ', all among the results above.'}`}
              </p>
            )}
            {serverHits.length > 0 && (
              <ul role="listbox" aria-label="Found on the server" className="search-hits">
                {serverHits.map((hit, i) => (
                  <HitOption key={hitKey(hit)} hit={hit} id={optionId(localHits.length + i)} active={localHits.length + i === current} showFolder={false} onOpen={() => openHit(hit)} />
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

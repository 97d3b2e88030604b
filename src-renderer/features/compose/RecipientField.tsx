// One recipient field (To, Cc or Bcc): addresses as removable chips, typing suggests addresses from the cache, pasting a list splits it.

import { useEffect, useId, useState } from 'react';
import type { Address } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import { suggestAddresses } from '../../store/contacts';
import { addAddresses, formatAddress, parseAddressList } from './address-input';

interface Props {
  db: HeronDb;
  label: string;
  addresses: Address[];
  onChange: (addresses: Address[]) => void;
  /** What is typed but not yet an address, so Send can say what is wrong with it. */
  onPendingText: (text: string) => void;
  autoFocus?: boolean;
}

export function RecipientField({ db, label, addresses, onChange, onPendingText, autoFocus }: Props) {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Address[]>([]);
  const [active, setActive] = useState(0);
  const listId = useId();

  useEffect(() => {
    let live = true;
    const wanted = text.trim();
    if (wanted.length === 0) {
      setSuggestions([]);
      return;
    }
    suggestAddresses(db, wanted).then(
      (found) => {
        if (!live) return;
        const taken = new Set(addresses.map((a) => a.address.toLowerCase()));
        setSuggestions(found.filter((a) => !taken.has(a.address.toLowerCase())));
        setActive(0);
      },
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [db, text, addresses]);

  const setTyped = (value: string) => {
    setText(value);
    onPendingText(value);
  };

  /** Turns what is typed into chips; what is not an address stays typed, so nothing the person wrote vanishes. */
  const commitText = (value: string): boolean => {
    const parsed = parseAddressList(value);
    const good = parsed.flatMap((p) => (p.address ? [p.address] : []));
    const bad = parsed.filter((p) => !p.address).map((p) => p.raw);
    if (good.length > 0) onChange(addAddresses(addresses, good));
    setTyped(bad.join(', '));
    return good.length > 0;
  };

  const pick = (address: Address) => {
    onChange(addAddresses(addresses, [address]));
    setTyped('');
    setSuggestions([]);
  };

  const open = suggestions.length > 0;
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (open && event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => (i + 1) % suggestions.length);
    } else if (open && event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (i - 1 + suggestions.length) % suggestions.length);
    } else if (open && (event.key === 'Enter' || event.key === 'Tab') && suggestions[active]) {
      event.preventDefault();
      pick(suggestions[active]);
    } else if (event.key === 'Enter' || event.key === ',' || event.key === ';') {
      if (text.trim()) {
        event.preventDefault();
        commitText(text);
      }
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setSuggestions([]);
    } else if (event.key === 'Backspace' && text === '' && addresses.length > 0) {
      onChange(addresses.slice(0, -1));
    }
  };

  return (
    <div className="recipient-field">
      <ul className="chips" aria-label={`${label} recipients`}>
        {addresses.map((a) => (
          <li key={a.address.toLowerCase()} className="chip" title={a.address}>
            <span>{formatAddress(a)}</span>
            <button type="button" aria-label={`Remove ${a.address}`} onClick={() => onChange(addresses.filter((x) => x !== a))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        type="text"
        role="combobox"
        aria-label={label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        value={text}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          const pasted = e.clipboardData.getData('text/plain');
          if (!/[,;\n]/.test(pasted)) return;
          e.preventDefault();
          commitText(text + pasted);
        }}
        onBlur={() => {
          setSuggestions([]);
          if (text.trim()) commitText(text);
        }}
      />
      {open && (
        <ul id={listId} role="listbox" aria-label={`Suggestions for ${label}`} className="suggestions">
          {suggestions.map((a, i) => (
            <li
              key={a.address.toLowerCase()}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // Chosen on mousedown, before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(a);
              }}
            >
              {a.name ? (
                <>
                  <span className="suggestion-name">{a.name}</span> <span className="suggestion-address">{a.address}</span>
                </>
              ) : (
                <span className="suggestion-address">{a.address}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

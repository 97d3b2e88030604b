// What a person types or pastes into To, Cc and Bcc, read as addresses: "Ann <ann@example.org>, bob@example.org; "Lee, Bo" <bo@x.org>".

import type { Address } from '../../../shared/model';

/** The outbox's own test of an address (outbox.ts): one @, no spaces or angle brackets. */
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

export function isValidAddress(address: string): boolean {
  return ADDRESS.test(address);
}

/** Splits on commas and semicolons outside quotes and angle brackets, so "Lee, Bo" <bo@x.org> stays one entry. */
function splitEntries(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"' && !angle) quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if ((ch === ',' || ch === ';' || ch === '\n') && !quoted && !angle) {
      entries.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  entries.push(current);
  return entries.map((e) => e.trim()).filter((e) => e.length > 0);
}

export interface ParsedEntry {
  /** What the person typed for this entry, to show it back when it is not an address. */
  raw: string;
  address: Address | null;
}

/** One entry: `Name <addr>`, `"Quoted, Name" <addr>`, `<addr>` or a bare address; anything else has address null. */
export function parseEntry(raw: string): ParsedEntry {
  const angled = /^(.*?)<([^<>]*)>\s*$/.exec(raw);
  const name = angled ? (angled[1] ?? '').trim().replace(/^"(.*)"$/, '$1').replace(/\\(["\\])/g, '$1').trim() : '';
  const address = (angled ? (angled[2] ?? '') : raw).trim();
  return { raw, address: isValidAddress(address) ? { name, address } : null };
}

export function parseAddressList(text: string): ParsedEntry[] {
  return splitEntries(text).map(parseEntry);
}

/** How a chip or a header line shows an address: the name when there is one, the address always findable. */
export function formatAddress(address: Address): string {
  if (!address.name) return address.address;
  const name = /[",;<>@]/.test(address.name) ? `"${address.name.replace(/(["\\])/g, '\\$1')}"` : address.name;
  return `${name} <${address.address}>`;
}

/** Adds addresses not already in the list (compared without case), keeping the first name seen. */
export function addAddresses(list: readonly Address[], more: readonly Address[]): Address[] {
  const seen = new Set(list.map((a) => a.address.toLowerCase()));
  const next = [...list];
  for (const a of more) {
    const key = a.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    next.push(a);
  }
  return next;
}

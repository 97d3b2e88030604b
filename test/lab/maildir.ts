// Owns the on-disk maildir conventions of the lab: where a folder lives and how a message file is named.
import path from 'node:path';

/**
 * Layout (matches mail_location in dovecot.ts): `~/Maildir` is INBOX itself, and every other folder is a plain
 * directory path below it (LAYOUT=fs), named in UTF-8 (the UTF-8 option) with '/' between levels. So the IMAP name
 * 'Ünïcode/Привет' is the directory `~/Maildir/Ünïcode/Привет`, and the IMAP hierarchy separator is '/'.
 */
export const MAILDIR_NAME = 'Maildir';

/** Maildir's own subdirectories; a folder level with one of these names would be confused with them. */
const RESERVED_LEVELS = new Set(['cur', 'new', 'tmp']);

/** True for the inbox, which IMAP names case-insensitively. */
export function isInbox(folderPath: string): boolean {
  return folderPath.toUpperCase() === 'INBOX';
}

/** Splits a '/'-separated folder path into levels, rejecting paths that would escape or collide with the maildir. */
export function folderLevels(folderPath: string): string[] {
  if (isInbox(folderPath)) return [];
  const levels = folderPath.split('/');
  if (levels[0]?.toUpperCase() === 'INBOX') throw new Error(`folder ${JSON.stringify(folderPath)}: the lab keeps folders beside INBOX, not below it`);
  for (const level of levels) {
    if (level === '' || level === '.' || level === '..' || RESERVED_LEVELS.has(level) || /[\0\r\n]/.test(level) || level.startsWith('dovecot')) {
      throw new Error(`folder ${JSON.stringify(folderPath)} has a level the lab's maildir cannot hold (${JSON.stringify(level)})`);
    }
  }
  return levels;
}

/** Absolute directory of `folderPath` for a user whose home is `home`. */
export function folderDirectory(home: string, folderPath: string): string {
  return path.join(home, MAILDIR_NAME, ...folderLevels(folderPath));
}

/** Maildir info letters, which must appear in ASCII order after ':2,' (the maildir spec). */
const FLAG_LETTERS: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** The ':2,…' suffix for IMAP system flags; other flags (keywords) are ignored, since they need dovecot-keywords. */
export function flagSuffix(flags: readonly string[]): string {
  const letters = flags.map((flag) => FLAG_LETTERS[flag]).filter((letter): letter is string => letter !== undefined);
  return `:2,${[...new Set(letters)].sort().join('')}`;
}

/**
 * A unique maildir file name for a message of `size` bytes. S= (file size) and W= (size with CRLF line ends) let
 * Dovecot answer RFC822.SIZE without reading the file; both are `size` because the lab writes CRLF messages.
 * `unique` must differ for every file written into the same folder.
 */
export function messageFileName(internalDate: Date, unique: string, size: number, flags: readonly string[]): string {
  return `${Math.floor(internalDate.getTime() / 1000)}.${unique}.heronlab,S=${size},W=${size}${flagSuffix(flags)}`;
}

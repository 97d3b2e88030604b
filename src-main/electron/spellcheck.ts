// Spellchecking without a call home: Chromium's hunspell dictionaries are never fetched from Google's CDN.
//
// On Linux (and for languages Windows' own checker lacks) Electron downloads dictionaries at startup, whatever the
// window's `spellcheck` preference (electron/electron#22995): a request the person never asked for, telling a third
// party that Heron started, from which address, in which language. Pointing the downloader at the app's own origin
// keeps it on the machine: Chromium either cannot fetch app:// from the browser process at all, or the app protocol
// handler answers 404 because the bundle holds no dictionaries. Dictionaries already in the profile, and macOS's
// system checker, still work. Shipping .bdic files in the bundle under this path would turn spellchecking back on.

import type { Session } from 'electron';
import { APP_ORIGIN } from './app-origin';

/** Where the dictionary downloader looks (`${url}${file}.bdic`): inside the app origin, never on the network. */
export const DICTIONARY_DOWNLOAD_URL = `${APP_ORIGIN}/dictionaries/`;

/** Points one session's dictionary downloader at the app origin (main.ts: every session, as soon as it exists). */
export function keepDictionariesOffline(session: Pick<Session, 'setSpellCheckerDictionaryDownloadURL'>): void {
  session.setSpellCheckerDictionaryDownloadURL(DICTIONARY_DOWNLOAD_URL);
}

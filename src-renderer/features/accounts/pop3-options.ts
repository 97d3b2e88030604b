// The "On the server" settings of a POP3 account: what its fields hold, and the Pop3Options they turn into.

import { DEFAULT_POP3_OPTIONS, type AccountChanges, type AccountSummary, type Pop3Options } from '../../../shared/model';

/** MB as mail clients show sizes: 1,024 × 1,024 bytes. */
export const BYTES_PER_MB = 1_048_576;
/** The same upper bound as days of mail kept offline (a hundred years). */
export const MAX_DELETE_AFTER_DAYS = 36_500;
/** Larger than any server accepts a message: past it, a limit limits nothing. */
export const MAX_MESSAGE_MB = 1_000;

/** What an unticked option's field shows, so ticking it starts from a sensible figure rather than an empty box. */
export const SUGGESTED_DELETE_AFTER_DAYS = 14;
export const SUGGESTED_MAX_MB = 10;

export interface Pop3Form {
  leaveOnServer: boolean;
  deleteAfter: boolean;
  /** As typed in the number field. */
  deleteAfterDays: string;
  deleteWhenDeletedLocally: boolean;
  limitSize: boolean;
  /** As typed in the number field, in MB. */
  maxMegabytes: string;
}

/** A size in MB for the field: at most one decimal, none when whole. */
export function megabytesOf(bytes: number): string {
  return String(Math.round((bytes / BYTES_PER_MB) * 10) / 10);
}

/** The account's options as the form shows them; an account saved before it had options shows the defaults. */
export function pop3Form(options: Pop3Options | null): Pop3Form {
  const o = options ?? DEFAULT_POP3_OPTIONS;
  return {
    leaveOnServer: o.leaveOnServer,
    deleteAfter: o.deleteAfterDays !== null,
    deleteAfterDays: String(o.deleteAfterDays ?? SUGGESTED_DELETE_AFTER_DAYS),
    deleteWhenDeletedLocally: o.deleteWhenDeletedLocally,
    limitSize: o.maxMessageBytes !== null,
    maxMegabytes: o.maxMessageBytes === null ? String(SUGGESTED_MAX_MB) : megabytesOf(o.maxMessageBytes),
  };
}

export type Pop3Field = 'days' | 'size';

/** The options the form says; a number is read only when its box is ticked (an unticked one is kept as typed, unused). */
export function pop3Options(form: Pop3Form): { options: Pop3Options } | { error: string; field: Pop3Field } {
  let deleteAfterDays: number | null = null;
  if (form.deleteAfter) {
    const text = form.deleteAfterDays.trim();
    deleteAfterDays = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(deleteAfterDays >= 1 && deleteAfterDays <= MAX_DELETE_AFTER_DAYS)) {
      return { error: `Enter a whole number of days from 1 to ${MAX_DELETE_AFTER_DAYS.toLocaleString('en')}.`, field: 'days' };
    }
  }
  let maxMessageBytes: number | null = null;
  if (form.limitSize) {
    const text = form.maxMegabytes.trim();
    const megabytes = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    maxMessageBytes = Math.round(megabytes * BYTES_PER_MB);
    if (!(megabytes <= MAX_MESSAGE_MB && maxMessageBytes >= 1)) {
      return { error: `Enter a size in MB above 0 and at most ${MAX_MESSAGE_MB.toLocaleString('en')}.`, field: 'size' };
    }
  }
  return { options: { leaveOnServer: form.leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally: form.deleteWhenDeletedLocally, maxMessageBytes } };
}

/** `{ pop3 }` when the form differs from the account's options, so saving an untouched form asks nothing of the engine. */
export function pop3Changes(account: AccountSummary, form: Pop3Form): { changes: AccountChanges } | { error: string; field: Pop3Field } {
  const result = pop3Options(form);
  if ('error' in result) return result;
  const current = account.pop3 ?? DEFAULT_POP3_OPTIONS;
  const options = { ...result.options };
  // A limit the engine stored in bytes shows rounded; the same figure saved back is the same limit, not a change.
  if (options.maxMessageBytes !== null && current.maxMessageBytes !== null && megabytesOf(options.maxMessageBytes) === megabytesOf(current.maxMessageBytes)) {
    options.maxMessageBytes = current.maxMessageBytes;
  }
  const same = (Object.keys(options) as (keyof Pop3Options)[]).every((key) => options[key] === current[key]);
  return { changes: same ? {} : { pop3: options } };
}

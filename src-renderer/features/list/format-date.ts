// Dates in the list: today's messages by time, this year's by day and month, older ones with the year too.

export interface DateFormatOptions {
  /** BCP 47 locale; the person's own by default. */
  locale?: string;
  /** IANA time zone; the system's by default (tests pin it). */
  timeZone?: string;
}

/** The calendar day of an instant in a time zone, as "YYYY-MM-DD" (en-CA formats dates that way). */
function dayOf(ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** Short date for a list row: "14:05" today, "5 Mar" earlier this year, "5 Mar 2023" before that. `now` is injected so tests can pin it. */
export function formatListDate(date: number, now: number, options: DateFormatOptions = {}): string {
  const { locale, timeZone } = options;
  if (!Number.isFinite(date) || date <= 0) return '';
  const day = dayOf(date, timeZone);
  const today = dayOf(now, timeZone);
  if (day === today) return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(date);
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(date);
}

/** The full date and time, for a row's tooltip. */
export function formatFullDate(date: number, options: DateFormatOptions = {}): string {
  if (!Number.isFinite(date) || date <= 0) return '';
  return new Intl.DateTimeFormat(options.locale, { timeZone: options.timeZone, dateStyle: 'full', timeStyle: 'short' }).format(date);
}

// List dates: today's messages by time, earlier ones by date (with the year only when it differs), "now" injected.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFullDate, formatListDate } from '../../src-renderer/features/list/format-date';

const UTC = { locale: 'en-GB', timeZone: 'UTC' } as const;
const NOW = Date.UTC(2025, 5, 14, 16, 30); // 14 June 2025, 16:30 UTC

describe('list dates', () => {
  it('shows a message from today as its time', () => {
    assert.equal(formatListDate(Date.UTC(2025, 5, 14, 9, 5), NOW, UTC), '09:05');
    assert.equal(formatListDate(Date.UTC(2025, 5, 14, 0, 0), NOW, UTC), '00:00');
  });

  it('shows an older message of this year as day and month', () => {
    assert.equal(formatListDate(Date.UTC(2025, 5, 13, 23, 59), NOW, UTC), '13 Jun');
    assert.equal(formatListDate(Date.UTC(2025, 0, 2, 12), NOW, UTC), '2 Jan');
  });

  it('adds the year for a message from another year', () => {
    assert.equal(formatListDate(Date.UTC(2023, 2, 5, 8), NOW, UTC), '5 Mar 2023');
  });

  it('decides "today" in the given time zone', () => {
    // 23:30 UTC on the 13th is already the 14th in Tokyo, where 10:00 UTC on the 14th is 19:00 the same day.
    const late = Date.UTC(2025, 5, 13, 23, 30);
    const morning = Date.UTC(2025, 5, 14, 10, 0);
    assert.equal(formatListDate(late, morning, UTC), '13 Jun');
    assert.equal(formatListDate(late, morning, { locale: 'en-GB', timeZone: 'Asia/Tokyo' }), '08:30');
  });

  it('shows nothing for a missing date', () => {
    assert.equal(formatListDate(Number.NaN, NOW, UTC), '');
    assert.equal(formatListDate(0, NOW, UTC), '');
    assert.equal(formatFullDate(Number.NaN, UTC), '');
  });

  it('gives the full date for the tooltip', () => {
    assert.match(formatFullDate(Date.UTC(2023, 2, 5, 8, 15), UTC), /Sunday.*5 March 2023.*08:15/);
  });
});

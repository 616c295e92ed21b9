import { describe, expect, it } from 'vitest';
import { addDays, calendarDate, startOfDayIn } from './time.ts';

describe('business-day arithmetic', () => {
  it('adds calendar days across month and year ends and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-11-28', -365)).toBe('2025-11-28');
  });

  it('finds the UTC instant a local day begins, daylight saving included', () => {
    expect(startOfDayIn('2026-11-28', 'Asia/Tokyo').toISOString()).toBe('2026-11-27T15:00:00.000Z');
    // New York springs forward on 2026-03-08 at 02:00: midnight is still EST (UTC−5).
    expect(startOfDayIn('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDayIn('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfDayIn('2026-07-01', 'Europe/London').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    for (const tz of ['Asia/Tokyo', 'America/New_York', 'Europe/London'])
      expect(calendarDate(startOfDayIn('2026-10-25', tz), tz)).toBe('2026-10-25');
  });
});

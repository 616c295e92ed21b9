/**
 * Time is stored in UTC as `YYYY-MM-DD HH:MM:SS.mmm`: DATETIME(3) on MySQL reads and writes it as is,
 * and on SQLite it sorts as text. A shop's business day is derived in its own time zone elsewhere.
 */
export function toDbTime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

export function fromDbTime(value: string): Date {
  return new Date(value.replace(' ', 'T') + (value.endsWith('Z') ? '' : 'Z'));
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];

/** `2026/11/28(土) 17:05` in the shop's time zone: how Japanese receipts print a date and time. */
export function formatReceiptDateTime(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const weekday = WEEKDAYS_JA[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '')];
  return `${parts.year}/${parts.month}/${parts.day}(${weekday}) ${parts.hour}:${parts.minute}`;
}

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The UTC instant at which `date` begins in `timeZone` (00:00 local; DST-safe by a second pass). */
export function startOfDayIn(date: string, timeZone: string): Date {
  const offsetAt = (instant: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(instant)
        .map((x) => [x.type, x.value]),
    );
    const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    return local - instant.getTime();
  };
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  let guess = new Date(midnightUtc.getTime() - offsetAt(midnightUtc));
  guess = new Date(midnightUtc.getTime() - offsetAt(guess));
  return guess;
}

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in a shop's time zone. A business day is named by
 * the date on which the primary register opened it, so a shop that closes after midnight still
 * books the late sales on the day it opened.
 */
export function calendarDate(instant: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

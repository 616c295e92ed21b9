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

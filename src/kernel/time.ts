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

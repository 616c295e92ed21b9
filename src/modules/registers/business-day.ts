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

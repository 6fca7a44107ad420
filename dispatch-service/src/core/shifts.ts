/**
 * A weekly roster line: on ISO weekday `weekday` (1 = Monday … 7 = Sunday) from `startMinute`
 * to `endMinute` (minutes after local midnight). An end at or before the start means the shift
 * runs past midnight into the next day, as night shifts do.
 */
export interface WeeklyShift {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local Monday 00:00 in `timeZone` (the roster is kept in the city's local time, not UTC). */
export function minuteOfWeek(now: Date, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  const weekday = WEEKDAYS[parts['weekday'] ?? ''];
  if (weekday === undefined) throw new RangeError(`cannot read the weekday of ${now.toISOString()} in ${timeZone}`);
  return (weekday - 1) * MINUTES_PER_DAY + Number(parts['hour']) * 60 + Number(parts['minute']);
}

export function isOnDuty(shifts: readonly WeeklyShift[], now: Date, timeZone: string): boolean {
  const minute = minuteOfWeek(now, timeZone);
  return shifts.some((shift) => {
    const start = (shift.weekday - 1) * MINUTES_PER_DAY + shift.startMinute;
    const length = shift.endMinute > shift.startMinute ? shift.endMinute - shift.startMinute : MINUTES_PER_DAY - shift.startMinute + shift.endMinute;
    const offset = (minute - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    return offset < length;
  });
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

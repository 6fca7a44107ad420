import type { WeeklyShift } from '../core/shifts.js';

const DAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const SPEC = /^(mon|tue|wed|thu|fri|sat|sun)@([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** `mon@08:00-17:00` → { weekday: 1, startMinute: 480, endMinute: 1020 }; an end before the start runs past midnight. */
export function parseShift(spec: string): WeeklyShift {
  const match = SPEC.exec(spec.toLowerCase());
  if (!match) throw new RangeError(`shift ${JSON.stringify(spec)} is not <day>@<HH:MM>-<HH:MM>, e.g. mon@08:00-17:00`);
  const [, day, sh, sm, eh, em] = match as unknown as [string, string, string, string, string, string];
  const startMinute = Number(sh) * 60 + Number(sm);
  const endMinute = Number(eh) * 60 + Number(em);
  if (endMinute > 1440) throw new RangeError(`shift ${spec} ends after 24:00`);
  if (endMinute === startMinute) throw new RangeError(`shift ${spec} has no length`);
  return { weekday: DAYS[day]!, startMinute, endMinute: endMinute === 0 ? 1440 : endMinute };
}

import assert from 'node:assert/strict';
import { isOnDuty, minuteOfWeek } from '../../src/core/shifts.js';

const tz = 'Asia/Shanghai';

describe('shifts', () => {
  it('reads the weekday and time in the city time zone, not UTC', () => {
    // Saturday 2026-11-28 01:30 UTC is Saturday 09:30 in Shanghai.
    assert.equal(minuteOfWeek(new Date('2026-11-28T01:30:00Z'), tz), 5 * 1440 + 9 * 60 + 30);
  });

  it('is on duty inside a day shift and off duty at its end', () => {
    const saturdayDay = [{ weekday: 6, startMinute: 8 * 60, endMinute: 17 * 60 }];
    assert.ok(isOnDuty(saturdayDay, new Date('2026-11-28T01:30:00Z'), tz));
    assert.ok(!isOnDuty(saturdayDay, new Date('2026-11-28T09:00:00Z'), tz), '17:00 local is the end of the shift');
    assert.ok(!isOnDuty(saturdayDay, new Date('2026-11-29T01:30:00Z'), tz), 'Sunday is not Saturday');
  });

  it('carries a night shift past midnight, and a Sunday night into Monday', () => {
    const sundayNight = [{ weekday: 7, startMinute: 22 * 60, endMinute: 6 * 60 }];
    assert.ok(isOnDuty(sundayNight, new Date('2026-11-29T15:00:00Z'), tz), 'Sunday 23:00 local');
    assert.ok(isOnDuty(sundayNight, new Date('2026-11-29T20:00:00Z'), tz), 'Monday 04:00 local');
    assert.ok(!isOnDuty(sundayNight, new Date('2026-11-29T23:00:00Z'), tz), 'Monday 07:00 local');
  });

  it('treats a shift ending at 1440 as ending at midnight', () => {
    assert.ok(isOnDuty([{ weekday: 6, startMinute: 0, endMinute: 1440 }], new Date('2026-11-28T15:59:00Z'), tz));
  });
});

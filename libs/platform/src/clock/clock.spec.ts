import { clockFor } from './clock.module.js';
import { SystemClock, TestClock } from './clock.js';

describe(TestClock.name, () => {
  it('runs with the machine until moved, then keeps the offset', () => {
    const clock = new TestClock();
    const before = Date.now();
    const now = clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());

    clock.advanceDays(3);
    const moved = clock.now().getTime() - Date.now();
    expect(moved).toBeGreaterThan(3 * 86_400_000 - 1_000);
    expect(moved).toBeLessThanOrEqual(3 * 86_400_000);
  });

  it('moves to an instant and never back', () => {
    const clock = new TestClock();
    const target = new Date(Date.now() + 40 * 86_400_000);
    expect(clock.moveTo(target).getTime()).toBeGreaterThanOrEqual(target.getTime());
    const at = clock.now().getTime();
    clock.moveTo(new Date(0));
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(at);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe(clockFor.name, () => {
  it('gives the system clock by default and a test clock only outside production', () => {
    expect(clockFor({ CLOCK_MODE: 'system', NODE_ENV: 'production' })).toBeInstanceOf(SystemClock);
    expect(clockFor({ CLOCK_MODE: 'test', NODE_ENV: 'test' })).toBeInstanceOf(TestClock);
    expect(() => clockFor({ CLOCK_MODE: 'test', NODE_ENV: 'production' })).toThrow(/refused/);
  });
});

import { exponentialBackoffMs } from './backoff.js';

describe(exponentialBackoffMs.name, () => {
  const policy = { initialMs: 5_000, maxMs: 60_000 };

  it('waits initialMs after the first failure and doubles with each further one', () => {
    expect([1, 2, 3, 4].map((n) => exponentialBackoffMs(n, policy))).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(exponentialBackoffMs(5, policy)).toBe(60_000);
    expect(exponentialBackoffMs(10_000, policy)).toBe(60_000);
  });

  it('treats "no failure yet" like the first failure rather than halving the delay', () => {
    expect(exponentialBackoffMs(0, policy)).toBe(5_000);
  });
});

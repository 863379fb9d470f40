/**
 * Where timers, renewals and dunning read the time. Injected (Nest token: the Clock class itself) instead of calling
 * `new Date()`, so a test can move time forward by days and watch what a month of billing does in seconds.
 */
export abstract class Clock {
  abstract now(): Date;
}

/** The machine's clock: what every process runs with unless CLOCK_MODE=test. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

const DAY_MS = 86_400_000;

/**
 * The machine's clock plus an offset the test moves. Time keeps flowing between moves, as it does for everything
 * else in the process (relays, consumers, the database), so only what reads this clock jumps.
 */
export class TestClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`a clock only moves forward; got ${ms} ms`);
    }
    this.offsetMs += ms;
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advance(days * DAY_MS);
  }

  /** Moves to an instant; moving back is refused, as no timer can be un-fired. */
  moveTo(at: Date): Date {
    return this.advance(Math.max(0, at.getTime() - this.now().getTime()));
  }
}

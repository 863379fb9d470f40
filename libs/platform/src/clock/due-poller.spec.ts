import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DueRun, DuePoller, type DuePollerOptions } from './due-poller.js';

/**
 * Jobs that finish when the test says so; `running` is how many runDue calls are in flight. With `hints`, a run
 * says 'drained' when no other job was queued at its claim, as a claim query's hint does.
 */
class GatedPoller extends DuePoller {
  hints = false;
  queued = 0;
  running = 0;
  peak = 0;
  calls = 0;
  private readonly gates: (() => void)[] = [];

  constructor(options: Partial<DuePollerOptions> = {}) {
    super({ work: 'test jobs', intervalMs: 10, ...options });
  }

  protected async runDue(): Promise<DueRun> {
    this.calls++;
    if (this.queued === 0) {
      return false;
    }
    this.queued--;
    const more = this.queued > 0;
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.running--;
    return more || !this.hints || 'drained';
  }

  finishAll(): void {
    this.gates.splice(0).forEach((open) => open());
  }

  wake(): void {
    this.kick();
  }
}

/** Due jobs that run at once, or fail while `failing` is set, as a query does while the database is down. */
class InstantPoller extends DuePoller {
  queued = 0;
  calls = 0;
  failing = false;

  constructor(intervalMs: number) {
    super({ work: 'test timer', intervalMs });
  }

  protected runDue(): Promise<boolean> {
    this.calls++;
    if (this.failing) {
      return Promise.reject(new Error('database is down'));
    }
    if (this.queued === 0) {
      return Promise.resolve(false);
    }
    this.queued--;
    return Promise.resolve(true);
  }

  wake(): void {
    this.kick();
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) {
      throw new Error('condition not reached in 2 s');
    }
    await sleep(5);
  }
}

/** A poller of the default single lane, started with `jobs` due and the first of them in flight. */
async function oneLaneWithBacklog(jobs: number): Promise<GatedPoller> {
  const poller = new GatedPoller();
  poller.queued = jobs;
  poller.onApplicationBootstrap();
  await until(() => poller.running === 1);
  return poller;
}

describe(DuePoller.name, () => {
  describe('with gated jobs', () => {
    let poller: GatedPoller;

    afterEach(async () => {
      const stopping = poller.onModuleDestroy();
      poller.queued = 0;
      poller.finishAll();
      await stopping;
    });

    it('works a backlog with every lane while other lanes are still busy', async () => {
      poller = new GatedPoller({ concurrency: 4 });
      poller.onApplicationBootstrap();
      await sleep(30);
      poller.queued = 1;
      await until(() => poller.running === 1);
      // More jobs arrive while the first one runs: a wake-up (NOTIFY) starts a second lane at once, and each lane
      // that finishes a job brings another along, up to the concurrency, without waiting for the busy ones.
      poller.queued = 10;
      poller.wake();
      await until(() => poller.running === 2);
      poller.finishAll();
      await until(() => poller.running === 4);
      expect(poller.peak).toBe(4);
      expect(poller.queued).toBe(5);
      for (let round = 0; round < 4 && poller.queued + poller.running > 0; round++) {
        poller.finishAll();
        await sleep(20);
      }
      await until(() => poller.queued === 0 && poller.running === 0);
      expect(poller.peak).toBe(4);
    });

    it('polls with one query while idle', async () => {
      poller = new GatedPoller({ concurrency: 8 });
      poller.onApplicationBootstrap();
      await sleep(100);
      // About ten polls of 10 ms: each one a single runDue, never eight.
      expect(poller.calls).toBeGreaterThan(3);
      expect(poller.calls).toBeLessThan(20);
      expect(poller.peak).toBe(0);
    });

    it('runs one job at a time unless given a concurrency', async () => {
      poller = await oneLaneWithBacklog(3);
      poller.wake();
      await sleep(40);
      expect(poller.running).toBe(1);
      for (let left = 2; left >= 0; left--) {
        await until(() => poller.running === 1 && poller.queued === left);
        poller.finishAll();
      }
      await until(() => poller.queued === 0 && poller.running === 0);
      expect(poller.peak).toBe(1);
    });

    it('ends a drain whose claim saw nothing else due: a lone job costs one claim, not three', async () => {
      for (const hints of [false, true]) {
        poller = new GatedPoller({ concurrency: 4, intervalMs: 60_000 });
        poller.hints = hints;
        poller.onApplicationBootstrap();
        await until(() => poller.calls === 1); // the first poll, finding nothing
        poller.queued = 1;
        poller.wake();
        await until(() => poller.running === 1);
        poller.finishAll();
        await until(() => poller.running === 0);
        await sleep(30);
        // Without the hint, the lane asks once more and the lane it brought along once: both find nothing.
        expect({ hints, claims: poller.calls - 1 }).toEqual({ hints, claims: hints ? 1 : 3 });
        await poller.onModuleDestroy();
      }
    });

    it('looks once more when a job was enqueued while every lane was busy with a claim that missed it', async () => {
      for (const claim of ['empty', 'drained']) {
        poller = new GatedPoller({ intervalMs: 60_000 });
        poller.hints = true;
        poller.onApplicationBootstrap();
        if (claim === 'drained') {
          await until(() => poller.calls === 1);
          await sleep(10);
          poller.queued = 1;
          poller.wake();
          await until(() => poller.running === 1);
        }
        // The claim in flight (finding nothing, or its one job and no other) missed this job, and its wake-up
        // finds the only lane busy. It is not left for the next poll, a minute away.
        poller.queued = 1;
        poller.wake();
        poller.finishAll();
        await until(() => poller.running === 1 && poller.queued === 0);
        poller.finishAll();
        await until(() => poller.running === 0);
        await sleep(30);
        expect({ claim, calls: poller.calls }).toEqual({ claim, calls: claim === 'drained' ? 3 : 2 });
        await poller.onModuleDestroy();
      }
    });

    it('shuts down once the job in flight has finished, starting no other', async () => {
      poller = await oneLaneWithBacklog(3);

      let stopped = false;
      const stopping = poller.onModuleDestroy().then(() => (stopped = true));
      await sleep(40);
      expect(stopped).toBe(false);

      poller.finishAll();
      await stopping;
      expect(poller.running).toBe(0);
      expect(poller.queued).toBe(2);
      const calls = poller.calls;
      await sleep(40);
      expect(poller.calls).toBe(calls);
    });
  });

  describe('with jobs that run at once', () => {
    let poller: InstantPoller;
    let warnings: string[];

    beforeEach(() => {
      jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
      warnings = [];
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
        warnings.push(String(message));
      });
    });

    afterEach(async () => {
      await poller.onModuleDestroy();
      jest.restoreAllMocks();
      jest.useRealTimers();
    });

    it('drains every due job in one go, then waits for the next poll', async () => {
      poller = new InstantPoller(1_000);
      poller.queued = 5;
      poller.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      // Five fires and the query that found none due.
      expect(poller.queued).toBe(0);
      expect(poller.calls).toBe(6);

      poller.queued = 2;
      await jest.advanceTimersByTimeAsync(999);
      expect(poller.queued).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(poller.queued).toBe(0);
      expect(poller.calls).toBe(9);
    });

    it('warns about a failing run once per ten seconds and retries it on the next poll', async () => {
      poller = new InstantPoller(100);
      poller.failing = true;
      poller.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(poller.calls).toBe(1);
      expect(warnings).toEqual(['test timer failed, retrying on the next poll: database is down']);

      // One retry per poll, none in between, and no further warning within the window.
      await jest.advanceTimersByTimeAsync(9_900);
      expect(poller.calls).toBe(100);
      expect(warnings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(100);
      expect(poller.calls).toBe(101);
      expect(warnings).toHaveLength(2);

      poller.failing = false;
      poller.queued = 3;
      await jest.advanceTimersByTimeAsync(100);
      expect(poller.queued).toBe(0);
      expect(warnings).toHaveLength(2);
    });
  });
});

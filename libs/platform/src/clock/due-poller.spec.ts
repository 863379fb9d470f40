import { setTimeout as sleep } from 'node:timers/promises';
import { DuePoller } from './due-poller.js';

/** Jobs that finish when the test says so; `running` is how many runDue calls are in flight. */
class GatedPoller extends DuePoller {
  queued = 0;
  running = 0;
  peak = 0;
  calls = 0;
  private readonly gates: (() => void)[] = [];

  constructor(concurrency: number) {
    super({ work: 'test jobs', intervalMs: 10, concurrency });
  }

  protected async runDue(): Promise<boolean> {
    this.calls++;
    if (this.queued === 0) {
      return false;
    }
    this.queued--;
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.running--;
    return true;
  }

  finishAll(): void {
    this.gates.splice(0).forEach((open) => open());
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

describe(DuePoller.name, () => {
  let poller: GatedPoller;

  afterEach(async () => {
    const stopping = poller.onModuleDestroy();
    poller.queued = 0;
    poller.finishAll();
    await stopping;
  });

  it('works a backlog with every lane while other lanes are still busy', async () => {
    poller = new GatedPoller(4);
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
    poller = new GatedPoller(8);
    poller.onApplicationBootstrap();
    await sleep(100);
    // About ten polls of 10 ms: each one a single runDue, never eight.
    expect(poller.calls).toBeGreaterThan(3);
    expect(poller.calls).toBeLessThan(20);
    expect(poller.peak).toBe(0);
  });
});

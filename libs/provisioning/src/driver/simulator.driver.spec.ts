import { randomUUID } from 'node:crypto';
import { BUILD_STEPS, type BuildStep } from '../build.state.js';
import type { Machine, StepOutcome } from './provisioning.driver.js';
import { SimulatorDriver, simulatedIpv4, simulatedIpv6, simulatedNode } from './simulator.driver.js';

function machine(overrides: Partial<Machine> = {}): Machine {
  return {
    serviceId: randomUUID(),
    region: 'eu-central-1',
    image: 'ubuntu-24.04',
    hostname: 'web-01.example.com',
    resources: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
    attempt: 1,
    node: 'sim-eu-central-1-1',
    network: null,
    ...overrides,
  };
}

const secrets = { rootPassword: () => Promise.resolve('unused'), sshKeys: [] };

/** Runs the build as the job would; returns the steps run and the final outcome. */
async function build(driver: SimulatorDriver, m: Machine): Promise<{ ran: BuildStep[]; last: StepOutcome }> {
  const ran: BuildStep[] = [];
  for (const step of BUILD_STEPS) {
    ran.push(step);
    const outcome = await driver.runStep(m, step, secrets);
    if (outcome.kind !== 'done') {
      return { ran, last: outcome };
    }
  }
  return { ran, last: { kind: 'done' } };
}

describe(SimulatorDriver.name, () => {
  const driver = new SimulatorDriver(0);

  it('builds an ordinary hostname through all five steps on sim-<region>-1', async () => {
    const m = machine({ hostname: 'web-01.example.com' });
    expect(simulatedNode(m.region)).toBe('sim-eu-central-1-1');
    expect(simulatedNode('us-east-1')).toBe('sim-us-east-1-1');
    expect(await build(driver, m)).toEqual({ ran: [...BUILD_STEPS], last: { kind: 'done' } });
  });

  it('keeps the node name a valid slug for the longest region code', () => {
    const node = simulatedNode('r'.repeat(64));
    expect(node.length).toBeLessThanOrEqual(64);
    expect(node).toMatch(/^sim-r+-1$/);
  });

  it('fails fail-* at installing_image, not retryable, on every attempt', async () => {
    for (const attempt of [1, 2]) {
      const { ran, last } = await build(driver, machine({ hostname: 'fail-web.example.com', attempt }));
      expect(ran.at(-1)).toBe('installing_image');
      expect(last).toMatchObject({ kind: 'failed', reason: 'image_install_failed', retryable: false });
    }
  });

  it('fails nocap-* at allocating, retryable, on every attempt', async () => {
    for (const attempt of [1, 2, 3]) {
      const { ran, last } = await build(driver, machine({ hostname: 'nocap-web.example.com', attempt }));
      expect(ran).toEqual(['allocating']);
      expect(last).toMatchObject({ kind: 'failed', reason: 'no_capacity', retryable: true });
    }
  });

  it('fails flaky-* at booting on the first attempt only', async () => {
    const first = await build(driver, machine({ hostname: 'flaky-web.example.com', attempt: 1 }));
    expect(first.ran.at(-1)).toBe('booting');
    expect(first.last).toMatchObject({ kind: 'failed', reason: 'boot_timeout', retryable: true });
    const second = await build(driver, machine({ hostname: 'flaky-web.example.com', attempt: 2 }));
    expect(second).toEqual({ ran: [...BUILD_STEPS], last: { kind: 'done' } });
  });

  it('matches the triggers only as a prefix, in any case', async () => {
    expect((await build(driver, machine({ hostname: 'web-fail-1.example.com' }))).last.kind).toBe('done');
    expect((await build(driver, machine({ hostname: 'FAIL-web.example.com' }))).last).toMatchObject({
      reason: 'image_install_failed',
    });
  });

  it('derives the same addresses from the same service id, inside the documentation ranges', async () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    for (const id of ids) {
      expect(simulatedIpv4(id)).toBe(simulatedIpv4(id));
      expect(simulatedIpv6(id)).toBe(simulatedIpv6(id));
      expect(simulatedIpv4(id)).toMatch(/^203\.0\.113\.(\d{1,3})$/);
      const last = Number(simulatedIpv4(id).split('.')[3]);
      expect(last).toBeGreaterThanOrEqual(1);
      expect(last).toBeLessThanOrEqual(254);
      expect(simulatedIpv6(id)).toMatch(/^2001:db8::[1-9a-f][0-9a-f]{0,3}(:[1-9a-f][0-9a-f]{0,3}){3}$/);
    }
    expect(new Set(ids.map(simulatedIpv6)).size).toBe(ids.length);
    expect(new Set(ids.map(simulatedIpv4)).size).toBeGreaterThan(100);
    const m = machine();
    expect(await driver.status(m)).toEqual({
      power: 'running',
      ipv4: simulatedIpv4(m.serviceId),
      ipv6: simulatedIpv6(m.serviceId),
    });
    // Pinned: a tester can predict the addresses of a service id (the catalog's example id here).
    expect(simulatedIpv4('0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e09')).toBe('203.0.113.34');
    expect(simulatedIpv6('0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e09')).toBe('2001:db8::cc3f:7ee:3e91:bf5a');
  });

  it('reports a step pending until its latency has passed', async () => {
    let now = 1_000_000;
    const slow = new SimulatorDriver(300, () => now);
    const m = machine();
    expect(await slow.runStep(m, 'allocating', secrets)).toEqual({ kind: 'pending', checkAfterMs: 300 });
    now += 200;
    expect(await slow.runStep(m, 'allocating', secrets)).toEqual({ kind: 'pending', checkAfterMs: 100 });
    now += 100;
    expect(await slow.runStep(m, 'allocating', secrets)).toEqual({ kind: 'done' });
    // Released machines forget their running steps: the next attempt starts the clock again.
    expect(await slow.runStep(m, 'creating_disk', secrets)).toMatchObject({ kind: 'pending' });
    await slow.release(m);
    now += 100;
    expect(await slow.runStep(m, 'creating_disk', secrets)).toEqual({ kind: 'pending', checkAfterMs: 300 });
  });

  it('reports the power a customer action or a suspension left the machine in', async () => {
    const m = machine();
    const power = async () => (await driver.status(m)).power;
    await driver.power(m, 'power_off');
    expect(await power()).toBe('stopped');
    await driver.power(m, 'power_on');
    expect(await power()).toBe('running');
    await driver.suspend(m);
    expect(await power()).toBe('stopped');
    await driver.unsuspend(m);
    expect(await power()).toBe('running');
    await driver.power(m, 'power_off');
    await driver.reinstall(m);
    expect(await power()).toBe('running');
  });
});

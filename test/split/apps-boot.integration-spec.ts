import { randomBytes } from 'node:crypto';
import { SOURCE_MODULES } from '@app/contracts';
import { getJson, spawnNode, waitFor, type Spawned } from '../support/processes.js';
import { uniquePrefix } from '../support/isolation.js';

// Each of the eight deployables boots on its own (compiled by `npm test` before the suites run), reports ready
// against the real PostgreSQL and Kafka, and shuts down cleanly on SIGTERM.
describe('split apps', () => {
  const prefix = uniquePrefix('boot');
  const apps: { name: string; port: number; proc: Spawned }[] = [];

  afterAll(() => {
    for (const app of apps) {
      app.proc.child.kill('SIGKILL');
    }
  });

  it('every app boots, reports ready and stops on SIGTERM', async () => {
    SOURCE_MODULES.forEach((name, index) => {
      const port = 3400 + index;
      const proc = spawnNode(`dist/apps/${name}/src/main.js`, {
        PORT: String(port),
        HOST: '127.0.0.1',
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_PARTITIONS: '2',
        LOG_LEVEL: 'warn',
      });
      apps.push({ name, port, proc });
    });
    for (const app of apps) {
      const ready = await waitFor(
        async () => {
          const { status, body } = await getJson(`http://127.0.0.1:${app.port}/health/ready`);
          return status === 200 ? body : undefined;
        },
        `${app.name} ready`,
        60_000,
        250,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${app.proc.output()}`);
      });
      expect(ready).toMatchObject({
        status: 'ok',
        info: { postgres: { status: 'up' }, kafka: { status: 'up' } },
      });
      const live = await getJson(`http://127.0.0.1:${app.port}/health/live`);
      expect(live.status).toBe(200);
    }
    for (const app of apps) {
      app.proc.child.kill('SIGTERM');
    }
    // Nest closes the app (consumers leave their groups, relays stop) and then re-raises the signal.
    const exits = await Promise.all(apps.map((a) => a.proc.exited));
    expect(exits.map((e) => e.signal ?? e.code)).toEqual(apps.map(() => 'SIGTERM'));
    for (const app of apps) {
      expect(app.proc.output()).not.toMatch(/ERROR/);
    }
  });

  it('refuses to boot on a bad variable and names it', async () => {
    const proc = spawnNode('dist/apps/orders/src/main.js', {
      PORT: 'seventy',
      KAFKA_BROKERS: 'not a broker list',
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expect(proc.output()).toContain('Invalid environment');
    expect(proc.output()).toMatch(/PORT="seventy"/);
    expect(proc.output()).toMatch(
      /KAFKA_BROKERS="not a broker list": KAFKA_BROKERS must be a comma-separated/,
    );
  });

  it('production refuses shipped secrets and stand-ins nobody allowed, naming each; allowed ones boot with a warning', async () => {
    const production = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    const secrets = {
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      METRICS_TOKEN: randomBytes(32).toString('hex'),
    };
    // An empty variable counts as unset, which used to mean the public development default.
    const shipped = spawnNode('dist/apps/billing/src/main.js', {
      ...production,
      PORT: '3420',
      PAYMENT_WEBHOOK_SECRET: '',
      SECRETS_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    expect((await shipped.exited).code).toBe(1);
    // METRICS_TOKEN unset: an open /metrics.
    for (const variable of [
      'PAYMENT_WEBHOOK_SECRET',
      'SECRETS_KEY',
      'WEBHOOK_ALLOW_INSECURE_URLS',
      'METRICS_TOKEN',
    ]) {
      expect(shipped.output()).toMatch(new RegExp(`${variable}[ =]`));
    }
    expect(shipped.output()).not.toContain('ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=');

    const standIns = [
      { app: 'billing', port: 3421, allow: 'ALLOW_TEST_PAYMENTS' },
      { app: 'provisioning', port: 3422, allow: 'ALLOW_SIMULATED_PROVISIONING' },
    ];
    for (const { app, port, allow } of standIns) {
      const refused = spawnNode(`dist/apps/${app}/src/main.js`, {
        ...production,
        ...secrets,
        PORT: String(port),
      });
      expect({ app, code: (await refused.exited).code }).toEqual({ app, code: 1 });
      expect(refused.output()).toContain(`set ${allow}=true to run it anyway`);

      const allowed = spawnNode(`dist/apps/${app}/src/main.js`, {
        ...production,
        ...secrets,
        PORT: String(port),
        [allow]: 'true',
      });
      apps.push({ name: app, port, proc: allowed });
      await waitFor(
        async () =>
          (await getJson(`http://127.0.0.1:${port}/health/ready`)).status === 200 ? true : undefined,
        `${app} ready with ${allow}=true`,
        60_000,
        250,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${allowed.output()}`);
      });
      expect(allowed.output()).toContain(`${allow}=true:`);
      allowed.child.kill('SIGTERM');
      await allowed.exited;
    }
  });
});

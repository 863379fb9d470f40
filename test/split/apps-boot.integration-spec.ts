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
});

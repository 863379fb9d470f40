import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { accountsDomain } from '@app/accounts';
import { auditDomain } from '@app/audit';
import { exampleEvent } from '@app/contracts';
import { RelayHostService } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { BILLING, EFFECTS_DDL, TestBillingModule } from '../messaging/fixtures.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Position {
  topic: string;
  partition: number;
  committedOffset: number | null;
  endOffset: number;
  lag: number;
}
interface Group {
  groupId: string;
  state: string;
  members: { clientId: string; assignment: { topic: string; partitions: number[] }[] }[];
  lag: number;
  partitions: Position[];
}
interface Reset {
  dryRun: boolean;
  reconsumed: number;
  skipped: number;
  partitions: (Position & { targetOffset: number })[];
  actionId: string | null;
}

/**
 * Issue #21, point 2: the console's consumer groups, as kafbat UI shows them, and moving a group's offsets. The
 * console (accounts + audit) and a consumer of order.created (billing's inbox, a test handler counting effects) run
 * as two apps on the real broker, as in a split deployment: a group's offsets move only while it has no member.
 */
describe('consumer groups in the console (real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('groups');
  const group = `${prefix}${BILLING.groupId}`;
  const topic = `${prefix}order.created`;
  const env = { ...process.env, KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '3' };
  let consoleApp: INestApplication;
  let consumer: INestApplication | undefined;
  let shop: Storefront;
  let admin: string;
  let db: DataSource;

  const startConsumer = async (): Promise<INestApplication> => {
    const app = await createPlatformApp(
      { name: 'groups-consumer', domains: [{ domain: BILLING, module: TestBillingModule }] },
      env,
    );
    await app.init();
    return app;
  };

  beforeAll(async () => {
    consoleApp = await createPlatformApp({ name: 'console', domains: [accountsDomain, auditDomain] }, env);
    await consoleApp.init();
    db = consoleApp.get(DataSource);
    await db.query(EFFECTS_DDL);
    shop = new Storefront(consoleApp);
    admin = await shop.adminToken();
    consumer = await startConsumer();
  }, 90_000);

  afterAll(async () => {
    await consumer?.close();
    await closeIsolatedApp(consoleApp, prefix);
  });

  const getGroup = async (): Promise<Group> =>
    (await shop.http.get(`/v1/admin/consumers/groups/${group}`).auth(admin, { type: 'bearer' }).expect(200))
      .body as Group;
  const reset = (body: object, status: number) =>
    shop.http
      .post(`/v1/admin/consumers/groups/${group}/offsets`)
      .auth(admin, { type: 'bearer' })
      .send(body)
      .expect(status);
  const effects = async (ids: string[]): Promise<number> =>
    Number(
      (
        await db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM public.messaging_test_effect WHERE consumer = 'billing' AND event_id = ANY($1)`,
          [ids],
        )
      )[0]?.n,
    );
  const caughtUp = (what: string) =>
    waitFor(
      async () => {
        const g = await getGroup();
        const mine = g.partitions.filter((p) => p.topic === topic);
        return mine.length === 3 && mine.every((p) => p.lag === 0) ? g : undefined;
      },
      what,
      60_000,
    );

  let before = '';
  const published: string[] = [];

  it('shows the group: its member, the partitions assigned to it, committed and end offsets, lag', async () => {
    before = new Date().toISOString();
    const outbox = consumer?.get(RelayHostService).outboxOf('billing');
    for (let n = 0; n < 6; n++) {
      const data = { ...exampleEvent('order.created'), orderId: randomUUID(), hostname: `g${n}.example.com` };
      const event = await outbox?.transaction((uow) =>
        uow.publish('order.created', data, { tenantId: randomUUID(), subject: data.orderId }),
      );
      published.push(event?.id ?? '');
    }
    await waitFor(async () => ((await effects(published)) === 6 ? true : undefined), 'six effects');
    const shown = await caughtUp('the group caught up');
    expect(shown.state).toBe('Stable');
    expect(shown.members).toHaveLength(1);
    expect(shown.members[0]?.assignment).toEqual(expect.arrayContaining([{ topic, partitions: [0, 1, 2] }]));
    const mine = shown.partitions.filter((p) => p.topic === topic);
    expect(mine.reduce((sum, p) => sum + p.endOffset, 0)).toBe(6);
    // Six tenant keys over three partitions may leave one empty: the group never committed there (null), and nothing
    // is behind; every partition that holds a record is committed to its end.
    expect(mine.filter((p) => p.committedOffset !== (p.endOffset === 0 ? null : p.endOffset))).toEqual([]);
    const listed = (
      await shop.http.get('/v1/admin/consumers/groups').auth(admin, { type: 'bearer' }).expect(200)
    ).body as { groups: Group[] };
    expect(listed.groups.map((g) => g.groupId)).toContain(group);
    expect(listed.groups.every((g) => g.groupId.startsWith(prefix))).toBe(true);
  });

  it('refuses to move the offsets of a group with members, recording the refusal', async () => {
    const dry = await reset({ to: 'earliest' }, 409);
    expect((dry.body as { type: string; detail: string }).detail).toMatch(/1 member\(s\).*stop them first/);
    await reset({ to: 'earliest', dryRun: false, reason: 'reprocess after the fix' }, 409);
    const refused = await db.query<{ result: string }[]>(
      `SELECT result FROM audit.admin_actions WHERE action = 'consumers.reset_offsets'`,
    );
    expect(refused.map((r) => r.result)).toEqual(['refused']);
  });

  it('a dry run shows what would be re-consumed and moves nothing; the move needs a reason', async () => {
    await consumer?.close();
    consumer = undefined;
    await waitFor(
      async () => ((await getGroup()).members.length === 0 ? true : undefined),
      'the group empty',
    );
    const dry = (await reset({ to: 'time', time: before, topics: ['order.created'] }, 200)).body as Reset;
    expect(dry).toMatchObject({ dryRun: true, reconsumed: 6, skipped: 0, actionId: null });
    expect(dry.partitions.every((p) => p.targetOffset === 0)).toBe(true);
    expect((await getGroup()).partitions.filter((p) => p.topic === topic).every((p) => p.lag === 0)).toBe(
      true,
    );
    const unexplained = await reset({ to: 'earliest', dryRun: false }, 400);
    expect(unexplained.headers['content-type']).toContain('application/problem+json');
    await reset({ to: 'time', time: 'yesterday' }, 400);
    await shop.http
      .get('/v1/admin/consumers/groups/t.someone-else.platforma.billing')
      .auth(admin, { type: 'bearer' })
      .expect(404);
  });

  it('rewinds the empty group; the restarted consumer reads everything again and its inbox makes that harmless', async () => {
    const moved = (
      await reset(
        { to: 'earliest', topics: [topic], dryRun: false, reason: 'replay order.created into billing' },
        200,
      )
    ).body as Reset;
    expect(moved).toMatchObject({ dryRun: false, reconsumed: 6 });
    expect(moved.actionId).toEqual(expect.any(String));
    expect(
      (await getGroup()).partitions.filter((p) => p.topic === topic).reduce((s, p) => s + p.lag, 0),
    ).toBe(6);
    const inboxBefore = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM billing.inbox WHERE event_id = ANY($1)',
      [published],
    );
    consumer = await startConsumer();
    await caughtUp('the six records read again');
    expect(await effects(published)).toBe(6);
    const inboxAfter = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM billing.inbox WHERE event_id = ANY($1)',
      [published],
    );
    expect(inboxAfter).toEqual(inboxBefore);
    const actions = await db.query<{ result: string; reason: string; detail: string }[]>(
      `SELECT result, reason, detail FROM audit.admin_actions WHERE action = 'consumers.reset_offsets' ORDER BY id`,
    );
    expect(actions.at(-1)).toMatchObject({ result: 'accepted', reason: 'replay order.created into billing' });
    expect(actions.at(-1)?.detail).toContain('6 to re-consume');
  });
});

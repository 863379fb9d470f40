import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import type { EventData, EventEnvelope } from '@app/contracts';
import {
  defineDomain,
  DLQ_HEADER,
  encodeEnvelope,
  type EventContext,
  EventProducer,
  MESSAGING_SETTINGS,
  MessagingModule,
  type MessagingSettings,
  OnEvent,
  TopicReader,
} from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { orderCreatedEnvelope } from './fixtures.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';

// A handler whose transaction opens on demand (OnEvent's `transaction: 'on-demand'`, as the webhook fan-out uses):
// the hostname says what it does with the event.
const NOTIFICATIONS = defineDomain('notifications');

const seen = {
  /** Handler invocations per event id (each delivery and each retry). */
  invocations: new Map<string, number>(),
  /** begin() refused as a duplicate, per event id: proof that a redelivery was consumed. */
  duplicates: new Map<string, number>(),
  /** ctx.afterCommit callbacks run, per event id, with the effect rows committed when each ran. */
  afterCommit: new Map<string, number>(),
  /** What another connection saw of the event's effect when its afterCommit callback ran. */
  visibleAfterCommit: new Map<string, Promise<unknown[]>>(),
};
const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

@Controller()
class OnDemandListener {
  @OnEvent('order.created', NOTIFICATIONS, { transaction: 'on-demand' })
  async handle(@Payload() data: EventData<'order.created'>, @Ctx() ctx: EventContext<'order.created'>) {
    bump(seen.invocations, ctx.envelope.id);
    const pool = ctx.reader; // before begin(): the pool, not the delivery's transaction
    ctx.afterCommit(() => {
      bump(seen.afterCommit, ctx.envelope.id);
      seen.visibleAfterCommit.set(
        ctx.envelope.id,
        pool.query('SELECT 1 FROM public.messaging_test_effect WHERE event_id = $1', [ctx.envelope.id]),
      );
    });
    const host = data.hostname;
    // The decision reads outside any transaction.
    const [row] = await ctx.reader.query<{ tx: unknown }[]>('SELECT txid_current_if_assigned() AS tx');
    if (row?.tx !== null) {
      throw new Error('the decision ran inside a transaction');
    }
    if (host.startsWith('skip')) {
      return;
    }
    if (host.startsWith('eager')) {
      await ctx.manager.query('SELECT 1'); // writes before begin(): refused
    }
    try {
      await ctx.begin();
    } catch (error) {
      bump(seen.duplicates, ctx.envelope.id);
      throw error;
    }
    await ctx.manager.query(
      'INSERT INTO public.messaging_test_effect (consumer, event_id, tenant, hostname) VALUES ($1, $2, $3, $4)',
      ['on-demand', ctx.envelope.id, ctx.tenantId, host],
    );
    if (host.startsWith('flaky') && ctx.attempt < 2) {
      throw new Error('fails after its write, on the first attempt');
    }
  }
}

@Module({ imports: [MessagingModule.forDomain(NOTIFICATIONS)], controllers: [OnDemandListener] })
class OnDemandModule {}

describe('a handler whose transaction opens on demand (real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('ondemand');
  const topic = `${prefix}order.created`;
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await createPlatformApp(
      { name: 'on-demand-test', domains: [{ domain: NOTIFICATIONS, module: OnDemandModule }] },
      { ...process.env, KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '2' },
    );
    await app.init();
    db = app.get(DataSource);
    await db.query(`
      CREATE TABLE IF NOT EXISTS public.messaging_test_effect (
        id bigserial PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL, tenant text NOT NULL,
        hostname text NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  const send = async (hostname: string, copies = 1): Promise<EventEnvelope<'order.created'>> => {
    const envelope = orderCreatedEnvelope(hostname);
    const record = { topic, ...encodeEnvelope(envelope) };
    await app.get(EventProducer).send(Array.from({ length: copies }, () => record));
    return envelope;
  };

  const count = async (sql: string, id: string): Promise<number> =>
    Number((await db.query<{ n: string }[]>(sql, [id]))[0]?.n);
  const inboxRows = (id: string) =>
    count('SELECT count(*) AS n FROM notifications.inbox WHERE event_id = $1', id);
  const effects = (id: string) =>
    count('SELECT count(*) AS n FROM public.messaging_test_effect WHERE event_id = $1', id);
  const invoked = (id: string, times: number) =>
    waitFor(
      () => Promise.resolve((seen.invocations.get(id) ?? 0) >= times ? true : undefined),
      `${times} invocation(s) of ${id}`,
    );

  it('a delivery with nothing to do opens no transaction and leaves no inbox row', async () => {
    const skipped = await send('skip-1.example.com');
    const worked = await send('work-1.example.com');
    await invoked(skipped.id, 1);
    await waitFor(async () => ((await effects(worked.id)) === 1 ? true : undefined), 'the worked event');
    expect(await inboxRows(skipped.id)).toBe(0);
    expect(seen.afterCommit.get(skipped.id)).toBe(1);
    expect(await effects(skipped.id)).toBe(0);
    expect(await inboxRows(worked.id)).toBe(1);
    // The callback ran after the commit: a connection of the pool already saw the handler's write.
    expect(await seen.visibleAfterCommit.get(worked.id)).toHaveLength(1);
  });

  it('a duplicate ends at begin(): one inbox row, one effect', async () => {
    const twice = await send('twice.example.com', 2);
    await waitFor(
      () => Promise.resolve((seen.duplicates.get(twice.id) ?? 0) >= 1 ? true : undefined),
      'the duplicate refused at begin()',
    );
    expect(seen.invocations.get(twice.id)).toBe(2);
    expect(seen.afterCommit.get(twice.id)).toBe(1); // not for the duplicate
    expect(await effects(twice.id)).toBe(1);
    expect(await inboxRows(twice.id)).toBe(1);
  });

  it('a failure after begin() rolls back the inbox row and the write; the retry commits once', async () => {
    const flaky = await send('flaky.example.com');
    await invoked(flaky.id, 2);
    await waitFor(async () => ((await effects(flaky.id)) === 1 ? true : undefined), 'the retried event');
    expect(await inboxRows(flaky.id)).toBe(1);
    expect(seen.duplicates.get(flaky.id)).toBeUndefined();
    expect(seen.afterCommit.get(flaky.id)).toBe(1); // not for the attempt that rolled back
  });

  it('writing before begin() is refused: the event is dead-lettered with the reason', async () => {
    const eager = await send('eager.example.com');
    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const [dead] = await waitFor(
      async () => {
        const found = (await reader.readAll(`${topic}.dlq`)).filter((r) => r.headers.ce_id === eager.id);
        return found.length > 0 ? found : undefined;
      },
      'the dead letter',
      60_000,
    );
    expect(dead?.headers[DLQ_HEADER.error]).toContain('must await ctx.begin() before it writes');
    expect(await inboxRows(eager.id)).toBe(0);
  }, 90_000);
});

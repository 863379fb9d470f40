import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventEnvelope } from '@app/contracts';
import {
  DLQ_HEADER,
  encodeEnvelope,
  EventProducer,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicReader,
} from '@app/messaging';
import { committedPast, consumerServers } from '../support/consumers.js';
import { waitFor } from '../support/processes.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import {
  EFFECTS_DDL,
  invocations,
  orderCreatedEnvelope,
  ORDERS,
  published,
  startTestApp,
} from './fixtures.js';

/**
 * Records of one partition that arrive in one fetch share a transaction (one inbox INSERT, one outbox INSERT, one
 * COMMIT); these are the guarantees that must not change with it. Every record here is put on the topic with one
 * produce request, so the consumer fetches it as one batch of one partition.
 */
describe('records fetched together share one transaction (real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('shared');
  const topic = `${prefix}order.created`;
  const CONSUMERS = ['billing', 'orders'];
  let app: INestApplication;
  let db: DataSource;
  let reader: TopicReader;

  beforeAll(async () => {
    app = await startTestApp('shared-transaction-test', prefix, 3);
    db = app.get(DataSource);
    await db.query(EFFECTS_DDL);
    reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  const envelopeOf = (tenant: string, hostname: string): EventEnvelope<'order.created'> => ({
    ...orderCreatedEnvelope(hostname),
    tenantid: tenant,
  });

  /** One produce request: one record batch on one partition (one tenant, one key). */
  const sendTogether = (envelopes: EventEnvelope[]) =>
    app.get(EventProducer).send(envelopes.map((e) => ({ topic, ...encodeEnvelope(e) })));

  const effectsOf = async (consumer: string, tenant: string): Promise<string[]> => {
    const rows: { event_id: string }[] = await db.query(
      `SELECT event_id FROM public.messaging_test_effect WHERE consumer = $1 AND tenant = $2 ORDER BY id`,
      [consumer, tenant],
    );
    return rows.map((r) => r.event_id);
  };

  const settled = (tenant: string, count: number) =>
    waitFor(
      async () => {
        const all = await Promise.all(CONSUMERS.map((c) => effectsOf(c, tenant)));
        return all.every((e) => e.length >= count) ? all : undefined;
      },
      `${count} effects of ${tenant} in each module`,
      60_000,
      100,
    );

  /** Transactions that wrote these events' inbox rows in a module (PostgreSQL's xmin of each row). */
  const inboxTransactions = async (schema: 'orders' | 'billing', ids: string[]): Promise<number> => {
    const rows: { n: string }[] = await db.query(
      `SELECT count(DISTINCT xmin::text) AS n FROM ${schema}.inbox WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    return Number(rows[0]?.n);
  };

  const deadLetters = async (tenant: string): Promise<Record<string, string>[]> =>
    (await reader.readAll(`${topic}.dlq`))
      .filter((r) => r.headers.ce_tenantid === tenant)
      .map((r) => r.headers);

  it('a batch of one partition commits in fewer transactions than records, handled in offset order, once each', async () => {
    const tenant = randomUUID();
    const envelopes = Array.from({ length: 12 }, (_, i) => envelopeOf(tenant, `batch-${i}.example.com`));
    await sendTogether(envelopes);
    const ids = envelopes.map((e) => e.id);
    expect(await settled(tenant, ids.length)).toEqual([ids, ids]);
    expect(await inboxTransactions('orders', ids)).toBeLessThan(ids.length);
    expect(await inboxTransactions('billing', ids)).toBeLessThan(ids.length);
  });

  it("a handler's events, held to its transaction's end, keep the order it published them in", async () => {
    const tenant = randomUUID();
    const envelopes = Array.from({ length: 3 }, (_, i) => envelopeOf(tenant, `fanout-${i}.example.com`));
    await sendTogether(envelopes);
    await settled(tenant, envelopes.length);
    const expected = envelopes.flatMap((e) => published.get(e.id) ?? []);
    expect(expected).toHaveLength(9);
    const rows: { event_id: string }[] = await db.query(
      `SELECT event_id FROM orders.outbox WHERE event_id = ANY($1::uuid[]) ORDER BY id`,
      [expected],
    );
    expect(rows.map((r) => r.event_id)).toEqual(expected);
  });

  it('offsets of many batches go out in a few commits, and all of them once idle', async () => {
    const server = consumerServers(app).find((s) => s.groupId.endsWith(ORDERS.groupId));
    if (!server) {
      throw new Error('no orders consumer');
    }
    const before = { ...server.counters };
    // Twenty tenants, one record each, a few milliseconds apart: batches of one record on several partitions.
    const envelopes = Array.from({ length: 20 }, (_, i) =>
      envelopeOf(randomUUID(), `spread-${i}.example.com`),
    );
    for (const envelope of envelopes) {
      await sendTogether([envelope]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(async () => {
      const rows: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM public.messaging_test_effect WHERE consumer = 'orders' AND event_id = ANY($1::uuid[])`,
        [envelopes.map((e) => e.id)],
      );
      return Number(rows[0]?.n) === envelopes.length ? true : undefined;
    }, 'every record handled');
    await committedPast(app, [server.groupId], [topic]);
    const batches = server.counters.batches - before.batches;
    const commits = server.counters.offsetCommits - before.offsetCommits;
    expect(batches).toBeGreaterThanOrEqual(10);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(batches / 2);
  });

  type Kind = 'good' | 'poison' | 'flaky' | 'again';

  it('any mix of good, refused, failing-twice and repeated records in one batch ends as each alone would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Kind>('good', 'good', 'poison', 'flaky', 'again'), {
          minLength: 2,
          maxLength: 8,
        }),
        async (kinds) => {
          const tenant = randomUUID();
          const sent: EventEnvelope<'order.created'>[] = [];
          kinds.forEach((kind, i) => {
            const previous = sent[sent.length - 1];
            sent.push(
              kind === 'again' && previous ? previous : envelopeOf(tenant, `${kind}-${i}.example.com`),
            );
          });
          await sendTogether(sent);
          // Each event once, in the order of its first copy; refused ones never take effect.
          const distinct = [...new Map(sent.map((e) => [e.id, e])).values()];
          const refused = distinct.filter((e) => e.data.hostname.startsWith('poison'));
          // A refused event leaves no inbox row: every copy of it is refused and dead-lettered, in each module.
          const refusedCopies = sent.filter((e) => refused.includes(e));
          const handled = distinct.filter((e) => !refused.includes(e)).map((e) => e.id);
          const effects = await settled(tenant, handled.length);
          expect(effects).toEqual([handled, handled]);
          const letters = await waitFor(
            async () => {
              const found = await deadLetters(tenant);
              return found.length >= refusedCopies.length * CONSUMERS.length ? found : undefined;
            },
            'dead letters',
            30_000,
            200,
          );
          expect(letters.map((h) => h.ce_id).sort()).toEqual(
            refusedCopies.flatMap((e) => [e.id, e.id]).sort(),
          );
          for (const letter of letters) {
            // Refused at its first attempt, whether that ran in a shared transaction or alone.
            expect(letter[DLQ_HEADER.attempts]).toBe('1');
            expect(letter[DLQ_HEADER.error]).toMatch(
              /^rejected: hostname poison-\d+\.example\.com is refused$/,
            );
          }
          // Nothing more arrives later: every record of the batch was settled once (the last one included).
          const marker = envelopeOf(tenant, 'marker.example.com');
          await sendTogether([marker]);
          const after = await settled(tenant, handled.length + 1);
          expect(after).toEqual([
            [...handled, marker.id],
            [...handled, marker.id],
          ]);
          for (const flaky of distinct.filter((e) => e.data.hostname.startsWith('flaky'))) {
            // Two failed attempts and the one that commits, in each module, counted across the shared run.
            expect(invocations.get(flaky.id)).toBe(3 * CONSUMERS.length);
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('an event id that is not a UUID is dead-lettered alone; the records around it are handled', async () => {
    const tenant = randomUUID();
    const before = envelopeOf(tenant, 'before.example.com');
    const broken = { ...envelopeOf(tenant, 'broken.example.com'), id: `not-a-uuid-${uuidv7()}` };
    const after = envelopeOf(tenant, 'after.example.com');
    await sendTogether([before, broken, after]);
    expect(await settled(tenant, 2)).toEqual([
      [before.id, after.id],
      [before.id, after.id],
    ]);
    const letters = await waitFor(
      async () => {
        const found = await deadLetters(tenant);
        return found.length >= 2 ? found : undefined;
      },
      'dead letters',
      60_000,
      200,
    );
    expect(letters.map((h) => h.ce_id)).toEqual([broken.id, broken.id]);
  });
});

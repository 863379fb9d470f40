import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { eventDefinition, exampleEvent, type EventType } from '@app/contracts';
import {
  DLQ_HEADER,
  encodeEnvelope,
  EventConsumerServer,
  EventProducer,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicAdminService,
  TopicReader,
} from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { ROOT, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

/** Our own limit in this suite: small, so 4 × every consumed topic stays cheap; the default is 1 MiB. */
const MAX_RECORD_BYTES = 65_536;

interface Poison {
  kind: string;
  /** What the dlq_error header must say. */
  reason: RegExp;
  record(
    type: EventType,
    base: { key: string; value: string; headers: Record<string, string> },
  ): {
    value: string;
    headers: Record<string, string>;
  };
}

const POISONS: Poison[] = [
  {
    kind: 'invalid JSON',
    reason: /^value is not JSON/,
    record: (_type, base) => ({ value: `${base.value.slice(0, -1)},"truncated":`, headers: base.headers }),
  },
  {
    kind: 'schema violation',
    reason: /^schema validation failed/,
    // The aggregate id every event carries, as a number: valid JSON the event's schema refuses.
    record: (type, base) => ({
      value: JSON.stringify({ ...(JSON.parse(base.value) as object), [eventDefinition(type).subject]: 42 }),
      headers: base.headers,
    }),
  },
  {
    kind: 'unknown major version',
    reason: /^not accepted: unsupported version \d+/,
    record: (type, base) => ({
      value: base.value,
      headers: { ...base.headers, ce_version: String(eventDefinition(type).latestVersion + 1) },
    }),
  },
  {
    kind: 'oversized',
    reason: new RegExp(`^record value of \\d+ bytes exceeds the limit of ${MAX_RECORD_BYTES} bytes$`),
    // Otherwise valid: consumers drop unknown properties, so only the size can be what refuses it.
    record: (_type, base) => ({
      value: JSON.stringify({ ...(JSON.parse(base.value) as object), padding: 'x'.repeat(MAX_RECORD_BYTES) }),
      headers: base.headers,
    }),
  },
];

interface Subscription {
  /** Consumer group as the dlq_consumer_group header names it (without the environment prefix). */
  group: string;
  type: EventType;
}

/** Every (consumer group, event type) the app's consumers subscribe to, read from the running servers. */
function subscriptions(app: INestApplication, prefix: string): Subscription[] {
  return app
    .getMicroservices()
    .map((m) => (m as unknown as { serverInstance?: unknown }).serverInstance)
    .filter((s): s is EventConsumerServer => s instanceof EventConsumerServer)
    .flatMap((s) => s.subscribedTypes().map((type) => ({ group: s.groupId.slice(prefix.length), type })));
}

/** The broker's message.max.bytes, as scripts/kafka/server.properties configures the broker the tests run on. */
function brokerMaxMessageBytes(): number {
  const properties = readFileSync(join(ROOT, 'scripts/kafka/server.properties'), 'utf8');
  const value = /^message\.max\.bytes=(\d+)$/m.exec(properties)?.[1];
  return value === undefined ? 1_048_588 : Number(value);
}

describe('poison records on every consumed topic (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('poison');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  let subscribed: Subscription[];

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_MAX_RECORD_BYTES: String(MAX_RECORD_BYTES),
      PROVISIONING_SIMULATOR_STEP_MS: '0',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    subscribed = subscriptions(app, prefix);
    planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
  }, 90_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('dead-letters invalid JSON, a schema violation, an unknown version and an oversized record on every topic', async () => {
    const types = [...new Set(subscribed.map((s) => s.type))];
    const groups = [...new Set(subscribed.map((s) => s.group))];
    // Every domain that consumes anything is covered; a new listener adds its topic here by itself.
    expect(groups.length).toBeGreaterThanOrEqual(6);
    expect(types.length).toBeGreaterThan(20);

    const started = Date.now();
    const tenant = randomUUID();
    const sent = new Map<string, { type: EventType; poison: Poison }>();
    const records = types.flatMap((type) =>
      POISONS.map((poison) => {
        const id = uuidv7();
        const base = encodeEnvelope({
          id,
          type,
          specversion: '1.0',
          source: eventDefinition(type).source,
          time: new Date().toISOString(),
          subject: randomUUID(),
          version: eventDefinition(type).latestVersion,
          tenantid: tenant,
          correlationid: id,
          datacontenttype: 'application/json',
          data: exampleEvent(type),
        } as never);
        sent.set(id, { type, poison });
        return { topic: `${prefix}${type}`, key: tenant, ...poison.record(type, base) };
      }),
    );
    const producer = app.get(EventProducer);
    for (let i = 0; i < records.length; i += 20) {
      await producer.send(records.slice(i, i + 20));
    }

    const expected = subscribed.length * POISONS.length;
    const letters = await waitFor(
      async () => {
        const rows: {
          event_id: string;
          dlq_consumer_group: string;
          dlq_original_topic: string;
          dlq_error: string;
          topic: string;
        }[] = await db.query(
          `SELECT event_id, dlq_consumer_group, dlq_original_topic, dlq_error, topic FROM audit.event_log
            WHERE is_dead_letter AND event_id = ANY($1)`,
          [[...sent.keys()]],
        );
        return rows.length >= expected ? rows : undefined;
      },
      `${expected} dead letters in the log`,
      90_000,
    );
    const elapsed = Date.now() - started;

    // Exactly one dead letter per (consumer group, topic, poison), on <topic>.dlq, with the poison's reason.
    const got = letters
      .map((l) => {
        const { type, poison } = sent.get(l.event_id) ?? { type: '?', poison: undefined };
        return {
          key: `${l.dlq_consumer_group} ${type} ${poison?.kind}`,
          onTopic: l.dlq_original_topic === `${prefix}${type}` && l.topic === `${prefix}${type}.dlq`,
          reason: poison?.reason.test(l.dlq_error) ? 'as expected' : l.dlq_error,
        };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    const want = subscribed
      .flatMap((s) =>
        POISONS.map((p) => ({ key: `${s.group} ${s.type} ${p.kind}`, onTopic: true, reason: 'as expected' })),
      )
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(got).toEqual(want);

    // The DLQ topic itself, read back from the broker: the reason travels as a header of the original record.
    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const sample = subscribed.find((s) => s.type === 'order.created') ?? subscribed[0];
    const dlq = (await reader.readAll(`${prefix}${sample.type}.dlq`)).filter((r) =>
      sent.has(r.headers.ce_id ?? ''),
    );
    const consumersOfSample = subscribed.filter((s) => s.type === sample.type).length;
    expect(dlq).toHaveLength(consumersOfSample * POISONS.length);
    for (const record of dlq) {
      const { poison } = sent.get(record.headers.ce_id ?? '') ?? {};
      expect({
        kind: poison?.kind,
        reason: poison?.reason.test(record.headers[DLQ_HEADER.error] ?? ''),
      }).toEqual({ kind: poison?.kind, reason: true });
      expect(record.headers[DLQ_HEADER.attempts]).toBe('1');
      expect(record.key).toBe(tenant);
    }
    process.stdout.write(
      `[poison] ${types.length} topics × ${POISONS.length} poisons → ${letters.length} dead letters ` +
        `(${groups.length} consumer groups, ${subscribed.length} subscriptions) in ${elapsed} ms, each with its reason\n`,
    );
  }, 120_000);

  it('has the broker refuse a record above its message.max.bytes with a clear error', async () => {
    const max = brokerMaxMessageBytes();
    const id = uuidv7();
    const tenant = randomUUID();
    const base = encodeEnvelope({
      id,
      type: 'order.created',
      specversion: '1.0',
      source: 'orders',
      time: new Date().toISOString(),
      subject: randomUUID(),
      version: eventDefinition('order.created').latestVersion,
      tenantid: tenant,
      correlationid: id,
      datacontenttype: 'application/json',
      data: exampleEvent('order.created'),
    } as never);
    const huge = JSON.stringify({ ...(JSON.parse(base.value) as object), padding: 'x'.repeat(max + 1) });
    const refused = await app
      .get(EventProducer)
      .send([{ topic: `${prefix}order.created`, key: tenant, value: huge, headers: base.headers }])
      .then(
        () => undefined,
        (error: unknown) => error as Error & { type?: string },
      );
    expect(refused).toBeDefined();
    expect(`${refused?.type} ${refused?.message}`).toMatch(
      /MESSAGE_TOO_LARGE|larger than the max message size/,
    );
    process.stdout.write(
      `[poison] broker refuses a ${huge.length}-byte record (message.max.bytes ${max}): ${refused?.message}\n`,
    );
  }, 60_000);

  it('goes on: every consumer has moved past the poison and an order placed afterwards completes', async () => {
    const { token } = await shop.customer();
    const orderId = await shop.paidOrder(token, planId);
    await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/orders/${orderId}`).auth(token, { type: 'bearer' });
        return (r.body as { status: string }).status === 'completed' ? true : undefined;
      },
      `order ${orderId} completed`,
      40_000,
    );
    // No partition of any domain is stuck behind a poison record.
    const admin = app.get(TopicAdminService);
    const groups = [...new Set(subscribed.map((s) => s.group))];
    const lags = await waitFor(async () => {
      const all = await Promise.all(groups.map((g) => admin.consumerLag(prefix + g)));
      return all.every((g) => g.lag === 0) ? all : undefined;
    }, 'every consumer group at lag 0');
    expect(lags.map((g) => [g.groupId, g.lag])).toEqual(groups.map((g) => [prefix + g, 0]));
  }, 90_000);
});

import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { accountsDomain } from '@app/accounts';
import { auditDomain } from '@app/audit';
import {
  EVENT_TYPES,
  EventValidator,
  RETIRED_EVENTS,
  eventDefinition,
  eventFlow,
  type EventType,
} from '@app/contracts';
import { type MessagingSettings, TopicAdminService } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { Storefront } from '../support/storefront.js';

interface Summary {
  type: string;
  latestVersion: number;
  versions: number[];
  producer: string;
  otherProducers: string[];
  consumers: string[];
  logOnly: string | null;
  topic: string;
  dlqTopic: string;
}
interface TopicSettings {
  topic: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  retentionMs: number;
  retentionBytes: number;
  cleanupPolicy: string;
}
interface Detail extends Summary {
  schemas: {
    version: number;
    changes: string | null;
    jsonSchema: object;
    example: unknown;
    upcastFromPrevious: unknown;
  }[];
  topics: { topic: TopicSettings | null; dlq: TopicSettings | null };
  configured: { partitions: number; replicationFactor: number; minInsyncReplicas: number };
}

const released = (type: string, version: number): unknown =>
  JSON.parse(
    readFileSync(
      new URL(`../../libs/contracts/schemas/released/${type}.v${version}.json`, import.meta.url),
      'utf8',
    ),
  );

/**
 * Issue #21, point 4: the console's schema browser. The console (accounts + audit) on the real broker serves the
 * catalog the code is built from, and each topic's settings as the broker has them: one topic is created beforehand
 * with another partition count than the environment's, which only a reading of the broker can report.
 */
describe('schema browser in the console (real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('schemas');
  const env = { ...process.env, KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '3' };
  const odd = `${prefix}invoice.paid`;
  const settings: MessagingSettings = {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'schemas-test',
    topicPrefix: prefix,
    partitions: 2,
    replicationFactor: 1,
    partitionsConcurrency: 1,
  };
  const broker = new TopicAdminService(settings);
  const validator = new EventValidator();
  let app: INestApplication | undefined;
  let shop: Storefront;
  let admin: string;

  beforeAll(async () => {
    await broker.ensureTopics([odd]);
    const consoleApp = await createPlatformApp(
      { name: 'console', domains: [accountsDomain, auditDomain] },
      env,
    );
    app = consoleApp;
    await consoleApp.init();
    shop = new Storefront(consoleApp);
    admin = await shop.adminToken();
  }, 90_000);

  afterAll(async () => {
    await broker.deleteTopics([odd]);
    await broker.onModuleDestroy();
    if (app !== undefined) {
      await closeIsolatedApp(app, prefix);
    }
  });

  const get = async <T>(
    path: string,
    status = 200,
    token = admin,
  ): Promise<{ body: T; contentType: string }> => {
    const response = await shop.http.get(path).auth(token, { type: 'bearer' }).expect(status);
    return { body: response.body as T, contentType: String(response.headers['content-type']) };
  };

  it('lists every catalog type with its versions, producer, consumers as declared, and prefixed topics', async () => {
    const { body } = await get<{ events: Summary[]; retired: { type: string; reason: string }[] }>(
      '/v1/admin/schemas',
    );
    expect(body.events.map((e) => e.type)).toEqual(EVENT_TYPES);
    for (const event of body.events) {
      const type = event.type as EventType;
      const definition = eventDefinition(type);
      const flow = eventFlow(type);
      expect(event).toMatchObject({
        latestVersion: definition.latestVersion,
        producer: flow.producers[0],
        otherProducers: flow.producers.slice(1),
        consumers: flow.consumers,
        logOnly: definition.logOnly ?? null,
        topic: `${prefix}${type}`,
        dlqTopic: `${prefix}${type}.dlq`,
      });
      expect(event.versions.at(-1)).toBe(definition.latestVersion);
    }
    expect(body.events.find((e) => e.type === 'notification.requested')).toMatchObject({
      producer: 'saga',
      otherProducers: ['billing'],
      consumers: ['notifications'],
    });
    expect(body.retired).toEqual(RETIRED_EVENTS.map(({ type, reason }) => ({ type, reason })));
    expect(body.retired.map((r) => r.type)).toEqual(
      expect.arrayContaining(['order.failed', 'payment.requested']),
    );
  });

  it('serves each version’s released JSON Schema with an example the validator accepts, and the upcasts', async () => {
    for (const type of EVENT_TYPES) {
      const { body } = await get<Detail>(`/v1/admin/schemas/${type}`);
      expect(body.schemas.map((s) => s.version)).toEqual(body.versions);
      for (const schema of body.schemas) {
        expect({ type, version: schema.version, jsonSchema: schema.jsonSchema }).toEqual({
          type,
          version: schema.version,
          jsonSchema: released(type, schema.version),
        });
        const checked = validator.validate(type, schema.version, schema.example);
        expect({ type, version: schema.version, ok: checked.ok }).toEqual({
          type,
          version: schema.version,
          ok: true,
        });
        if (schema.version > 1) {
          expect(schema.changes).toEqual(expect.any(String));
          expect(validator.validate(type, schema.version, schema.upcastFromPrevious).ok).toBe(true);
        }
      }
    }
    const created = (await get<Detail>('/v1/admin/schemas/order.created')).body;
    expect(created.schemas[1]?.upcastFromPrevious).toMatchObject({ setupFeeMinor: 0 });
  });

  it('reports each topic’s partitions, replication, min.insync.replicas and retention as the broker has them', async () => {
    const topics = EVENT_TYPES.flatMap((type) => [`${prefix}${type}`, `${prefix}${type}.dlq`]);
    const partitions = await broker.partitionsOf(topics);
    const minInsync = await broker.topicConfig(topics, 'min.insync.replicas');
    const retention = await broker.topicConfig(topics, 'retention.ms');
    const expected = (topic: string) => {
      const mine = partitions.filter((p) => p.topic === topic);
      return {
        topic,
        partitions: mine.length,
        replicationFactor: Math.min(...mine.map((p) => p.replicas.length)),
        minInsyncReplicas: Number(minInsync.get(topic)),
        retentionMs: Number(retention.get(topic)),
      };
    };
    for (const type of EVENT_TYPES) {
      const { body } = await get<Detail>(`/v1/admin/schemas/${type}`);
      expect(body.topics.topic).toMatchObject(expected(body.topic));
      expect(body.topics.dlq).toMatchObject(expected(body.dlqTopic));
      expect(body.configured).toEqual({ partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 });
    }
    const paid = (await get<Detail>('/v1/admin/schemas/invoice.paid')).body;
    expect(paid.topics.topic).toMatchObject({ topic: odd, partitions: 2, replicationFactor: 1 });
    expect(paid.topics.dlq).toMatchObject({ partitions: 3 });
    // No topic overrides them: the broker's own defaults (scripts/kafka/server.properties, log.retention.hours=168).
    expect(paid.topics.topic).toMatchObject({
      minInsyncReplicas: 1,
      retentionMs: 168 * 3_600_000,
      retentionBytes: 1_073_741_824,
      cleanupPolicy: 'delete',
    });
  });

  it('answers 404 problem+json for a type the catalog does not have, naming why a retired one is gone', async () => {
    const unknown = await get<{ type: string; status: number; detail: string }>(
      '/v1/admin/schemas/order.teleported',
      404,
    );
    expect(unknown.contentType).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({
      type: 'https://platforma.dev/problems/event-type-not-found',
      status: 404,
      detail: "no event type 'order.teleported'",
    });
    const retired = await get<{ detail: string }>('/v1/admin/schemas/order.failed', 404);
    expect(retired.body.detail).toMatch(/^'order\.failed' is retired: Never published/);
  });

  it('is for operators only: 403 for a customer, 401 without a token', async () => {
    const customer = await shop.customer();
    await get('/v1/admin/schemas', 403, customer.token);
    await get('/v1/admin/schemas/order.created', 403, customer.token);
    await shop.http.get('/v1/admin/schemas').expect(401);
  });
});

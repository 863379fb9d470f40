import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { eventDefinition, exampleEvent } from '@app/contracts';
import {
  type DeadLetter,
  DLQ_HEADER,
  encodeEnvelope,
  EventProducer,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  RelayHostService,
  TopicReader,
} from '@app/messaging';
import { v7 as uuidv7 } from 'uuid';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { Storefront } from './storefront.js';

export interface DlqSuite {
  app: INestApplication;
  db: DataSource;
  shop: Storefront;
  adminToken: string;
  reader: TopicReader;
}

/** The monolith of a suite about dead letters: its own prefix, one partition a topic, an admin, a topic reader. */
export async function startDlqSuite(prefix: string): Promise<DlqSuite> {
  const app = await createPlatformApp(MONOLITH, {
    ...process.env,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '1',
    PROVISIONING_SIMULATOR_STEP_MS: '0',
  });
  await app.init();
  const shop = new Storefront(app);
  return {
    app,
    db: app.get(DataSource),
    shop,
    adminToken: await shop.adminToken(),
    reader: new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS)),
  };
}

/**
 * Writes a dead letter straight to `dlqTopic` with the headers a consumer adds, naming `originalTopic` as where it
 * came from: what any consumer's Kafka user could write to a DLQ of a topic it reads.
 */
export async function plantDeadLetter(
  app: INestApplication,
  letter: DeadLetter,
  dlqTopic = letter.topic,
  originalTopic = letter.headers[DLQ_HEADER.originalTopic] ?? '',
): Promise<void> {
  await app.get(EventProducer).send([
    {
      topic: dlqTopic,
      key: letter.key,
      value: letter.value,
      headers: {
        ...letter.headers,
        [DLQ_HEADER.originalTopic]: originalTopic,
        [DLQ_HEADER.originalPartition]: '0',
        [DLQ_HEADER.originalOffset]: '0',
        [DLQ_HEADER.error]: 'rejected: planted',
        [DLQ_HEADER.attempts]: '1',
        [DLQ_HEADER.firstFailureTime]: new Date().toISOString(),
        [DLQ_HEADER.consumerGroup]: 'platforma.notifications',
      },
    },
  ]);
}

/**
 * A genuine dead letter: the saga asks, as it would, to void an invoice billing never issued; billing refuses it
 * for good and parks it at once. Resolves with the event id.
 */
export async function voidBillingParks(app: INestApplication, tenantId: string): Promise<string> {
  const published = await app
    .get(RelayHostService)
    .outboxOf('saga')
    .transaction((uow) => {
      const data = { ...exampleEvent('invoice.void_requested'), invoiceId: randomUUID() };
      return uow.publish('invoice.void_requested', data, { tenantId, subject: data.invoiceId });
    });
  return published.id;
}

/**
 * Voids of invoices billing never issued, as the saga would send them, written straight to the prefix's topic:
 * billing refuses each for good and parks it at once, fit to redrive. Resolves with their event ids.
 */
export async function sendUnissuedVoids(
  app: INestApplication,
  prefix: string,
  count: number,
): Promise<string[]> {
  const type = 'invoice.void_requested';
  const version = Math.max(...Object.keys(eventDefinition(type).versions).map(Number));
  const voids = Array.from({ length: count }, () => {
    const data = { ...exampleEvent(type), invoiceId: randomUUID(), orderId: randomUUID() };
    return encodeEnvelope({
      id: uuidv7(),
      type,
      specversion: '1.0',
      source: 'saga',
      time: new Date().toISOString(),
      subject: data.invoiceId,
      version,
      tenantid: randomUUID(),
      correlationid: randomUUID(),
      data,
    });
  });
  await app.get(EventProducer).send(voids.map((record) => ({ topic: `${prefix}${type}`, ...record })));
  return voids.map((record) => record.headers.ce_id ?? '');
}

import { randomUUID } from 'node:crypto';
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { v7 as uuidv7 } from 'uuid';
import { exampleEvent, type EventData, type EventEnvelope } from '@app/contracts';
import {
  defineDomain,
  type EventContext,
  MessagingModule,
  OnEvent,
  PermanentEventError,
} from '@app/messaging';
import { createPlatformApp } from '@app/platform';

// Two stand-in domains with the real schemas' outbox and inbox, whose handlers record every effect in a table
// without a unique key — so a duplicate effect would show as a second row.
export const ORDERS = defineDomain('orders');
export const BILLING = defineDomain('billing');

export const EFFECTS_DDL = `
  CREATE TABLE IF NOT EXISTS public.messaging_test_effect (
    id bigserial PRIMARY KEY,
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    tenant text NOT NULL,
    hostname text NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`;

/** An order.created as orders would publish it, for a test to put on the topic itself (e.g. twice). */
export function orderCreatedEnvelope(hostname: string): EventEnvelope<'order.created'> {
  const data = { ...exampleEvent('order.created'), orderId: randomUUID(), hostname };
  return {
    id: uuidv7(),
    type: 'order.created',
    specversion: '1.0',
    source: 'orders',
    time: new Date().toISOString(),
    subject: data.orderId,
    version: 2,
    tenantid: randomUUID(),
    correlationid: randomUUID(),
    data,
  };
}

/** Handler invocations per event id, including ones whose transaction rolled back. */
export const invocations = new Map<string, number>();
/** What a handler published per incoming event id, in publish order. */
export const published = new Map<string, string[]>();
/** Hostnames refused once (then accepted), to exercise the DLQ redrive. */
export const refuseOnce = new Set<string>();

const LONG_HANDLER_MS = 10_000;

async function record(
  consumer: string,
  data: EventData<'order.created'>,
  ctx: EventContext<'order.created'>,
) {
  invocations.set(ctx.envelope.id, (invocations.get(ctx.envelope.id) ?? 0) + 1);
  const host = data.hostname;
  if (host.startsWith('poison')) {
    throw new PermanentEventError(`hostname ${host} is refused`);
  }
  if (refuseOnce.delete(host)) {
    throw new PermanentEventError(`hostname ${host} is refused this time`);
  }
  if (host.startsWith('flaky') && ctx.attempt < 3) {
    throw new Error(`transient failure on attempt ${ctx.attempt}`);
  }
  if (host.startsWith('slow')) {
    await new Promise((resolve) => setTimeout(resolve, LONG_HANDLER_MS));
  }
  await ctx.manager.query(
    'INSERT INTO public.messaging_test_effect (consumer, event_id, tenant, hostname) VALUES ($1, $2, $3, $4)',
    [consumer, ctx.envelope.id, ctx.tenantId, host],
  );
}

@Controller()
class OrderCreatedInOrders {
  @OnEvent('order.created', ORDERS)
  async handle(@Payload() data: EventData<'order.created'>, @Ctx() ctx: EventContext<'order.created'>) {
    await record('orders', data, ctx);
    // Several events from one handler: their outbox rows keep the order they were published in.
    if (data.hostname.startsWith('fanout')) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const event = await ctx.publish(
          'order.confirmed',
          { ...exampleEvent('order.confirmed'), orderId: data.orderId },
          { subject: data.orderId },
        );
        ids.push(event.id);
      }
      published.set(ctx.envelope.id, ids);
    }
    // Publishing from a handler: same transaction as the inbox row and the effect.
    if (data.hostname.startsWith('chain')) {
      await ctx.publish(
        'order.confirmed',
        { ...exampleEvent('order.confirmed'), orderId: data.orderId },
        {
          subject: data.orderId,
        },
      );
    }
  }
}

@Controller()
class OrderCreatedInBilling {
  @OnEvent('order.created', BILLING)
  async handle(@Payload() data: EventData<'order.created'>, @Ctx() ctx: EventContext<'order.created'>) {
    await record('billing', data, ctx);
  }
}

@Module({ imports: [MessagingModule.forDomain(ORDERS)], controllers: [OrderCreatedInOrders] })
export class TestOrdersModule {}

@Module({ imports: [MessagingModule.forDomain(BILLING)], controllers: [OrderCreatedInBilling] })
export class TestBillingModule {}

/** An app of the two stand-in domains on topics of its own (the prefix), initialised. */
export async function startTestApp(
  name: string,
  prefix: string,
  partitions: number,
): Promise<INestApplication> {
  const app = await createPlatformApp(
    {
      name,
      domains: [
        { domain: ORDERS, module: TestOrdersModule },
        { domain: BILLING, module: TestBillingModule },
      ],
    },
    {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    },
  );
  await app.init();
  return app;
}

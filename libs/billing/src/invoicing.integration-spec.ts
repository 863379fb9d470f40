import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import { OutboxService, TopicAdminService } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { billingDomain } from './index.js';
import { InvoicingService } from './invoicing.service.js';

/**
 * account.created and order.created of one account come from two topics, so billing's consumer may handle them at
 * the same moment. Each case holds one transaction open after its handler ran and starts the other meanwhile: the
 * order must end invoiced either way, never parked for an account that billing already knows.
 */
describe(`${InvoicingService.name} under concurrent account.created and order.created`, () => {
  const prefix = `t.invoicing.${randomBytes(4).toString('hex')}.`;
  let app: INestApplication;
  let db: DataSource;
  let outbox: OutboxService;
  let invoicing: InvoicingService;

  beforeAll(async () => {
    app = await createPlatformApp(
      { name: 'billing', domains: [billingDomain] },
      { ...process.env, KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '1' },
    );
    await app.init();
    db = app.get(DataSource);
    outbox = app.get(OutboxService);
    invoicing = app.get(InvoicingService);
  });

  afterAll(async () => {
    const topics = app.get(TopicAdminService);
    const created = topics.catalogTopics();
    await app.close();
    await topics.deleteTopics(created);
    await topics.onModuleDestroy();
  });

  const fixture = () => {
    const accountId = uuidv7();
    const orderId = uuidv7();
    const account: EventData<'account.created'> = {
      accountId,
      email: `${accountId}@example.com`,
      name: 'Race GmbH',
      country: 'DE',
      currency: 'EUR',
    };
    const order: EventData<'order.created'> = {
      orderId,
      accountId,
      planId: uuidv7(),
      billingCycle: 'monthly',
      priceMinor: 700,
      setupFeeMinor: 0,
      currency: 'EUR',
      region: 'eu-central-1',
      image: 'ubuntu-24.04',
      hostname: 'race.example.com',
    };
    return { accountId, orderId, account, order };
  };

  const byAccount =
    (f: ReturnType<typeof fixture>) => (uow: Parameters<InvoicingService['orderCreated']>[0]) =>
      invoicing.accountCreated(uow, f.accountId, f.account, new Date());
  const byOrder = (f: ReturnType<typeof fixture>) => (uow: Parameters<InvoicingService['orderCreated']>[0]) =>
    invoicing.orderCreated(uow, f.accountId, f.order, { id: uuidv7(), correlationId: f.orderId });

  /** Runs `first` and keeps its transaction open while `second` runs (up to 500 ms), then commits both. */
  async function interleave(
    first: (uow: Parameters<InvoicingService['orderCreated']>[0]) => Promise<void>,
    second: (uow: Parameters<InvoicingService['orderCreated']>[0]) => Promise<void>,
  ): Promise<void> {
    let ran!: () => void;
    let commit!: () => void;
    const firstRan = new Promise<void>((resolve) => (ran = resolve));
    const held = new Promise<void>((resolve) => (commit = resolve));
    const one = outbox.transaction(async (uow) => {
      await first(uow);
      ran();
      await held;
    });
    await firstRan;
    const two = outbox.transaction((uow) => second(uow));
    await Promise.race([two.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500))]);
    commit();
    await Promise.all([one, two]);
  }

  const outcome = async (orderId: string) => {
    const invoices: unknown[] = await db.query('SELECT 1 FROM billing.invoice WHERE order_id = $1', [
      orderId,
    ]);
    const parked: unknown[] = await db.query('SELECT 1 FROM billing.parked_order WHERE order_id = $1', [
      orderId,
    ]);
    return { invoices: invoices.length, parked: parked.length };
  };

  it('invoices an order that parked while its account was being recorded', async () => {
    const f = fixture();
    await interleave(byOrder(f), byAccount(f));
    expect(await outcome(f.orderId)).toEqual({ invoices: 1, parked: 0 });
  });

  it('invoices an order that arrived while its account was being recorded', async () => {
    const f = fixture();
    await interleave(byAccount(f), byOrder(f));
    expect(await outcome(f.orderId)).toEqual({ invoices: 1, parked: 0 });
  });
});

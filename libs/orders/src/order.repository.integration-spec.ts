import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import { OrderStep } from './entities/order-step.entity.js';
import { Order } from './entities/order.entity.js';
import { OrderRepository } from './order.repository.js';
import type { OrderStatus } from './order.state.js';

const STATUSES: OrderStatus[] = ['awaiting_payment', 'confirmed', 'provisioning', 'completed', 'cancelled'];

// The order locked once per transaction, on the real test database: each case writes orders of a tenant of its own.
describe(`${OrderRepository.name} locks`, () => {
  const db = new DataSource({
    ...dataSourceOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 4, logging: false }),
    entities: [Order, OrderStep],
  });
  const orders = new OrderRepository(db);

  beforeAll(async () => {
    await db.initialize();
  });

  afterAll(async () => {
    await db.destroy();
  });

  const newOrder = async (): Promise<Order> => {
    const now = new Date();
    const order = Object.assign(new Order(), {
      id: randomUUID(),
      tenantId: randomUUID(),
      planId: randomUUID(),
      region: 'eu-test',
      image: 'debian-12',
      hostname: 'lock-test',
      billingCycle: 'monthly',
      priceMinor: 500,
      setupFeeMinor: 0,
      currency: 'EUR',
      status: 'pending',
      serviceId: null,
      createdAt: now,
      updatedAt: now,
    } satisfies Order);
    await db.transaction((manager) => orders.insert(manager, order, {}));
    return order;
  };

  /** The row as the transaction itself reads it, past the repository, and the kinds of its history lines. */
  const rowIn = async (manager: EntityManager, order: Order) => {
    const row = await manager.findOneByOrFail(Order, { id: order.id });
    return { status: row.status, serviceId: row.serviceId };
  };
  const linesIn = async (manager: EntityManager, order: Order): Promise<string[]> =>
    (
      await manager.query<{ kind: string; status: string }[]>(
        'SELECT kind, status FROM orders.order_step WHERE order_id = $1 ORDER BY id',
        [order.id],
      )
    ).map((line) => `${line.kind} ${line.status}`);

  /** Counts the statements `manager`'s connection runs during `work`. */
  const statementsOf = async (manager: EntityManager, work: () => Promise<unknown>): Promise<number> => {
    const runner = manager.queryRunner;
    if (!runner) {
      throw new Error('not a transaction');
    }
    const query = runner.query.bind(runner);
    let count = 0;
    runner.query = ((...args: Parameters<typeof query>) => {
      count++;
      return query(...args);
    }) as typeof runner.query;
    try {
      await work();
    } finally {
      runner.query = query;
    }
    return count;
  };

  it('reads the row once per transaction and hands out the entity its writes keep current', async () => {
    const order = await newOrder();
    await db.transaction(async (manager) => {
      const first = await orders.lockForTenant(manager, order.tenantId, order.id);
      if (!first) {
        throw new Error('order not found');
      }
      await orders.move(manager, first, 'awaiting_payment', {});
      await orders.move(
        manager,
        first,
        'awaiting_payment',
        {},
        { serviceId: '00000000-0000-4000-8000-000000000001' },
      );
      let again: Order | null = null;
      const statements = await statementsOf(manager, async () => {
        again = await orders.lockForTenant(manager, order.tenantId, order.id);
      });
      expect(statements).toBe(0);
      expect(again).toBe(first);
      expect(await rowIn(manager, order)).toEqual({
        status: 'awaiting_payment',
        serviceId: '00000000-0000-4000-8000-000000000001',
      });
      // Another tenant's id does not reach the entity.
      expect(await orders.lockForTenant(manager, randomUUID(), order.id)).toBeNull();
    });
  });

  it('holds the row lock: a concurrent transaction waits, then reads the committed row afresh', async () => {
    const order = await newOrder();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const events: string[] = [];

    const first = db.transaction(async (manager) => {
      const held = await orders.lockForTenant(manager, order.tenantId, order.id);
      firstLocked();
      await released;
      await orders.move(manager, held as Order, 'awaiting_payment', {});
      events.push('first commits');
    });
    await locked;
    const second = db.transaction(async (manager) => {
      const seen = await orders.lockForTenant(manager, order.tenantId, order.id);
      events.push(`second sees ${seen?.status}`);
    });
    await sleep(100);
    expect(events).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first commits', 'second sees awaiting_payment']);
  });

  it('hands out what the row holds, whatever a transaction interleaves of locks, moves and news', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('lock' as const) }),
      fc.record({ kind: fc.constant('move' as const), status: fc.constantFrom(...STATUSES) }),
      // A move that names the service (provisioning.started, saga.completed), with or without news.
      fc.record({
        kind: fc.constant('service' as const),
        status: fc.constantFrom(...STATUSES),
        serviceId: fc.uuid({ version: 4 }),
        news: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('note' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (steps, commit) => {
          const order = await newOrder();
          const expected = { status: order.status, serviceId: order.serviceId };
          await db
            .transaction(async (manager) => {
              // Each move writes its status line (and its news), a note its news line, in the order's status then.
              const lines = await linesIn(manager, order);
              for (const s of steps) {
                const held = await orders.lockForTenant(manager, order.tenantId, order.id);
                if (!held) {
                  throw new Error('order not found');
                }
                if (s.kind === 'move') {
                  await orders.move(manager, held, s.status, {});
                  lines.push(`status ${s.status}`);
                } else if (s.kind === 'service') {
                  const news = s.news
                    ? { kind: 'progress' as const, detail: { step: 'booting', percent: 90 } }
                    : undefined;
                  await orders.move(manager, held, s.status, {}, { serviceId: s.serviceId, news });
                  lines.push(`status ${s.status}`, ...(s.news ? [`progress ${s.status}`] : []));
                } else if (s.kind === 'note') {
                  await orders.note(manager, held, 'progress', { step: 'booting', percent: 90 }, {});
                  lines.push(`progress ${held.status}`);
                }
                expect(await linesIn(manager, order)).toEqual(lines);
                expect({ status: held.status, serviceId: held.serviceId }).toEqual(
                  await rowIn(manager, order),
                );
              }
              if (!commit) {
                throw new Error('rolled back');
              }
              Object.assign(expected, await rowIn(manager, order));
            })
            .catch((error: Error) => {
              if (error.message !== 'rolled back') {
                throw error;
              }
            });
          // A later transaction reads the row afresh: committed changes, or none after a rollback.
          await db.transaction(async (manager) => {
            const held = await orders.lockForTenant(manager, order.tenantId, order.id);
            expect({ status: held?.status, serviceId: held?.serviceId }).toEqual(expected);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

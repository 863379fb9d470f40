import {
  type Finding,
  formatReport,
  isClean,
  orderDisagreements,
  type OrderFact,
  parseArgs,
  type SagaFact,
  tally,
} from './reconcile.findings.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const OLD = new Date('2026-11-27T11:58:00Z');
const RECENT = new Date('2026-11-27T11:59:59Z');
const GRACE = 30_000;

const order = (id: string, status: string, updatedAt = OLD): OrderFact => ({ id, status, updatedAt });
const saga = (orderId: string, status: SagaFact['status'], updatedAt = OLD): SagaFact => ({
  orderId,
  status,
  updatedAt,
});

function check(o: OrderFact, s: SagaFact | undefined, events: string[]): string[] {
  return orderDisagreements(
    [o],
    new Map(s ? [[s.orderId, s]] : []),
    new Map([[o.id, new Set(events)]]),
    NOW,
    GRACE,
  ).map((d) => d.reason);
}

describe('orderDisagreements', () => {
  it('accepts an order, its saga and its terminal event that agree', () => {
    expect(check(order('a', 'completed'), saga('a', 'completed'), ['order.completed'])).toEqual([]);
    expect(check(order('a', 'cancelled'), saga('a', 'failed'), ['order.cancelled'])).toEqual([]);
    expect(check(order('a', 'awaiting_payment'), saga('a', 'running'), [])).toEqual([]);
    expect(check(order('a', 'failed'), saga('a', 'failed'), [])).toEqual([]);
  });

  it('finds a completed order without order.completed, and a running order with one', () => {
    expect(check(order('a', 'completed'), saga('a', 'completed'), [])).toEqual([
      'order completed but no terminal event published',
    ]);
    expect(check(order('a', 'provisioning'), saga('a', 'running'), ['order.completed'])).toEqual([
      'order provisioning but order.completed published',
    ]);
  });

  it('finds conflicting terminal events', () => {
    expect(
      check(order('a', 'completed'), saga('a', 'completed'), ['order.completed', 'order.cancelled']),
    ).toEqual(['conflicting terminal events order.cancelled, order.completed']);
  });

  it('finds an order whose saga ended otherwise, or never started', () => {
    expect(check(order('a', 'provisioning'), saga('a', 'completed'), [])).toEqual([
      'saga completed, order provisioning',
    ]);
    expect(check(order('a', 'confirmed'), saga('a', 'failed'), [])).toEqual(['saga failed, order confirmed']);
    expect(check(order('a', 'cancelled'), saga('a', 'compensating'), ['order.cancelled'])).toEqual([
      'order cancelled, saga still compensating',
    ]);
    expect(check(order('a', 'pending'), undefined, [])).toEqual(['order pending without a saga']);
  });

  it('leaves orders and sagas that changed within the grace period alone', () => {
    expect(check(order('a', 'provisioning', RECENT), saga('a', 'completed'), [])).toEqual([]);
    expect(check(order('a', 'provisioning'), saga('a', 'completed', RECENT), [])).toEqual([]);
  });
});

describe('tally and formatReport', () => {
  const findings: Finding[] = [
    { check: 'outbox rows unpublished', count: 1, samples: ['orders t.x.order.created e1'] },
    { check: 'published events missing from the event log', count: 2, samples: [] },
    { check: 'invoices charged twice', count: 1, samples: ['i1'] },
    { check: 'orders with two services', count: 0, samples: [] },
    { check: 'sagas stuck', count: 3, samples: [] },
    { check: 'orders disagreeing with their saga or events', count: 0, samples: [] },
  ];
  const base = {
    prefix: 't.x.',
    orders: 10,
    terminalOrders: 9,
    eventsPublished: 100,
    eventsLogged: 98,
  };

  it('adds losses, duplicates, stuck sagas and disagreements from the findings', () => {
    const report = tally({ ...base, findings });
    expect(report).toMatchObject({ lost: 3, duplicated: 1, stuckSagas: 3, disagreements: 0 });
    expect(isClean(report)).toBe(false);
    const text = formatReport(report);
    expect(text).toContain('lost 3, duplicated 1, stuck sagas 3');
    expect(text).toContain('FAIL invoices charged twice: 1');
    expect(text).toContain('ok   orders with two services: 0');
    expect(text).toContain('orders t.x.order.created e1');
  });

  it('is clean when every check found nothing', () => {
    const report = tally({ ...base, findings: findings.map((f) => ({ ...f, count: 0, samples: [] })) });
    expect(isClean(report)).toBe(true);
    expect(formatReport(report)).toContain('no findings');
  });
});

describe('parseArgs', () => {
  const env = { DATABASE_URL: 'postgres://db/x', KAFKA_TOPIC_PREFIX: 'prod.' };

  it('defaults to the environment', () => {
    expect(parseArgs([], env)).toEqual({
      databaseUrl: 'postgres://db/x',
      prefix: 'prod.',
      graceSeconds: 60,
      sinceHours: 24,
    });
  });

  it('takes flags with separate or inline values, ignoring npm separators', () => {
    expect(
      parseArgs(
        [
          '--',
          '--prefix',
          't.a.',
          '--',
          '--database-url=postgres://db/y',
          '--grace-seconds',
          '5',
          '--since-hours=1',
        ],
        env,
      ),
    ).toEqual({ databaseUrl: 'postgres://db/y', prefix: 't.a.', graceSeconds: 5, sinceHours: 1 });
  });

  it('refuses unknown flags, missing values and a missing database', () => {
    expect(() => parseArgs(['--nope'], env)).toThrow('unknown argument --nope');
    expect(() => parseArgs(['--prefix'], env)).toThrow('--prefix needs a value');
    expect(() => parseArgs(['--grace-seconds', '-1'], env)).toThrow('non-negative');
    expect(() => parseArgs([], {})).toThrow('DATABASE_URL');
  });
});

import { ORDER_STATUSES, type OrderStatus, SAGA_STATUSES, type SagaStatus } from '@app/contracts';
import {
  type Finding,
  formatReport,
  type InvoiceFact,
  type InvoiceStatus,
  isClean,
  moneyOnOrders,
  orderDisagreements,
  type OrderFact,
  orderInvoicesOf,
  parseArgs,
  type PaymentStatus,
  type SagaFact,
  tally,
  voidedWithPaymentKept,
} from './reconcile.findings.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const OLD = new Date('2026-11-27T11:58:00Z');
const RECENT = new Date('2026-11-27T11:59:59Z');
const GRACE = 30_000;

const order = (id: string, status: OrderStatus, updatedAt = OLD): OrderFact => ({ id, status, updatedAt });
const saga = (orderId: string, status: SagaFact['status'], updatedAt = OLD): SagaFact => ({
  orderId,
  status,
  updatedAt,
});

const invoice = (
  orderId: string,
  status: InvoiceStatus,
  payments: PaymentStatus[] = [],
  overrides: Partial<InvoiceFact> = {},
): InvoiceFact => ({
  id: `inv-${orderId}`,
  orderId,
  kind: 'order',
  status,
  totalMinor: 2141,
  currency: 'EUR',
  updatedAt: OLD,
  payments: payments.map((p, i) => ({ id: `pay-${orderId}-${i}`, status: p, amountMinor: 2141 })),
  ...overrides,
});
const paid = (orderId: string) => invoice(orderId, 'paid', ['captured']);

function check(o: OrderFact, s: SagaFact | undefined, events: string[], inv?: InvoiceFact): string[] {
  return orderDisagreements(
    [o],
    new Map(s ? [[s.orderId, s]] : []),
    new Map([[o.id, new Set(events)]]),
    new Map(inv ? [[inv.orderId, inv]] : []),
    NOW,
    GRACE,
  ).map((d) => d.reason);
}

const INVOICE_STATUSES: (InvoiceStatus | undefined)[] = [undefined, 'open', 'paid', 'voided'];
/** Order statuses that agree with each saga status, with the terminal event each publishes. */
const AGREEING: Record<SagaStatus, [OrderStatus, string[]][]> = {
  running: [
    ['awaiting_payment', []],
    ['provisioning', []],
  ],
  compensating: [['provisioning', []]],
  completed: [['completed', ['order.completed']]],
  failed: [
    ['cancelled', ['order.cancelled']],
    ['failed', []],
  ],
};

describe('orderDisagreements', () => {
  it('accepts an order, its saga, its terminal event and its invoice that agree', () => {
    expect(check(order('a', 'completed'), saga('a', 'completed'), ['order.completed'], paid('a'))).toEqual(
      [],
    );
    expect(check(order('a', 'cancelled'), saga('a', 'failed'), ['order.cancelled'])).toEqual([]);
    expect(check(order('a', 'awaiting_payment'), saga('a', 'running'), [])).toEqual([]);
    expect(check(order('a', 'failed'), saga('a', 'failed'), [])).toEqual([]);
  });

  it('finds a completed order without order.completed, and a running order with one', () => {
    expect(check(order('a', 'completed'), saga('a', 'completed'), [], paid('a'))).toEqual([
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

  it('leaves orders, sagas and invoices that changed within the grace period alone', () => {
    expect(check(order('a', 'provisioning', RECENT), saga('a', 'completed'), [])).toEqual([]);
    expect(check(order('a', 'provisioning'), saga('a', 'completed', RECENT), [])).toEqual([]);
    const voiding = invoice('a', 'open', [], { updatedAt: RECENT });
    expect(check(order('a', 'cancelled'), saga('a', 'failed'), ['order.cancelled'], voiding)).toEqual([]);
  });

  describe('the order invoice once the saga is terminal, for every saga × agreeing order × invoice status', () => {
    const cases = SAGA_STATUSES.flatMap((sagaStatus) =>
      AGREEING[sagaStatus].flatMap(([orderStatus, events]) =>
        INVOICE_STATUSES.map((invoiceStatus) => ({ sagaStatus, orderStatus, events, invoiceStatus })),
      ),
    );
    const expected = (c: (typeof cases)[number]): string[] => {
      if (c.sagaStatus === 'completed' && c.invoiceStatus !== 'paid') {
        return [`saga completed, order invoice ${c.invoiceStatus ?? 'never created'}`];
      }
      if (c.sagaStatus === 'failed' && c.invoiceStatus !== undefined && c.invoiceStatus !== 'voided') {
        return [`saga failed, order invoice ${c.invoiceStatus}`];
      }
      return [];
    };

    it.each(cases)('saga $sagaStatus, order $orderStatus, invoice $invoiceStatus', (c) => {
      const inv = c.invoiceStatus && invoice('a', c.invoiceStatus);
      expect(check(order('a', c.orderStatus), saga('a', c.sagaStatus), c.events, inv)).toEqual(expected(c));
    });

    it('finds exactly the terminal sagas whose invoice disagrees, in both directions', () => {
      const found = cases.filter((c) => expected(c).length > 0);
      expect(found.map((c) => `${c.sagaStatus}/${c.orderStatus}/${c.invoiceStatus}`).sort()).toEqual([
        'completed/completed/open',
        'completed/completed/undefined',
        'completed/completed/voided',
        'failed/cancelled/open',
        'failed/cancelled/paid',
        'failed/failed/open',
        'failed/failed/paid',
      ]);
    });
  });

  it('reports the order against its saga before the invoice', () => {
    expect(check(order('a', 'provisioning'), saga('a', 'completed'), [], invoice('a', 'open'))).toEqual([
      'saga completed, order provisioning',
    ]);
  });

  it("judges the order's own invoice, not a renewal", () => {
    const renewal = invoice('a', 'voided', [], { id: 'inv-renewal', kind: 'renewal' });
    const own = orderInvoicesOf([paid('a'), renewal]);
    expect(own.get('a')?.id).toBe('inv-a');
    expect(
      orderDisagreements(
        [order('a', 'completed')],
        new Map([['a', saga('a', 'completed')]]),
        new Map([['a', new Set(['order.completed'])]]),
        own,
        NOW,
        GRACE,
      ),
    ).toEqual([]);
  });
});

/** Payments on an order invoice, by the invoice status billing would show with them (and a few it must not). */
const INVOICE_VARIANTS: [InvoiceStatus | undefined, PaymentStatus[]][] = [
  [undefined, []],
  ['open', []],
  ['open', ['failed', 'failed']],
  ['paid', ['captured']],
  ['paid', ['failed', 'captured']],
  ['voided', []],
  ['voided', ['refunded']],
  ['voided', ['captured']],
  ['paid', ['refunded', 'captured']],
];

describe('moneyOnOrders', () => {
  const cases = ORDER_STATUSES.flatMap((orderStatus) =>
    INVOICE_VARIANTS.map(([invoiceStatus, payments]) => ({ orderStatus, invoiceStatus, payments })),
  );

  it.each(cases)('order $orderStatus, invoice $invoiceStatus with payments $payments', (c) => {
    const inv = c.invoiceStatus && invoice('a', c.invoiceStatus, c.payments);
    const found = moneyOnOrders([order('a', c.orderStatus)], orderInvoicesOf(inv ? [inv] : []), NOW, GRACE);
    const kept = c.payments.includes('captured');
    const ended = ['completed', 'cancelled', 'failed'].includes(c.orderStatus);
    expect({
      keptNotCompleted: found.keptNotCompleted.length,
      completedWithoutMoney: found.completedWithoutMoney.length,
    }).toEqual({
      keptNotCompleted: ended && c.orderStatus !== 'completed' && kept ? 1 : 0,
      completedWithoutMoney: c.orderStatus === 'completed' && !kept ? 1 : 0,
    });
  });

  it('names the order, the invoice and the amount', () => {
    const kept = invoice('o1', 'voided', ['refunded', 'captured'], { currency: 'USD' });
    const open = invoice('o2', 'open', ['failed'], { totalMinor: 999 });
    const found = moneyOnOrders(
      [order('o1', 'cancelled'), order('o2', 'completed'), order('o3', 'completed')],
      orderInvoicesOf([kept, open]),
      NOW,
      GRACE,
    );
    expect(found).toEqual({
      keptNotCompleted: ['order o1 cancelled: invoice inv-o1 keeps 2141 USD (payment pay-o1-1)'],
      completedWithoutMoney: [
        'order o2 completed: invoice inv-o2 open, 999 EUR not captured',
        'order o3 completed: no order invoice, 0 captured',
      ],
    });
  });

  it('leaves orders still on their way, renewals and rows within the grace period alone', () => {
    const found = moneyOnOrders(
      [
        order('a', 'provisioning'),
        order('b', 'cancelled', RECENT),
        order('c', 'cancelled'),
        order('d', 'failed'),
      ],
      orderInvoicesOf([
        paid('a'),
        paid('b'),
        invoice('c', 'paid', ['captured'], { updatedAt: RECENT }),
        invoice('d', 'voided', ['refunded']),
        invoice('d', 'paid', ['captured'], { id: 'inv-renewal', kind: 'renewal' }),
      ]),
      NOW,
      GRACE,
    );
    expect(found).toEqual({ keptNotCompleted: [], completedWithoutMoney: [] });
  });
});

describe('voidedWithPaymentKept', () => {
  const statuses: InvoiceStatus[] = ['open', 'paid', 'voided'];
  const paymentSets: PaymentStatus[][] = [
    [],
    ['failed'],
    ['captured'],
    ['refunded'],
    ['refunded', 'captured'],
  ];
  const cases = statuses.flatMap((status) =>
    ['order', 'renewal'].flatMap((kind) => paymentSets.map((payments) => ({ status, kind, payments }))),
  );

  it.each(cases)('$kind invoice $status with payments $payments', (c) => {
    const found = voidedWithPaymentKept([invoice('a', c.status, c.payments, { kind: c.kind })]);
    expect(found).toHaveLength(c.status === 'voided' && c.payments.includes('captured') ? 1 : 0);
  });

  it('names the invoice, its order, the payment and the amount', () => {
    expect(voidedWithPaymentKept([invoice('o1', 'voided', ['refunded', 'captured'])])).toEqual([
      'invoice inv-o1 (order, order o1) voided, payment pay-o1-1 keeps 2141 EUR',
    ]);
  });
});

describe('tally and formatReport', () => {
  const findings: Finding[] = [
    { check: 'outbox rows unpublished', count: 1, samples: ['orders t.x.order.created e1'] },
    { check: 'published events missing from the event log', count: 2, samples: [] },
    { check: 'invoices charged twice', count: 1, samples: ['i1'] },
    { check: 'orders with two services', count: 0, samples: [] },
    { check: 'invoices with invoice.voided twice', count: 2, samples: [] },
    { check: 'payments with payment.refunded twice', count: 1, samples: [] },
    {
      check: 'money kept on orders not completed',
      count: 1,
      samples: ['order o1 cancelled: invoice i1 keeps'],
    },
    { check: 'completed orders without money kept', count: 2, samples: [] },
    { check: 'invoices voided with a payment kept', count: 1, samples: [] },
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

  it('adds losses, duplicates, money mismatches, stuck sagas and disagreements from the findings', () => {
    const report = tally({ ...base, findings });
    expect(report).toMatchObject({
      lost: 3,
      duplicated: 4,
      stuckSagas: 3,
      disagreements: 0,
      moneyMismatches: 4,
    });
    expect(isClean(report)).toBe(false);
    const text = formatReport(report);
    expect(text).toContain('lost 3, duplicated 4, stuck sagas 3, disagreeing orders 0, money mismatches 4');
    expect(text).toContain('FAIL invoices voided with a payment kept: 1');
    expect(text).toContain('order o1 cancelled: invoice i1 keeps');
    expect(text).toContain('FAIL invoices charged twice: 1');
    expect(text).toContain('ok   orders with two services: 0');
    expect(text).toContain('orders t.x.order.created e1');
  });

  it('summarises the hypervisor nodes only when they were checked', () => {
    expect(formatReport(tally({ ...base, findings }))).not.toContain('hypervisors:');
    const hypervisors = { nodes: 3, unreachable: 1, domains: 4, volumes: 9 };
    expect(formatReport(tally({ ...base, hypervisors, findings }))).toContain(
      'hypervisors: 3 nodes (1 not reachable), 4 pf- domains, 9 pf- volumes',
    );
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

  it('leaves the hypervisor check to the reconciler unless a flag decides', () => {
    expect(parseArgs([], env).hypervisors).toBeUndefined();
    expect(parseArgs(['--hypervisors'], env).hypervisors).toBe(true);
    expect(parseArgs(['--', '--no-hypervisors'], env).hypervisors).toBe(false);
    expect(() => parseArgs(['--hypervisors=no'], env)).toThrow('--hypervisors takes no value');
  });

  it('refuses unknown flags, missing values and a missing database', () => {
    expect(() => parseArgs(['--nope'], env)).toThrow('unknown argument --nope');
    expect(() => parseArgs(['--prefix'], env)).toThrow('--prefix needs a value');
    expect(() => parseArgs(['--grace-seconds', '-1'], env)).toThrow('non-negative');
    expect(() => parseArgs([], {})).toThrow('DATABASE_URL');
  });
});

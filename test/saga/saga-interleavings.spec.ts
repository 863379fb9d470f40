import fc from 'fast-check';
import type { EventType } from '@app/contracts';
import { advance, customerMayCancel, nextStatus, type OrderStatus } from '@app/orders';
import { orderSaga } from '@app/saga';

/**
 * The order saga's real decider, run against a model of billing, orders and provisioning that follows their rules
 * (billing serializes charges and voids on the invoice and refunds captures when voiding; orders moves by the real
 * order state machine and publishes order.cancelled once; provisioning releases once and builds nothing released),
 * connected by per-topic queues delivered in any order, with redeliveries. fast-check generates the customer's
 * commands (good, declined and flaky cards, bank transfers, paying twice, cancelling), build outcomes, timer
 * firings and the interleaving; after everything settles, the saga's invariants (libs/saga/README.md) must hold.
 */

type Consumer = 'saga' | 'billing' | 'orders' | 'provisioning';
type Data = Record<string, unknown>;
interface Message {
  id: number;
  type: EventType;
  data: Data;
}
type SagaState = orderSaga.SagaState;
type Card = 'good' | 'declined' | 'flaky' | 'transfer';
type Outcome = 'success' | 'retryable' | 'permanent';

export type Action =
  | { kind: 'pay'; card: Card }
  | { kind: 'cancel' }
  | { kind: 'deliver'; pick: number; redeliver: boolean }
  | { kind: 'build'; pick: number; outcome: Outcome }
  | { kind: 'timer' };

const ORDER_ID = '0192f0a4-0000-7000-8000-000000000001';
const INVOICE_ID = '0192f0a4-0000-7000-8000-000000000002';
const TOTAL = 1546;

const SUBSCRIPTIONS: Record<Consumer, readonly EventType[]> = {
  saga: ['order.created', ...orderSaga.SAGA_EVENTS],
  billing: ['order.created', 'invoice.void_requested', 'payment.refund_requested'],
  orders: [
    'invoice.generated',
    'payment.received',
    'provisioning.started',
    'saga.completed',
    'order.cancel_requested',
  ],
  provisioning: ['provisioning.requested', 'provisioning.release_requested'],
};

class World {
  private nextId = 1;
  readonly log: Message[] = [];
  private readonly queues = new Map<string, Message[]>();
  private readonly inbox = new Map<Consumer, Set<number>>();
  // billing
  invoice?: { id: string; status: 'open' | 'paid' | 'voided' };
  readonly payments: { id: string; status: 'captured' | 'failed' | 'refunded'; amount: number }[] = [];
  // orders
  orderStatus: OrderStatus = 'pending';
  // provisioning
  readonly services = new Map<string, 'building' | 'active' | 'failed' | 'released'>();
  readonly pendingBuilds: string[] = [];
  // saga
  instance?: SagaState;
  timer?: orderSaga.TimerKind;
  readonly parked: Message[] = [];
  readonly mails: { template: string; variables: Data }[] = [];
  private ids = 0;

  private readonly env = (): orderSaga.SagaEnvironment => ({
    now: new Date('2026-12-01T12:00:00Z'),
    newId: () => `0192f0a4-0000-7000-9000-${String(++this.ids).padStart(12, '0')}`,
    paymentWindowSeconds: 600,
    provisioningDeadlineSeconds: 300,
    maxProvisionAttempts: 3,
    maxDeclines: 3,
    storefrontUrl: 'https://www.example.com',
    plan: { vcpus: 1, memoryMb: 1024, diskGb: 20 },
    account: { email: 'c@example.com', name: 'C' },
  });

  constructor() {
    this.publish('order.created', {
      orderId: ORDER_ID,
      accountId: ORDER_ID,
      planId: ORDER_ID,
      region: 'fra1',
      image: 'debian-12',
      hostname: 'vps.example.com',
    });
  }

  publish(type: EventType, data: Data): void {
    const message = { id: this.nextId++, type, data };
    this.log.push(message);
    if (type === 'notification.requested') {
      this.mails.push({ template: String(data.template), variables: data.variables as Data });
    }
    for (const consumer of Object.keys(SUBSCRIPTIONS) as Consumer[]) {
      if (SUBSCRIPTIONS[consumer].includes(type)) {
        const key = `${consumer} ${type}`;
        this.queues.set(key, [...(this.queues.get(key) ?? []), message]);
      }
    }
  }

  /** Keys of the queues with something to deliver, in a stable order. */
  private ready(): string[] {
    return [...this.queues.entries()]
      .filter(([, q]) => q.length > 0)
      .map(([k]) => k)
      .sort();
  }

  hasWork(): boolean {
    return this.ready().length > 0;
  }

  run(action: Action): void {
    switch (action.kind) {
      case 'pay':
        return this.pay(action.card);
      case 'cancel':
        return this.cancel();
      case 'deliver':
        return this.deliver(action.pick, action.redeliver);
      case 'build':
        return this.build(action.pick, action.outcome);
      case 'timer':
        return this.fireTimer();
    }
  }

  // The customer (HTTP): billing charges only an open invoice; orders cancels only what the customer may cancel.
  private pay(card: Card): void {
    if (this.invoice?.status !== 'open') {
      return; // 404 / 409
    }
    const id = `pay-${this.payments.length + 1}`;
    const facts = { paymentId: id, invoiceId: this.invoice.id, orderId: ORDER_ID, amountMinor: TOTAL };
    if (card === 'good' || card === 'transfer') {
      this.payments.push({ id, status: 'captured', amount: TOTAL });
      this.invoice.status = 'paid';
      this.publish('payment.received', facts);
      this.publish('invoice.paid', facts);
    } else {
      this.payments.push({ id, status: 'failed', amount: TOTAL });
      this.publish('payment.failed', { ...facts, reason: card, retryable: card === 'flaky' });
    }
  }

  private cancel(): void {
    if (customerMayCancel(this.orderStatus) && nextStatus(this.orderStatus, 'cancel')) {
      this.orderStatus = 'cancelled';
      this.publish('order.cancelled', { orderId: ORDER_ID, reason: 'customer_request' });
    }
  }

  private deliver(pick: number, redeliver: boolean): void {
    const ready = this.ready();
    const key = ready[pick % Math.max(ready.length, 1)];
    if (key === undefined) {
      return;
    }
    const queue = this.queues.get(key) ?? [];
    const message = queue.shift();
    if (!message) {
      return;
    }
    if (redeliver) {
      queue.push(message); // at least once: the same record again later
    }
    const consumer = key.split(' ')[0] as Consumer;
    const seen = this.inbox.get(consumer) ?? new Set<number>();
    this.inbox.set(consumer, seen);
    if (seen.has(message.id)) {
      return; // the inbox drops a record it has processed
    }
    seen.add(message.id);
    this[consumer](message);
  }

  private billing({ type, data }: Message): void {
    if (type === 'order.created' && !this.invoice) {
      this.invoice = { id: INVOICE_ID, status: 'open' };
      this.publish('invoice.generated', { invoiceId: INVOICE_ID, orderId: ORDER_ID, totalMinor: TOTAL });
    }
    if (type === 'invoice.void_requested' && this.invoice && this.invoice.status !== 'voided') {
      let refundedMinor = 0;
      for (const payment of this.payments.filter((p) => p.status === 'captured')) {
        payment.status = 'refunded';
        refundedMinor += payment.amount;
        this.refunded(payment.id, payment.amount);
      }
      this.invoice.status = 'voided';
      this.publish('invoice.voided', {
        invoiceId: INVOICE_ID,
        orderId: ORDER_ID,
        refunded: refundedMinor > 0,
      });
    }
    if (type === 'payment.refund_requested') {
      const payment = this.payments.find((p) => p.id === data.paymentId && p.status === 'captured');
      if (payment) {
        payment.status = 'refunded';
        this.refunded(payment.id, payment.amount);
      }
    }
  }

  private refunded(paymentId: string, amountMinor: number): void {
    this.publish('payment.refunded', { paymentId, invoiceId: INVOICE_ID, orderId: ORDER_ID, amountMinor });
  }

  private orders({ type, data }: Message): void {
    const trigger =
      type === 'order.cancel_requested'
        ? 'cancel'
        : (type as 'invoice.generated' | 'payment.received' | 'provisioning.started' | 'saga.completed');
    const to = advance(this.orderStatus, trigger);
    if (!to) {
      return;
    }
    this.orderStatus = to;
    if (type === 'saga.completed') {
      this.publish('order.completed', { orderId: ORDER_ID, serviceId: data.serviceId });
    }
    if (type === 'order.cancel_requested') {
      this.publish('order.cancelled', { orderId: ORDER_ID, reason: data.reason });
    }
  }

  private provisioning({ type, data }: Message): void {
    const serviceId = String(data.serviceId);
    const state = this.services.get(serviceId);
    if (type === 'provisioning.requested' && state !== 'released' && state !== 'active') {
      this.services.set(serviceId, 'building');
      this.pendingBuilds.push(serviceId);
    }
    if (type === 'provisioning.release_requested' && state !== 'released') {
      this.services.set(serviceId, 'released');
      this.pendingBuilds.splice(
        0,
        this.pendingBuilds.length,
        ...this.pendingBuilds.filter((s) => s !== serviceId),
      );
      this.publish('provisioning.released', { serviceId, orderId: ORDER_ID });
    }
  }

  private build(pick: number, outcome: Outcome): void {
    const serviceId = this.pendingBuilds.splice(pick % Math.max(this.pendingBuilds.length, 1), 1)[0];
    if (serviceId === undefined) {
      return;
    }
    if (outcome === 'success') {
      this.services.set(serviceId, 'active');
      this.publish('provisioning.started', { serviceId, orderId: ORDER_ID });
      this.publish('provisioning.completed', {
        serviceId,
        orderId: ORDER_ID,
        hostname: 'vps.example.com',
        ipv4: '192.0.2.10',
        username: 'root',
        credentialsSecretId: serviceId,
      });
    } else {
      this.services.set(serviceId, 'failed');
      this.publish('provisioning.failed', {
        serviceId,
        orderId: ORDER_ID,
        reason: 'no_capacity',
        message: 'no capacity',
        retryable: outcome === 'retryable',
      });
    }
  }

  // The saga service: lock, decide, save, publish; park what the decider parks and replay it after each move.
  private saga({ type, data, id }: Message): void {
    if (type === 'order.created') {
      if (!this.instance) {
        const d = orderSaga.start('saga-1', data as never, this.env());
        this.take(d, false);
        this.replay();
      }
      return;
    }
    const input = orderSaga.storedInput(type, data);
    if (!input) {
      return;
    }
    const verdict = this.instance ? this.apply(input, false) : 'park';
    if (verdict === 'park') {
      this.parked.push({ id, type, data });
    } else if (verdict === 'act' || verdict === 'compensate') {
      this.replay();
    }
  }

  private apply(input: orderSaga.SagaInput, timerFired: boolean): orderSaga.Verdict {
    if (!this.instance) {
      return 'park';
    }
    const d = orderSaga.decide(this.instance, input, this.env());
    if (d.verdict === 'act' || d.verdict === 'compensate') {
      this.take(d, timerFired);
    } else if (timerFired) {
      this.timer = undefined;
    }
    return d.verdict;
  }

  private take(d: orderSaga.Decision, timerFired: boolean): void {
    this.instance = d.state;
    if (d.timer !== undefined) {
      this.timer = d.timer?.kind;
    } else if (timerFired) {
      this.timer = undefined;
    }
    for (const out of d.publish) {
      this.publish(out.type, out.data);
    }
  }

  private replay(): void {
    for (let moved = true; moved;) {
      moved = false;
      for (const parked of [...this.parked]) {
        const input = orderSaga.storedInput(parked.type, parked.data);
        const verdict = input ? this.apply(input, false) : 'ignore';
        if (verdict !== 'park') {
          this.parked.splice(this.parked.indexOf(parked), 1);
        }
        if (verdict === 'act' || verdict === 'compensate') {
          moved = true;
          break;
        }
      }
    }
  }

  private fireTimer(): void {
    if (this.instance && this.timer) {
      const moved = this.apply({ kind: 'timer', timer: this.timer }, true);
      if (moved === 'act' || moved === 'compensate') {
        this.replay();
      }
    }
  }

  /** Runs every queue dry, every build to an outcome and every timer until nothing is left to happen. */
  settle(choices: number[]): void {
    let i = 0;
    const next = () => choices[i++ % Math.max(choices.length, 1)] ?? 0;
    for (let step = 0; step < 5_000; step++) {
      if (this.hasWork()) {
        this.deliver(next(), false);
      } else if (this.pendingBuilds.length > 0) {
        const n = next();
        this.build(n, (['success', 'retryable', 'permanent'] as const)[n % 3] ?? 'success');
      } else if (this.timer) {
        this.fireTimer();
      } else {
        return;
      }
    }
    throw new Error('the world did not settle in 5,000 steps');
  }

  count(type: EventType, where: (d: Data) => boolean = () => true): number {
    return this.log.filter((m) => m.type === type && where(m.data)).length;
  }
}

/** The invariants of libs/saga/README.md; an empty list when they hold. */
export function violations(w: World): string[] {
  const found: string[] = [];
  const saga = w.instance;
  if (!saga || (saga.status !== 'completed' && saga.status !== 'failed')) {
    found.push(`saga not terminal: ${saga?.status}/${saga?.step} waiting for ${saga?.compensations[0]}`);
  }
  if (w.timer) {
    found.push(`a terminal saga keeps timer ${w.timer}`);
  }
  if (w.parked.length > 0) {
    found.push(`parked events left: ${w.parked.map((p) => p.type).join(', ')}`);
  }
  const kept = w.payments.filter((p) => p.status === 'captured').reduce((n, p) => n + p.amount, 0);
  const refunded = w.payments.filter((p) => p.status === 'refunded').reduce((n, p) => n + p.amount, 0);
  if (kept > 0 !== (w.orderStatus === 'completed')) {
    found.push(`money kept ${kept} on an order ${w.orderStatus}`);
  }
  if (kept > TOTAL) {
    found.push(`charged twice: ${kept}`);
  }
  for (const type of [
    'order.cancelled',
    'order.completed',
    'saga.completed',
    'saga.failed',
    'invoice.voided',
  ] as const) {
    if (w.count(type) > 1) {
      found.push(`${type} published ${w.count(type)} times`);
    }
  }
  for (const payment of w.payments) {
    if (w.count('payment.refunded', (d) => d.paymentId === payment.id) > 1) {
      found.push(`payment ${payment.id} refunded twice`);
    }
  }
  if (w.invoice?.status === 'voided' && kept > 0) {
    found.push('invoice voided with a payment kept');
  }
  const invoice = w.invoice?.status ?? 'none';
  if (saga?.status === 'completed' && (w.orderStatus !== 'completed' || invoice !== 'paid')) {
    found.push(`saga completed, order ${w.orderStatus}, invoice ${invoice}`);
  }
  if (
    saga?.status === 'failed' &&
    (w.orderStatus !== 'cancelled' || (invoice !== 'voided' && invoice !== 'none'))
  ) {
    found.push(`saga failed, order ${w.orderStatus}, invoice ${invoice}`);
  }
  const active = [...w.services.values()].filter((s) => s === 'active').length;
  if (active !== (w.orderStatus === 'completed' ? 1 : 0)) {
    found.push(`${active} services running for an order ${w.orderStatus}`);
  }
  const cancelMails = w.mails.filter((m) => m.template === 'order-cancelled');
  if (cancelMails.length > 1) {
    found.push(`${cancelMails.length} cancellation mails`);
  }
  if (cancelMails.some((m) => m.variables.refunded !== refunded > 0)) {
    found.push(
      `the cancellation mail says refunded=${String(cancelMails[0]?.variables.refunded)}, refunded ${refunded}`,
    );
  }
  if (w.orderStatus === 'cancelled' && w.mails.some((m) => m.template === 'order-cancelled') === false) {
    found.push('a cancelled order without a cancellation mail');
  }
  return found;
}

function play(actions: Action[], choices: number[]): World {
  const world = new World();
  for (const action of actions) {
    world.run(action);
  }
  world.settle(choices);
  return world;
}

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      card: fc.constantFrom<Card>('good', 'declined', 'flaky', 'transfer'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
  {
    weight: 16,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      pick: fc.nat(40),
      redeliver: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('build' as const),
      pick: fc.nat(4),
      outcome: fc.constantFrom<Outcome>('success', 'retryable', 'permanent'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timer' as const) }) },
);

const pay = (card: Card): Action => ({ kind: 'pay', card });
const deliverAll = (n: number): Action[] =>
  Array.from({ length: n }, () => ({ kind: 'deliver', pick: 0, redeliver: false }));

/** The stories and every seed fast-check once shrank to a failure: they run on every test run. */
const REGRESSIONS: { name: string; actions: Action[]; choices: number[] }[] = [
  {
    name: 'declined card, then a good card at once',
    actions: [...deliverAll(6), pay('declined'), pay('good')],
    choices: [0],
  },
  {
    name: 'declined card reaches the saga, then a good card',
    actions: [...deliverAll(6), pay('declined'), ...deliverAll(4), pay('good')],
    choices: [0],
  },
  {
    name: 'cancel while paying',
    actions: [...deliverAll(6), { kind: 'cancel' }, pay('good')],
    choices: [1, 0, 2],
  },
  {
    name: 'pay, then a cancel that overtakes the payment at orders',
    actions: [...deliverAll(6), pay('good'), { kind: 'cancel' }],
    choices: [3, 1],
  },
  {
    name: 'provisioning failure plus a late customer cancel',
    actions: [
      ...deliverAll(6),
      pay('good'),
      { kind: 'deliver', pick: 7, redeliver: false },
      { kind: 'deliver', pick: 6, redeliver: false },
      { kind: 'build', pick: 0, outcome: 'permanent' },
      { kind: 'cancel' },
    ],
    choices: [2, 0, 1],
  },
  {
    name: 'payment after the window closed',
    actions: [...deliverAll(6), { kind: 'timer' }, pay('good')],
    choices: [0],
  },
  {
    name: 'the window closes before the invoice reaches the saga',
    actions: [{ kind: 'timer' }, pay('good')],
    choices: [4, 0],
  },
  {
    name: 'a cancel that reaches a completed saga',
    actions: [
      ...deliverAll(6),
      pay('good'),
      { kind: 'deliver', pick: 9, redeliver: false },
      { kind: 'build', pick: 0, outcome: 'success' },
      { kind: 'cancel' },
    ],
    choices: [0],
  },
  // Shrunk counterexamples fast-check found while the model's rules were broken on purpose (orders announcing a
  // cancellation again; billing holding a void back while a capture existed): kept as they are.
  {
    name: 'seed: the window closes before the saga knows the invoice, then the customer cancels',
    actions: [{ kind: 'deliver', pick: 7, redeliver: false }, { kind: 'timer' }, { kind: 'cancel' }],
    choices: [0],
  },
  {
    name: 'seed: a payment right after the invoice, delivered in an unlucky order',
    actions: [{ kind: 'deliver', pick: 0, redeliver: false }, pay('good')],
    choices: [0, 0, 0, 0, 0, 0, 35, 0],
  },
];

describe('order saga under interleavings (model of billing, orders and provisioning)', () => {
  it.each(REGRESSIONS)('$name', ({ actions, choices }) => {
    expect(violations(play(actions, choices))).toEqual([]);
  });

  it('keeps every invariant for generated interleavings of customers, providers, builds, timers and redeliveries', () => {
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 100 }),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 80 }),
        (actions, choices) => {
          const world = play(actions, choices);
          const found = violations(world);
          if (found.length > 0) {
            throw new Error(`${found.join('; ')}\nevents: ${world.log.map((m) => m.type).join(' ')}`);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('can fail: a billing that voids without refunding leaves money kept on a cancelled order', () => {
    const world = play([...deliverAll(6), { kind: 'cancel' }, pay('good')], [1, 0, 2]);
    world.payments.forEach((p) => p.status === 'refunded' && (p.status = 'captured'));
    expect(violations(world)).toContain(`money kept ${TOTAL} on an order cancelled`);
  });
});

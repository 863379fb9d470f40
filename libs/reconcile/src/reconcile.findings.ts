/**
 * What reconciliation concludes from the rows it read: pure functions over plain data, so the rules are unit-tested
 * without a database.
 */

import type { OrderStatus, SagaStatus } from '@app/contracts';

export interface OrderFact {
  id: string;
  status: OrderStatus;
  updatedAt: Date;
}

export interface SagaFact {
  orderId: string;
  status: SagaStatus;
  updatedAt: Date;
}

export type InvoiceStatus = 'open' | 'paid' | 'voided';
export type PaymentStatus = 'captured' | 'failed' | 'refunded';

export interface PaymentFact {
  id: string;
  status: PaymentStatus;
  amountMinor: number;
}

/** One billing.invoice with its payments. kind 'order' is the order's own invoice; renewals carry its id too. */
export interface InvoiceFact {
  id: string;
  orderId: string;
  kind: string;
  status: InvoiceStatus;
  totalMinor: number;
  currency: string;
  updatedAt: Date;
  payments: PaymentFact[];
}

/** The terminal order events (order.completed, order.cancelled) logged for one order, by type. */
export type TerminalEvents = Map<string, Set<string>>;

export interface Disagreement {
  orderId: string;
  reason: string;
}

/** The event each terminal status publishes; a failed order has none (the saga cancels what it gives up on). */
const TERMINAL_EVENT: Partial<Record<OrderStatus, string>> = {
  completed: 'order.completed',
  cancelled: 'order.cancelled',
  failed: undefined,
};

export const TERMINAL_ORDER_STATUSES = Object.keys(TERMINAL_EVENT);
export const TERMINAL_ORDER_EVENTS = ['order.completed', 'order.cancelled'];

/**
 * Orders whose stored status disagrees with their saga, with the terminal events published for them or, once the saga
 * is terminal, with their own invoice (`orderInvoices`, by order id). Rows changed within the grace period are still
 * settling (the saga's last step, the order's update and the invoice's void travel as separate events) and are left
 * alone.
 */
export function orderDisagreements(
  orders: OrderFact[],
  sagas: Map<string, SagaFact>,
  terminalEvents: TerminalEvents,
  orderInvoices: Map<string, InvoiceFact>,
  now: Date,
  graceMs: number,
): Disagreement[] {
  const settled = (at: Date) => now.getTime() - at.getTime() >= graceMs;
  const found: Disagreement[] = [];
  for (const order of orders) {
    const saga = sagas.get(order.id);
    const invoice = orderInvoices.get(order.id);
    if (
      !settled(order.updatedAt) ||
      (saga && !settled(saga.updatedAt)) ||
      (invoice && !settled(invoice.updatedAt))
    ) {
      continue;
    }
    const reason = disagreement(order, saga, terminalEvents.get(order.id) ?? new Set(), invoice);
    if (reason) {
      found.push({ orderId: order.id, reason });
    }
  }
  return found;
}

function disagreement(
  order: OrderFact,
  saga: SagaFact | undefined,
  events: Set<string>,
  invoice: InvoiceFact | undefined,
): string | undefined {
  const terminal = TERMINAL_ORDER_STATUSES.includes(order.status);
  if (events.size > 1) {
    return `conflicting terminal events ${[...events].sort().join(', ')}`;
  }
  const expected = TERMINAL_EVENT[order.status];
  const [logged] = [...events];
  if (expected && logged !== expected) {
    return `order ${order.status} but ${logged ?? 'no terminal event'} published`;
  }
  if (order.status === 'failed' && logged) {
    return `order failed but ${logged} published`;
  }
  if (!terminal && logged) {
    return `order ${order.status} but ${logged} published`;
  }
  if (!saga) {
    return `order ${order.status} without a saga`;
  }
  if (saga.status === 'completed' && order.status !== 'completed') {
    return `saga completed, order ${order.status}`;
  }
  if (saga.status === 'failed' && order.status !== 'cancelled' && order.status !== 'failed') {
    return `saga failed, order ${order.status}`;
  }
  if (order.status === 'completed' && saga.status !== 'completed') {
    return `order completed, saga ${saga.status}`;
  }
  if (terminal && (saga.status === 'running' || saga.status === 'compensating')) {
    return `order ${order.status}, saga still ${saga.status}`;
  }
  // Billing is the authority over the invoice: a completed saga kept the capture, a failed one voided (and so
  // refunded) the invoice, unless the order failed before billing made one.
  if (saga.status === 'completed' && invoice?.status !== 'paid') {
    return `saga completed, order invoice ${invoice?.status ?? 'never created'}`;
  }
  if (saga.status === 'failed' && invoice && invoice.status !== 'voided') {
    return `saga failed, order invoice ${invoice.status}`;
  }
  return undefined;
}

/** Each order's own invoice (kind 'order'), by order id. */
export function orderInvoicesOf(invoices: InvoiceFact[]): Map<string, InvoiceFact> {
  return new Map(invoices.filter((i) => i.kind === 'order').map((i) => [i.orderId, i]));
}

const captured = (invoice: InvoiceFact | undefined): PaymentFact[] =>
  invoice?.payments.filter((p) => p.status === 'captured') ?? [];

const money = (minor: number, currency: string) => `${minor} ${currency}`;

/**
 * Money captured and not refunded on an order's own invoice must mean the order completed, and the other way round.
 * Only orders that ended are judged: one still on its way (paid, provisioning) is in flight, and if it never moves
 * on, its saga is reported as stuck or as disagreeing. Rows changed within the grace period are left alone (the
 * order is cancelled before the saga's void refunds the capture).
 */
export function moneyOnOrders(
  orders: OrderFact[],
  orderInvoices: Map<string, InvoiceFact>,
  now: Date,
  graceMs: number,
): { keptNotCompleted: string[]; completedWithoutMoney: string[] } {
  const settled = (at: Date) => now.getTime() - at.getTime() >= graceMs;
  const keptNotCompleted: string[] = [];
  const completedWithoutMoney: string[] = [];
  for (const order of orders) {
    const invoice = orderInvoices.get(order.id);
    if (
      !TERMINAL_ORDER_STATUSES.includes(order.status) ||
      !settled(order.updatedAt) ||
      (invoice && !settled(invoice.updatedAt))
    ) {
      continue;
    }
    const kept = captured(invoice);
    if (invoice && kept.length > 0 && order.status !== 'completed') {
      const minor = kept.reduce((n, p) => n + p.amountMinor, 0);
      keptNotCompleted.push(
        `order ${order.id} ${order.status}: invoice ${invoice.id} keeps ${money(minor, invoice.currency)} ` +
          `(payment ${kept.map((p) => p.id).join(', ')})`,
      );
    }
    if (order.status === 'completed' && kept.length === 0) {
      completedWithoutMoney.push(
        invoice
          ? `order ${order.id} completed: invoice ${invoice.id} ${invoice.status}, ` +
              `${money(invoice.totalMinor, invoice.currency)} not captured`
          : `order ${order.id} completed: no order invoice, 0 captured`,
      );
    }
  }
  return { keptNotCompleted, completedWithoutMoney };
}

/**
 * Voided invoices with a payment still captured: the void must refund first, in the same transaction, so this is
 * never a state in flight and is reported whatever the grace period.
 */
export function voidedWithPaymentKept(invoices: InvoiceFact[]): string[] {
  return invoices.flatMap((invoice) => {
    const kept = captured(invoice);
    return invoice.status === 'voided' && kept.length > 0
      ? kept.map(
          (p) =>
            `invoice ${invoice.id} (${invoice.kind}, order ${invoice.orderId}) voided, ` +
            `payment ${p.id} keeps ${money(p.amountMinor, invoice.currency)}`,
        )
      : [];
  });
}

export interface Finding {
  check: string;
  count: number;
  samples: string[];
}

export interface ReconcileReport {
  prefix: string;
  orders: number;
  terminalOrders: number;
  eventsPublished: number;
  eventsLogged: number;
  /** Events stuck in an outbox or published but never seen on the broker by the event log. */
  lost: number;
  /** Effects done twice: charges, refunds, services, emails, terminal events. */
  duplicated: number;
  /** Sagas waiting for an event no path sends, or whose timer is overdue. */
  stuckSagas: number;
  /** Orders disagreeing with their saga, their terminal events or their invoice. */
  disagreements: number;
  /** Money kept where the order did not complete, not kept where it did, or kept on a voided invoice. */
  moneyMismatches: number;
  /** What the hypervisor nodes hold, when they were checked (their findings are among `findings`). */
  hypervisors?: HypervisorSummary;
  findings: Finding[];
}

export interface HypervisorSummary {
  /** Enabled nodes inspected, and how many of them could not be listed. */
  nodes: number;
  unreachable: number;
  /** `pf-` domains and volumes seen on the nodes that answered. */
  domains: number;
  volumes: number;
}

export const LOSS_CHECKS = ['outbox rows unpublished', 'published events missing from the event log'];
export const ONCE_PER_INVOICE_CHECK = 'invoices with invoice.voided twice';
export const ONCE_PER_PAYMENT_CHECK = 'payments with payment.refunded twice';
export const DUPLICATE_CHECKS = [
  'invoices charged twice',
  'payments refunded twice',
  'orders with two services',
  'orders with a notification twice',
  'orders with a once-only event twice',
  ONCE_PER_INVOICE_CHECK,
  ONCE_PER_PAYMENT_CHECK,
];
export const MONEY_KEPT_CHECK = 'money kept on orders not completed';
export const MONEY_MISSING_CHECK = 'completed orders without money kept';
export const VOIDED_KEPT_CHECK = 'invoices voided with a payment kept';
export const MONEY_CHECKS = [MONEY_KEPT_CHECK, MONEY_MISSING_CHECK, VOIDED_KEPT_CHECK];
/** Sagas in progress waiting for an event no path sends (no timer, idle), or whose timer is overdue. */
export const STUCK_CHECK = 'sagas stuck';
export const DISAGREEMENT_CHECK = 'orders disagreeing with their saga or events';

/** The report's headline figures from its findings (a finding with count 0 is a check that passed). */
export function tally(
  base: Omit<ReconcileReport, 'lost' | 'duplicated' | 'stuckSagas' | 'disagreements' | 'moneyMismatches'>,
): ReconcileReport {
  const sum = (checks: string[]) =>
    base.findings.filter((f) => checks.includes(f.check)).reduce((n, f) => n + f.count, 0);
  return {
    ...base,
    lost: sum(LOSS_CHECKS),
    duplicated: sum(DUPLICATE_CHECKS),
    stuckSagas: sum([STUCK_CHECK]),
    disagreements: sum([DISAGREEMENT_CHECK]),
    moneyMismatches: sum(MONEY_CHECKS),
  };
}

export function isClean(report: ReconcileReport): boolean {
  return report.findings.every((f) => f.count === 0);
}

export function formatReport(report: ReconcileReport): string {
  const lines = [
    `reconcile ${report.prefix === '' ? '(no topic prefix)' : `prefix ${report.prefix}`}: ` +
      `${report.orders} orders (${report.terminalOrders} terminal), ` +
      `${report.eventsPublished} events published, ${report.eventsLogged} logged`,
    `lost ${report.lost}, duplicated ${report.duplicated}, stuck sagas ${report.stuckSagas}, ` +
      `disagreeing orders ${report.disagreements}, money mismatches ${report.moneyMismatches}`,
  ];
  if (report.hypervisors) {
    const h = report.hypervisors;
    lines.push(
      `hypervisors: ${h.nodes} nodes (${h.unreachable} not reachable), ${h.domains} pf- domains, ` +
        `${h.volumes} pf- volumes`,
    );
  }
  for (const finding of report.findings) {
    const mark = finding.count === 0 ? 'ok  ' : 'FAIL';
    lines.push(`  ${mark} ${finding.check}: ${finding.count}`);
    for (const sample of finding.samples) {
      lines.push(`         ${sample}`);
    }
  }
  lines.push(isClean(report) ? 'no findings' : 'FINDINGS: see FAIL lines above');
  return lines.join('\n');
}

export interface ReconcileOptions {
  /** The environment's database: reconcile reads all of it. */
  databaseUrl: string;
  /** The environment's topic prefix, naming the topics its orders' order.created and its outbox rows went to. */
  prefix: string;
  /** Rows younger than this are in flight, not stuck. */
  graceSeconds: number;
  /** How far back the environment's orders and events are read (outboxes keep published rows for a day). */
  sinceHours: number;
  /**
   * Also compare every enabled hypervisor node's `pf-` domains and volumes with provisioning.service (nodes are shared
   * by all environments, so this ignores the prefix). reconcile() checks only when true; Reconciler.run (the CLI)
   * takes undefined to mean "when any node is enabled".
   */
  hypervisors?: boolean;
}

/**
 * `--prefix p --database-url u --grace-seconds n --since-hours n [--hypervisors | --no-hypervisors]`, defaulting to
 * the environment's variables; without either hypervisor flag `hypervisors` stays undefined (checked when a node is
 * enabled).
 */
export function parseArgs(argv: string[], env: Record<string, string | undefined>): ReconcileOptions {
  const options: ReconcileOptions = {
    databaseUrl: env.DATABASE_URL ?? '',
    prefix: env.KAFKA_TOPIC_PREFIX ?? '',
    graceSeconds: 60,
    sinceHours: 24,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new Error(`${name} needs a value`);
      }
      return v;
    };
    const number = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) {
        throw new Error(`${name} needs a non-negative number`);
      }
      return v;
    };
    switch (name) {
      case '--prefix':
        options.prefix = value();
        break;
      case '--database-url':
        options.databaseUrl = value();
        break;
      case '--grace-seconds':
        options.graceSeconds = number();
        break;
      case '--since-hours':
        options.sinceHours = number();
        break;
      case '--hypervisors':
      case '--no-hypervisors':
        if (inline !== undefined) {
          throw new Error(`${name} takes no value`);
        }
        options.hypervisors = name === '--hypervisors';
        break;
      case '--':
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (options.databaseUrl === '') {
    throw new Error('DATABASE_URL (or --database-url) is required');
  }
  return options;
}

import type { EventData } from '@app/contracts';

export interface DraftLine {
  description: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
}

export interface InvoiceTotals {
  lines: DraftLine[];
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
}

/** The event schema caps a line's description at 200 characters; a long hostname must not make it invalid. */
const MAX_DESCRIPTION = 200;

export function taxRateFor(country: string, rates: Record<string, number>, defaultRateBp: number): number {
  return rates[country] ?? defaultRateBp;
}

/**
 * Tax in minor units, rounded half up. BigInt because subtotal × basis points can pass 2^53 for large amounts,
 * where floating point would round the wrong way.
 */
export function taxOn(subtotalMinor: number, rateBp: number): number {
  return Number((BigInt(subtotalMinor) * BigInt(rateBp) + 5_000n) / 10_000n);
}

function line(description: string, quantity: number, unitPriceMinor: number): DraftLine {
  return {
    description: description.slice(0, MAX_DESCRIPTION),
    quantity,
    unitPriceMinor,
    amountMinor: quantity * unitPriceMinor,
  };
}

/** The first invoice of an order: the plan for one billing cycle, plus the one-time setup fee if there is one. */
export function invoiceTotals(order: EventData<'order.created'>, taxRateBp: number): InvoiceTotals {
  const lines = [line(`VPS ${order.hostname} (${order.billingCycle})`, 1, order.priceMinor)];
  if (order.setupFeeMinor > 0) {
    lines.push(line('Setup fee', 1, order.setupFeeMinor));
  }
  const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  const taxMinor = taxOn(subtotalMinor, taxRateBp);
  return { lines, subtotalMinor, taxRateBp, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

/** Legal number, gapless per tenant and year: INV-2026-000042. */
export function invoiceNumber(year: number, sequence: number): string {
  return `INV-${year}-${String(sequence).padStart(6, '0')}`;
}

import { exampleEvent } from '@app/contracts';
import { invoiceNumber, invoiceTotals, taxOn, taxRateFor } from './invoice.totals.js';

describe('invoice totals', () => {
  const order = (overrides: Parameters<typeof exampleEvent<'order.created'>>[1] = {}) =>
    exampleEvent('order.created', {
      hostname: 'web-01.example.com',
      billingCycle: 'monthly',
      priceMinor: 1299,
      setupFeeMinor: 500,
      ...overrides,
    });

  it('charges the plan and the setup fee, then 19 % tax on the subtotal', () => {
    expect(invoiceTotals(order(), 1900)).toEqual({
      lines: [
        {
          description: 'VPS web-01.example.com (monthly)',
          quantity: 1,
          unitPriceMinor: 1299,
          amountMinor: 1299,
        },
        { description: 'Setup fee', quantity: 1, unitPriceMinor: 500, amountMinor: 500 },
      ],
      subtotalMinor: 1799,
      taxRateBp: 1900,
      taxMinor: 342,
      totalMinor: 2141,
    });
  });

  it('leaves out a zero setup fee', () => {
    const totals = invoiceTotals(order({ setupFeeMinor: 0, billingCycle: 'yearly' }), 1900);
    expect(totals.lines.map((l) => l.description)).toEqual(['VPS web-01.example.com (yearly)']);
    expect(totals).toMatchObject({ subtotalMinor: 1299, taxMinor: 247, totalMinor: 1546 });
  });

  it('rounds tax half up in minor units, exactly for large amounts', () => {
    expect(taxOn(1299, 1900)).toBe(247); // 246.81
    expect(taxOn(50, 1000)).toBe(5); // 5.0
    expect(taxOn(25, 2000)).toBe(5); // 5.0
    expect(taxOn(5, 1000)).toBe(1); // 0.5 → 1
    expect(taxOn(4, 1000)).toBe(0); // 0.4 → 0
    expect(taxOn(1299, 0)).toBe(0);
    // 2^53 − 1 × 19 % overflows a double's integer range; BigInt keeps the cents right.
    expect(taxOn(Number.MAX_SAFE_INTEGER, 1900)).toBe(1_711_367_858_400_788);
  });

  it('takes the rate of the account country, else the default', () => {
    const rates = { DE: 1900, US: 0 };
    expect(taxRateFor('DE', rates, 700)).toBe(1900);
    expect(taxRateFor('US', rates, 700)).toBe(0);
    expect(taxRateFor('BR', rates, 700)).toBe(700);
  });

  it('keeps line descriptions within the event schema limit', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example.com`;
    const [plan] = invoiceTotals(order({ hostname: long }), 0).lines;
    expect(plan?.description).toHaveLength(200);
  });

  it('numbers invoices with a zero-padded six-digit sequence per year', () => {
    expect(invoiceNumber(2026, 1)).toBe('INV-2026-000001');
    expect(invoiceNumber(2026, 123456)).toBe('INV-2026-123456');
  });
});

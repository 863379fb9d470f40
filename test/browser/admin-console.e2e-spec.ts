import type { Page } from 'playwright-core';
import { attributesOf } from '../support/browser.js';
import { useConsoleHarness } from '../support/console-harness.js';
import { sendUnissuedVoids } from '../support/dead-letters.js';
import { uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';

// The operator console's later pages (issue #21): sagas, bulk redrive, the back office. Set up as
// admin-viewer.e2e-spec.ts is (test/support/console-harness.ts): one monolith on its own topic prefix, a fresh
// browser context per test.

interface SagaView {
  orderId: string;
  status: string;
  step: string;
  history: { kind: string; detail: Record<string, unknown> }[];
}

describe('admin console pages in headless Chromium (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('console');
  const h = useConsoleHarness(prefix, {
    artefacts: 'browser-console',
    env: { KAFKA_TOPIC_PARTITIONS: '2', PROVISIONING_SIMULATOR_STEP_MS: '0', DEV_MAIL_DIR: '' },
  });
  const { shot, docShot, adminGet } = h;
  /** /admin, logged in with the bootstrap admin key. */
  const withConsole = (name: string, steps: (page: Page) => Promise<void>) =>
    h.withPage(name, steps, { logIn: true });

  /** An order placed and invoiced but not paid: its saga waits at the payment step. */
  async function unpaidOrder(token: string): Promise<string> {
    const placed = await h.shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(h.shop.orderBody(h.planId))
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    await h.shop.invoiceOf(token, orderId);
    return orderId;
  }

  const sagaAt = (orderId: string, ready: (saga: SagaView) => boolean, what: string) =>
    waitFor(
      async () => {
        const { status, body } = await adminGet<SagaView>(`/v1/admin/sagas/${orderId}`);
        return status === 200 && ready(body) ? body : undefined;
      },
      what,
      45_000,
      250,
    );

  it('filters the sagas, shows one saga’s history, refuses an action with its reason and applies another', async () => {
    const customer = await h.shop.customer();
    const waiting = await unpaidOrder(customer.token);
    const paid = await h.shop.paidOrder(customer.token, h.planId);
    await sagaAt(
      waiting,
      (s) => s.status === 'running' && s.step === 'payment',
      `the saga of ${waiting} at payment`,
    );
    await sagaAt(paid, (s) => s.status === 'completed', `the saga of ${paid} completed`);

    await withConsole('sagas', async (page) => {
      await page.getByTestId('tab-sagas').click();
      await page.getByTestId('panel-sagas').waitFor();
      await page
        .getByTestId('sagas-status')
        .getByText(/sagas shown, newest first\./)
        .waitFor();
      const rows = page.getByTestId('saga-row');

      // The tenant's sagas: both orders; with status and step, only the one waiting for its payment.
      await page.getByTestId('sagas-tenant').fill(customer.accountId);
      await page.getByTestId('sagas-apply').click();
      await page.getByTestId('sagas-status').getByText('2 sagas shown, newest first.').waitFor();
      expect(
        (await attributesOf(rows, ['data-order-id', 'data-status'])).map((r) => [
          r['data-order-id'],
          r['data-status'],
        ]),
      ).toEqual([
        [paid, 'completed'],
        [waiting, 'running'],
      ]);
      await page.getByTestId('sagas-status-filter').selectOption('running');
      await page.getByTestId('sagas-step').fill('payment');
      await page.getByTestId('sagas-apply').click();
      await page.getByTestId('sagas-status').getByText('1 saga shown, newest first.').waitFor();
      expect(await attributesOf(rows, ['data-order-id', 'data-step'])).toEqual([
        { 'data-order-id': waiting, 'data-step': 'payment' },
      ]);
      // Started more than an hour ago: none of this tenant's.
      await page.getByTestId('sagas-older-than').fill('60');
      await page.getByTestId('sagas-apply').click();
      await page.getByTestId('sagas-status').getByText('No sagas match.').waitFor();
      await page.getByTestId('sagas-older-than').fill('');
      await page.getByTestId('sagas-status-filter').selectOption('');
      await page.getByTestId('sagas-step').fill('');
      await page.getByTestId('sagas-apply').click();
      await page.getByTestId('sagas-status').getByText('2 sagas shown, newest first.').waitFor();
      await shot(page, '01-sagas');
      await docShot(page, 'sagas');

      // The waiting saga's page: its state, its history so far, a link to the order's timeline.
      await page.locator(`[data-testid="saga-row"][data-order-id="${waiting}"]`).click();
      await page.getByTestId('panel-saga').waitFor();
      expect(page.url()).toBe(`${h.baseUrl}/admin#saga/${waiting}`);
      expect(await page.getByTestId('tab-sagas').getAttribute('aria-selected')).toBe('true');
      const detail = page.getByTestId('saga-detail');
      await detail.waitFor();
      expect(await detail.getAttribute('data-status')).toBe('running');
      expect(await detail.getAttribute('data-step')).toBe('payment');
      const history = page.getByTestId('saga-history-entry');
      const kinds = (await attributesOf(history, ['data-kind'])).map((e) => e['data-kind']);
      expect(kinds).toContain('decision');
      expect(kinds).toContain('timer_set');

      // retry_step: the saga waits for the customer, it has nothing to ask again — refused, and the page says why.
      const retry = page.locator('[data-testid="reason-action"][data-action="retry_step"]');
      await retry.getByTestId('action-open').click();
      await retry.getByTestId('action-reason').fill('browser suite: nudge the payment');
      await retry.getByTestId('action-confirm').click();
      const refused = retry.getByTestId('action-result');
      await refused.getByText("waits for the customer's payment").waitFor();
      expect(await refused.getAttribute('data-outcome')).toBe('refused');
      expect(await refused.getAttribute('data-code')).toBe('saga-nothing-to-retry');
      expect(await refused.textContent()).toMatch(/^Refused \(409\): /);

      // terminate: applied (202), the saga is failed and its history has both operator actions.
      const terminate = page.locator('[data-testid="reason-action"][data-action="terminate"]');
      await terminate.getByTestId('action-open').click();
      await terminate.getByTestId('action-reason').fill('browser suite: the customer cancelled by phone');
      await terminate.getByTestId('action-confirm').click();
      const applied = terminate.getByTestId('action-result');
      await applied.getByText(/^Applied \(202\): act, terminated by an operator; now failed/).waitFor();
      await page.locator('[data-testid="saga-detail"][data-status="failed"]').waitFor();
      const operator = page.locator('[data-testid="saga-history-entry"][data-kind="operator"]');
      await operator.nth(1).waitFor();
      expect(await operator.getByTestId('saga-history-detail').allTextContents()).toEqual([
        expect.stringMatching(
          /^retry_step by \S+: “browser suite: nudge the payment” → refused — nothing_to_retry: /,
        ),
        expect.stringMatching(
          /^terminate by \S+: “browser suite: the customer cancelled by phone” → applied$/,
        ),
      ]);
      await shot(page, '02-saga-history');
      await docShot(page, 'saga-history');

      // A closed saga allows nothing: the refusal names it.
      await retry.getByTestId('action-open').click();
      await retry.getByTestId('action-reason').fill('browser suite: once more');
      await retry.getByTestId('action-confirm').click();
      await retry.getByTestId('action-result').getByText('terminated by an operator').waitFor();

      const { body: saga } = await adminGet<SagaView>(`/v1/admin/sagas/${waiting}`);
      expect(saga.status).toBe('failed');
      expect(saga.history.filter((e) => e.kind === 'operator').map((e) => e.detail.outcome)).toEqual([
        'refused',
        'applied',
        'refused',
      ]);

      // The order's event timeline, one click away.
      await page.getByTestId('saga-order-link').click();
      await page.getByTestId('panel-order').waitFor();
      expect(await page.getByTestId('order-id').inputValue()).toBe(waiting);
      await page.locator('[data-testid="timeline-entry"][data-type="order.created"]').waitFor();
    });
  }, 120_000);

  it('bulk-redrives dead letters by type: a dry run first, then with a reason', async () => {
    // Voids of invoices billing never issued: each dead-lettered, and fit to redrive.
    const type = 'invoice.void_requested';
    const topic = `${prefix}${type}`;
    const eventIds = await sendUnissuedVoids(h.app, prefix, 2);
    const deadLetters = async () =>
      (
        await adminGet<{ items: { id: string; eventId: string; redriven: boolean }[] }>(
          `/v1/admin/dlq?topic=${topic}.dlq&limit=100`,
        )
      ).body.items.filter((item) => eventIds.includes(item.eventId));
    const letters = await waitFor(
      async () => {
        const found = await deadLetters();
        return found.length === 2 ? found : undefined;
      },
      'both voids in the DLQ',
      45_000,
      250,
    );
    const ids = letters.map((letter) => letter.id).sort();

    await withConsole('bulk-redrive', async (page) => {
      await page.getByTestId('tab-dlq').click();
      await page
        .getByTestId('dlq-status')
        .getByText(/dead letters shown/)
        .waitFor();
      await page.getByTestId('bulk-open').click();
      await page.getByTestId('bulk-type').fill(type);
      await page.getByTestId('bulk-from').fill('2020-01-01T00:00:00');
      await page.getByTestId('bulk-dry-run').click();
      const summary = page.getByTestId('bulk-summary');
      await summary.getByText('Dry run: 2 dead letters would be redriven, 0 refused.').waitFor();
      const items = page.getByTestId('bulk-item');
      expect(await attributesOf(items, ['data-id', 'data-outcome'])).toEqual(
        ids.map((id) => ({ 'data-id': id, 'data-outcome': 'redrivable' })),
      );
      await shot(page, '03-bulk-dry-run');
      await docShot(page, 'bulk-redrive');
      // Nothing went yet.
      expect((await deadLetters()).filter((letter) => letter.redriven)).toEqual([]);

      await page.getByTestId('bulk-reason').fill('browser suite: billing knows these invoices now');
      await page.getByTestId('bulk-confirm').click();
      const result = page.getByTestId('bulk-result-summary');
      await result.getByText(/^Redriven: 2, refused: 0 \(action \S+\)\.$/).waitFor();
      expect(await page.getByTestId('bulk-next').isHidden()).toBe(true);
      for (const id of ids) {
        await page.locator(`[data-testid="dlq-row"][data-id="${id}"]`).getByTestId('dlq-redriven').waitFor();
      }
      await shot(page, '04-bulk-redriven');

      // The same selection again: both are refused now, each with its reason.
      await page.getByTestId('bulk-dry-run').click();
      await summary.getByText(/would be redriven, [1-9]\d* refused\./).waitFor();
      for (const id of ids) {
        const refused = page.locator(`[data-testid="bulk-item"][data-id="${id}"]`);
        expect(await refused.getAttribute('data-outcome')).toBe('refused');
        expect(await refused.textContent()).toMatch(/refused \(\S+\): .+/);
      }
    });
    expect(
      (await deadLetters())
        .filter((letter) => letter.redriven)
        .map((letter) => letter.id)
        .sort(),
    ).toEqual(ids);
  }, 120_000);
  it('the back office lists accounts, orders, invoices and services; refunds, voids, suspends, and shows refusals', async () => {
    interface Invoice {
      id: string;
      orderId: string;
      status: string;
      payments: { id: string; status: string }[];
    }
    const customer = await h.shop.customer();
    const paid = await h.shop.paidOrder(customer.token, h.planId);
    const open = await unpaidOrder(customer.token);
    const invoices = () =>
      adminGet<{ items: Invoice[] }>(`/v1/admin/invoices?tenantId=${customer.accountId}`).then(
        (r) => r.body.items,
      );
    const invoiceOf = (orderId: string) =>
      waitFor(
        async () => {
          const found = (await invoices()).find((i) => i.orderId === orderId);
          return found && (orderId !== paid || found.payments.length > 0) ? found : undefined;
        },
        `the invoice of ${orderId}`,
        45_000,
        250,
      );
    const paidInvoice = await invoiceOf(paid);
    const openInvoice = await invoiceOf(open);
    expect(paidInvoice.status).toBe('paid');
    expect(openInvoice.status).toBe('open');
    const service = await waitFor(
      async () => {
        const { body } = await adminGet<{ items: { id: string; status: string }[] }>(
          `/v1/admin/services?orderId=${paid}`,
        );
        return body.items.find((s) => s.status === 'active');
      },
      `the service of ${paid} active`,
      45_000,
      250,
    );
    const invoiceNow = async (id: string) => (await adminGet<Invoice>(`/v1/admin/invoices/${id}`)).body;

    await withConsole('back-office', async (page) => {
      await page.getByTestId('tab-backoffice').click();
      await page.getByTestId('panel-backoffice').waitFor();
      expect(page.url()).toBe(`${h.baseUrl}/admin#backoffice`);
      const view = (name: string) => page.getByTestId(`bo-view-${name}`);
      const filterByTenant = async (name: string, count: number, noun: string) => {
        await page.getByTestId(`bo-tab-${name}`).click();
        await view(name).waitFor();
        await view(name).getByTestId('bo-filter-tenantId').fill(customer.accountId);
        await view(name).getByTestId('bo-apply').click();
        await view(name)
          .getByTestId('bo-status')
          .getByText(`${count} ${noun} shown, newest first.`)
          .waitFor();
      };
      const row = (name: string, id: string) => view(name).locator(`[data-testid="bo-row"][data-id="${id}"]`);
      const act = async (scope: ReturnType<Page['locator']>, action: string, reason: string) => {
        const control = scope.locator(`[data-testid="reason-action"][data-action="${action}"]`).first();
        await control.getByTestId('action-open').click();
        await control.getByTestId('action-reason').fill(reason);
        await control.getByTestId('action-confirm').click();
        return control.getByTestId('action-result');
      };

      // Orders: the tenant's two, each linked to its timeline and its saga.
      await filterByTenant('orders', 2, 'orders');
      expect(
        (await attributesOf(view('orders').getByTestId('bo-row'), ['data-id']))
          .map((r) => r['data-id'])
          .sort(),
      ).toEqual([paid, open].sort());
      expect(await row('orders', paid).getByTestId('order-timeline-link').getAttribute('href')).toBe(
        `#order/${paid}`,
      );
      await row('orders', paid).getByTestId('saga-link').click();
      await page.getByTestId('panel-saga').waitFor();
      await page.locator(`[data-testid="saga-detail"][data-order-id="${paid}"]`).waitFor();
      await page.goBack();
      await view('orders').waitFor();

      // Services: the paid order's, active (before its payment is refunded); unsuspending an active service is
      // refused, with the reason.
      await filterByTenant('services', 1, 'service');
      expect(await row('services', service.id).getAttribute('data-status')).toBe('active');
      const unsuspend = await act(row('services', service.id), 'unsuspend', 'browser suite: nothing to lift');
      await unsuspend.getByText(/^Refused \(409\): /).waitFor();
      expect(await unsuspend.getAttribute('data-code')).toBe('service-not-suspended');

      // Invoices: refund the paid one's payment (202), then see it refunded once billing handled the command.
      await filterByTenant('invoices', 2, 'invoices');
      const payment = row('invoices', paidInvoice.id).locator(
        `[data-testid="bo-payment"][data-id="${paidInvoice.payments[0]?.id}"]`,
      );
      expect(await payment.getAttribute('data-status')).toBe('captured');
      await act(payment, 'refund', 'browser suite: the customer was charged twice');
      await row('invoices', paidInvoice.id)
        .getByTestId('bo-row-result')
        .getByText(/^Refund requested \(202\): request \S+; billing carries it out\.$/)
        .waitFor();
      await waitFor(
        async () =>
          (await invoiceNow(paidInvoice.id)).payments[0]?.status === 'refunded' ? true : undefined,
        'the refund carried out',
        45_000,
        250,
      );
      // A payment refunded already cannot be refunded again: the page says why.
      const again = await act(payment, 'refund', 'browser suite: once more');
      await again.getByText(/^Refused \(409\): /).waitFor();
      expect(await again.getAttribute('data-outcome')).toBe('refused');
      await view('invoices').getByTestId('bo-apply').click();
      await payment.locator('[data-testid="bo-status-badge"]', { hasText: 'refunded' }).waitFor();
      expect(await payment.getAttribute('data-status')).toBe('refunded');

      // The open invoice: voided (202), then shown voided.
      await act(row('invoices', openInvoice.id), 'void', 'browser suite: the order was placed by mistake');
      await row('invoices', openInvoice.id)
        .getByTestId('bo-row-result')
        .getByText(/^Void requested \(202\)/)
        .waitFor();
      await waitFor(
        async () => ((await invoiceNow(openInvoice.id)).status === 'voided' ? true : undefined),
        'the void carried out',
        45_000,
        250,
      );
      await view('invoices').getByTestId('bo-apply').click();
      await view('invoices')
        .locator(`[data-testid="bo-row"][data-id="${openInvoice.id}"][data-status="voided"]`)
        .waitFor();
      await shot(page, '05-back-office-invoices');
      await docShot(page, 'back-office');

      // Accounts: suspend the customer for abuse (200), the row shows it suspended; a second suspend is refused.
      await filterByTenant('accounts', 1, 'account');
      const account = row('accounts', customer.accountId);
      expect(await account.getAttribute('data-status')).toBe('active');
      const suspend = account.locator('[data-testid="reason-action"][data-action="suspend"]');
      await suspend.getByTestId('action-open').click();
      await suspend.getByTestId('action-choice').selectOption('abuse');
      await suspend.getByTestId('action-reason').fill('browser suite: spam from the VPS');
      await suspend.getByTestId('action-confirm').click();
      await view('accounts')
        .locator(`[data-testid="bo-row"][data-id="${customer.accountId}"][data-status="suspended"]`)
        .waitFor();
      expect(await account.getByTestId('bo-suspension').textContent()).toMatch(
        /^abuse: browser suite: spam from the VPS — by \S+ at /,
      );
      expect(await account.getByTestId('bo-row-result').textContent()).toBe('Suspended (200): abuse.');
      const twice = await act(account, 'suspend', 'browser suite: again');
      await twice.getByText(/^Refused \(409\): /).waitFor();
      await shot(page, '06-back-office-accounts');
      await docShot(page, 'back-office-accounts');
      const { body: suspended } = await adminGet<{ status: string }>(
        `/v1/admin/accounts/${customer.accountId}`,
      );
      expect(suspended.status).toBe('suspended');
    });
  }, 180_000);
});

import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { eventDefinition, exampleEvent } from '@app/contracts';
import { encodeEnvelope, EventProducer } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { attributesOf, launchChromium, recordProblems } from '../support/browser.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { ROOT, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const ARTEFACTS = join(ROOT, '.run', 'artefacts', 'browser');

interface AuditEvent {
  id: string;
  eventId: string | null;
  type: string;
}

describe('admin viewer in headless Chromium (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('viewer');
  let app: INestApplication | undefined;
  let browser: Browser | undefined;
  let shop: Storefront;
  let admin: string;
  let planId: string;
  let baseUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    rmSync(ARTEFACTS, { recursive: true, force: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    browser = await launchChromium();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    shop = new Storefront(app);
    admin = await shop.adminToken();
    planId = (await shop.publishPlan(admin)).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await browser?.close();
    if (app) {
      await closeIsolatedApp(app, prefix);
    }
  });

  afterEach(() => {
    // Uncaught errors in the page's script and CSP refusals would break the page without failing a locator.
    const seen = problems.splice(0);
    expect(seen).toEqual([]);
  });

  const adminGet = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await shop.http.get(path).auth(admin, { type: 'bearer' });
    return { status: response.status, body: response.body as T };
  };

  /** A fresh browser context (so a fresh sessionStorage) on /admin; a failing step leaves a screenshot behind. */
  async function withViewer(name: string, steps: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    recordProblems(page, problems);
    try {
      const response = await page.goto(`${baseUrl}/admin`);
      expect(response?.status()).toBe(200);
      await page.getByTestId('login-view').waitFor();
      await steps(page);
    } catch (error) {
      await shot(page, `${name}-FAILED`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });

  async function logIn(page: Page, apiKey: string): Promise<void> {
    await page.getByTestId('login-api-key').fill(apiKey);
    await page.getByTestId('login-submit').click();
  }

  async function paidOrder(): Promise<string> {
    const { token } = await shop.customer();
    return shop.paidOrder(token, planId);
  }

  it('a wrong API key shows an error and no data; a customer key is refused too', async () => {
    await withViewer('wrong-key', async (page) => {
      await logIn(page, `pk_${randomUUID().replaceAll('-', '')}_not-a-real-secret`);
      const error = page.getByTestId('login-error');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/not valid/i);
      await shot(page, '01-wrong-key');
      expect(await page.getByTestId('app-view').isHidden()).toBe(true);
      expect(await page.getByTestId('event-row').count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      const customer = await shop.signUp();
      await logIn(page, customer.apiKey);
      await page.getByText('does not belong to an administrator').waitFor();
      await shot(page, '02-customer-key');
      expect(await page.getByTestId('app-view').isHidden()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    });
  });

  it('finds a paid order in the stream and shows its timeline in causal order', async () => {
    const orderId = await paidOrder();
    // The audit module reads the topics asynchronously: wait until it has the whole story before looking.
    const expected = await waitFor(
      async () => {
        const { status, body } = await adminGet<{ entries: AuditEvent[] }>(
          `/v1/admin/orders/${orderId}/timeline`,
        );
        const types = status === 200 ? body.entries.map((e) => e.type) : [];
        return types.includes('order.completed') && types.includes('saga.completed')
          ? body.entries
          : undefined;
      },
      `the audit trail of order ${orderId}`,
      45_000,
      250,
    );

    await withViewer('order', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
      await page.getByTestId('events-status').getByText('newest first').waitFor();
      await shot(page, '03-events');

      await page.getByTestId('filter-order').fill(orderId);
      await page.getByTestId('events-apply').click();
      const created = page.locator('[data-testid="event-row"][data-type="order.created"]');
      await created.waitFor();
      const rows = page.getByTestId('event-row');
      const listed = await attributesOf(rows, ['data-id', 'data-type', 'data-order-id']);
      // Only the order's records, every one of them part of its timeline, the whole story from start to end.
      expect(new Set(listed.map((row) => row['data-order-id']))).toEqual(new Set([orderId]));
      const inTimeline = new Set(expected.map((e) => e.id));
      expect(listed.filter((row) => !inTimeline.has(row['data-id']))).toEqual([]);
      expect(listed.map((row) => row['data-type'])).toEqual(
        expect.arrayContaining(['order.created', 'payment.received', 'order.completed']),
      );
      await shot(page, '04-events-of-the-order');

      await created.getByTestId('event-type').click();
      await page.getByTestId('event-details').waitFor();
      expect(await page.getByTestId('event-details-title').textContent()).toBe('order.created');
      expect(JSON.parse((await page.getByTestId('event-details-payload').textContent()) ?? '')).toMatchObject(
        {
          orderId,
        },
      );
      await shot(page, '05-event-details');

      await created.getByTestId('event-order-link').click();
      await page.getByTestId('panel-order').waitFor();
      const entries = page.getByTestId('timeline-entry');
      await entries.nth(expected.length - 1).waitFor();
      const shown = (
        await attributesOf(entries, [
          'data-id',
          'data-type',
          'data-kind',
          'data-event-id',
          'data-causation-id',
        ])
      ).map((entry) => ({
        id: entry['data-id'],
        type: entry['data-type'],
        kind: entry['data-kind'],
        eventId: entry['data-event-id'],
        causationId: entry['data-causation-id'],
      }));
      await shot(page, '06-timeline');

      // The page shows the API's entries in the API's order, each after the event that caused it.
      expect(shown.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      const types = shown.map((e) => e.type);
      expect(types[0]).toBe('order.created');
      const before = (a: string, b: string) => expect(types.indexOf(a)).toBeLessThan(types.indexOf(b));
      before('order.created', 'saga.started');
      before('order.created', 'payment.received');
      before('payment.received', 'provisioning.completed');
      before('order.created', 'saga.completed');
      before('order.created', 'order.completed');
      const position = new Map(shown.map((e, i) => [e.eventId, i]));
      shown.forEach((entry, i) => {
        const cause = entry.causationId ? position.get(entry.causationId) : undefined;
        if (cause !== undefined) {
          expect(cause).toBeLessThan(i);
        }
      });
      expect(shown.filter((e) => e.kind === 'saga_step').length).toBeGreaterThan(0);
      const sagaStep = page.locator('[data-testid="timeline-entry"][data-kind="saga_step"]').first();
      expect(await sagaStep.getByTestId('timeline-kind').textContent()).toBe('saga step');

      await page.getByTestId('replay-button').click();
      const verdict = page.getByTestId('replay-matches');
      await verdict.waitFor({ timeout: 30_000 });
      expect(await verdict.textContent()).toMatch(/fold to the stored state/);
      await shot(page, '07-replay');
    });
  }, 90_000);

  it('lists dead letters, shows a hostile payload as text and why its redrive is refused', async () => {
    const topic = `${prefix}order.created`;
    const record = encodeEnvelope({
      id: uuidv7(),
      type: 'order.created',
      specversion: '1.0',
      source: 'orders',
      time: new Date().toISOString(),
      subject: randomUUID(),
      version: Math.max(...Object.keys(eventDefinition('order.created').versions).map(Number)),
      tenantid: randomUUID(),
      correlationid: randomUUID(),
      data: exampleEvent('order.created'),
    });
    // A payload its schema refuses (every consumer of the topic dead-letters it at once), carrying markup.
    const hostile = `<img src=x onerror="document.title='pwned'">`;
    await app!.get(EventProducer).send([{ topic, ...record, value: JSON.stringify({ orderId: hostile }) }]);
    const eventId = record.headers.ce_id ?? '';
    const deadLetters = async () =>
      (await adminGet<{ items: (AuditEvent & { redriven: boolean })[] }>(`/v1/admin/dlq?topic=${topic}.dlq`))
        .body.items ?? [];
    await waitFor(
      async () => ((await deadLetters()).some((item) => item.eventId === eventId) ? true : undefined),
      'the poison record in the DLQ view',
    );

    await withViewer('dlq', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-dlq').click();
      await page.getByTestId('dlq-topic').fill(`${topic}.dlq`);
      await page.getByTestId('dlq-apply').click();
      const row = page.locator(`[data-testid="dlq-row"][data-event-id="${eventId}"]`).first();
      await row.waitFor();
      expect(await row.getByTestId('dlq-error-text').textContent()).toMatch(/schema validation failed/);
      await shot(page, '08-dead-letters');
      const letterId = (await row.getAttribute('data-id')) ?? '';

      await page.getByTestId('tab-events').click();
      await page.getByTestId('filter-topic').fill(`${topic}.dlq`);
      await page.getByTestId('events-apply').click();
      const listed = page.locator(`[data-testid="event-row"][data-id="${letterId}"]`);
      await listed.getByTestId('event-type').click();
      const payload = page.getByTestId('event-details-payload');
      await payload.getByText('<img src=x').waitFor();
      expect(JSON.parse((await payload.textContent()) ?? '')).toEqual({ orderId: hostile });
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.title()).toBe('PLATFORMA admin');
      await shot(page, '09-hostile-payload-as-text');

      await page.getByTestId('tab-dlq').click();
      await row.getByTestId('redrive-button').click();
      await row.getByTestId('redrive-reason').fill('browser suite: the consumer was fixed');
      await row.getByTestId('redrive-confirm').click();
      // A record its schema refuses never goes back to its topic (issue #17): the operator is told why.
      const result = row.getByTestId('redrive-result');
      await result.getByText('fails the schema of order.created').waitFor();
      await shot(page, '10-redrive-refused');
    });
    const redriven = (await deadLetters()).filter((item) => item.redriven).map((item) => item.eventId);
    expect(redriven).not.toContain(eventId);
  }, 90_000);

  it('the Consumers tab lists every consumer group of the app with its lag per partition', async () => {
    await withViewer('consumers', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-consumers').click();
      await page.getByTestId('consumer-group').first().waitFor();
      const groups = (await attributesOf(page.getByTestId('consumer-group'), ['data-group-id'])).map(
        (group) => group['data-group-id'],
      );
      for (const { domain } of MONOLITH.domains) {
        expect(groups).toContain(`${prefix}${domain.groupId}`);
      }
      const orders = page.locator(
        `[data-testid="consumer-group"][data-group-id="${prefix}platforma.orders"]`,
      );
      expect(await orders.getByTestId('consumer-group-lag').textContent()).toMatch(/^lag \d+$/);
      expect(await orders.getByTestId('consumer-partition').count()).toBeGreaterThan(0);
      await shot(page, '11-consumers');
    });
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { eventDefinition, exampleEvent } from '@app/contracts';
import { auditLogGroups } from '@app/audit';
import { ConsumerGroupAdminService, encodeEnvelope, EventProducer } from '@app/messaging';
import { caughtMailId, startDevMailCatcher } from '@app/notifications';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { attributesOf } from '../support/browser.js';
import { useConsoleHarness } from '../support/console-harness.js';
import { sendUnissuedVoids } from '../support/dead-letters.js';
import { committedPast } from '../support/consumers.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { cloneTestDatabase } from '../setup/test-database.js';
import { freePort, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

/** The console's page size: the stream's first page, and what "Load more" adds. */
const PAGE_SIZE = 50;

interface AuditEvent {
  id: string;
  eventId: string | null;
  type: string;
}

describe('admin viewer in headless Chromium (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('viewer');
  const h = useConsoleHarness(prefix, {
    artefacts: 'browser',
    cleanArtefacts: true,
    env: {
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      // No mail catcher: the Mail tab says so (the Mail tab's own test boots an app with one).
      DEV_MAIL_DIR: '',
    },
  });
  const { shot, docShot, adminGet } = h;
  /** /admin, not logged in (the tests log in themselves); on another app's base URL when given. */
  const withViewer = (name: string, steps: (page: Page) => Promise<void>, url?: string) =>
    h.withPage(name, steps, { url });

  async function logIn(page: Page, apiKey: string): Promise<void> {
    await page.getByTestId('login-api-key').fill(apiKey);
    await page.getByTestId('login-submit').click();
  }

  async function paidOrder(): Promise<string> {
    const { token } = await h.shop.customer();
    return h.shop.paidOrder(token, h.planId);
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

      const customer = await h.shop.signUp();
      await logIn(page, customer.apiKey);
      await page.getByText('does not belong to an administrator').waitFor();
      await shot(page, '02-customer-key');
      expect(await page.getByTestId('app-view').isHidden()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    });
  });

  it('finds a paid order in the stream and shows its timeline in causal order', async () => {
    const orderId = await paidOrder();
    // The audit module reads each topic on its own: order.completed can be logged before order.created. Once the
    // saga is done, the whole story is in the log when the audit tap has committed past every topic.
    await waitFor(
      async () => {
        const { status, body } = await adminGet<{ entries: AuditEvent[] }>(
          `/v1/admin/orders/${orderId}/timeline`,
        );
        return status === 200 && body.entries.some((e) => e.type === 'saga.completed') ? true : undefined;
      },
      `the end of order ${orderId}'s saga in the audit log`,
      45_000,
      250,
    );
    for (const { groupId, topics } of auditLogGroups(prefix)) {
      await committedPast(h.app, [groupId], topics, 45_000);
    }
    const { body: timeline } = await adminGet<{ entries: AuditEvent[] }>(
      `/v1/admin/orders/${orderId}/timeline`,
    );
    const expected = timeline.entries;

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
      await docShot(page, 'event-stream');

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
      await docShot(page, 'order-timeline');
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
    await h.app.get(EventProducer).send([{ topic, ...record, value: JSON.stringify({ orderId: hostile }) }]);
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
      await docShot(page, 'dead-letters');
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

  it('pages the dead letters by cursor, redrives one and shows the redrive on its order’s timeline', async () => {
    // Voids of invoices billing never issued: refused for good and parked at once, and fit to redrive.
    const topic = `${prefix}invoice.void_requested`;
    await sendUnissuedVoids(h.app, prefix, PAGE_SIZE + 1);
    await waitFor(
      async () => {
        const { body } = await adminGet<{ items: AuditEvent[] }>(
          `/v1/admin/dlq?topic=${topic}.dlq&limit=100`,
        );
        return (body.items ?? []).length > PAGE_SIZE ? true : undefined;
      },
      'more dead letters than one page',
      45_000,
      250,
    );

    await withViewer('dlq-pages', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-dlq').click();
      await page.getByTestId('dlq-topic').fill(`${topic}.dlq`);
      await page.getByTestId('dlq-apply').click();
      const status = page.getByTestId('dlq-status');
      await status.getByText(`${PAGE_SIZE} dead letters shown, newest first.`).waitFor();
      const rows = page.getByTestId('dlq-row');
      await page.getByTestId('dlq-more').click();
      await status.getByText(/^(5[1-9]|[6-9]\d|\d{3}) dead letters shown/).waitFor();
      const ids = (await attributesOf(rows, ['data-id'])).map((row) => BigInt(row['data-id'] ?? ''));
      expect(ids.length).toBeGreaterThan(PAGE_SIZE);
      ids.slice(1).forEach((id, i) => expect(id < (ids[i] ?? 0n)).toBe(true));

      const row = rows.first();
      const letterId = (await row.getAttribute('data-id')) ?? '';
      const eventId = (await row.getAttribute('data-event-id')) ?? '';
      const { body: records } = await adminGet<{ records: (AuditEvent & { orderId: string })[] }>(
        `/v1/admin/audit/events/${eventId}`,
      );
      const orderId = records.records.find((r) => r.id === letterId)?.orderId ?? '';
      expect(orderId).not.toBe('');
      await row.getByTestId('redrive-button').click();
      await row.getByTestId('redrive-reason').fill('browser suite: the invoice exists now');
      await row.getByTestId('redrive-confirm').click();
      await row.getByTestId('redrive-result').getByText(`Sent again to ${topic} (action `).waitFor();
      expect(await row.getByTestId('redrive-button').isDisabled()).toBe(true);
      expect(await row.getByTestId('redrive-form').isHidden()).toBe(true);
      await page.getByTestId('dlq-apply').click();
      await page
        .locator(`[data-testid="dlq-row"][data-id="${letterId}"]`)
        .getByTestId('dlq-redriven')
        .waitFor();

      // The order's timeline lists who redrove its dead letter, and why.
      await page.goto(`${h.baseUrl}/admin#order/${orderId}`);
      const entry = page.locator(`[data-testid="timeline-entry"][data-id="${letterId}"]`);
      await entry
        .getByTestId('timeline-actions')
        .getByText('browser suite: the invoice exists now')
        .waitFor();
      expect(await entry.getAttribute('data-kind')).toBe('dead_letter');
      expect(await entry.getByTestId('timeline-actions').textContent()).toMatch(
        /^dlq\.redrive by admin \S+ at [\d-]+ [\d:.]+: browser suite: the invoice exists now → accepted \(redriven to \S+invoice\.void_requested\)$/,
      );
    });
  }, 120_000);

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
      await docShot(page, 'consumer-lag');

      const status = page.getByTestId('consumers-status');
      // One endpoint serves the list and a group's page: the list reads /groups, no longer /lag.
      const refreshed = page.waitForResponse((r) => r.url().endsWith('/v1/admin/consumers/groups') && r.ok());
      await page.getByTestId('consumers-refresh').click();
      await refreshed;
      await status.getByText(/^\d+ consumer groups, \d+ records behind in all\.$/).waitFor();
    });
  });

  it('pages the stream by cursor, follows a correlation, filters by time, clears; links, reloads and ends sessions', async () => {
    // More records than one page, whichever tests ran before: each paid order leaves about twenty.
    const orderIds = [await paidOrder(), await paidOrder(), await paidOrder()];
    const total = await waitFor(
      async () => {
        const { body } = await adminGet<{ items: AuditEvent[]; nextCursor: string | null }>(
          `/v1/admin/audit/events?limit=100`,
        );
        return body.items.length > PAGE_SIZE + 5 ? body.items.length : undefined;
      },
      'more audited records than one page',
      45_000,
      250,
    );

    await withViewer('stream', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      const status = page.getByTestId('events-status');
      await status.getByText(`${PAGE_SIZE} events shown, newest first.`).waitFor();
      const rows = page.getByTestId('event-row');
      const first = (await attributesOf(rows, ['data-id'])).map((row) => row['data-id'] ?? '');
      expect(first).toHaveLength(PAGE_SIZE);

      // The next page continues after the last row: newest first, no row twice, none skipped.
      await page.getByTestId('events-more').click();
      await status.getByText(new RegExp(`^(${PAGE_SIZE + 1}|[6-9]\\d|1\\d\\d) events shown`)).waitFor();
      const both = (await attributesOf(rows, ['data-id'])).map((row) => BigInt(row['data-id'] ?? ''));
      expect(both.length).toBeGreaterThanOrEqual(Math.min(total, 2 * PAGE_SIZE));
      expect(both.slice(0, PAGE_SIZE).map(String)).toEqual(first);
      both.slice(1).forEach((id, i) => expect(id < (both[i] ?? 0n)).toBe(true));

      // A row opens its details with the keyboard too, and closes again.
      await rows.first().focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('event-details').waitFor();
      await page.getByTestId('event-details-close').click();
      await page.getByTestId('event-details').waitFor({ state: 'hidden' });

      // A correlation link shows every event of that correlation, and only those.
      const link = rows.getByTestId('event-correlation-link').first();
      const title = (await link.getAttribute('title')) ?? '';
      const correlationId = title.replace('Every event of correlation ', '');
      const filtered = page.waitForResponse((r) =>
        r.url().includes(`correlationId=${encodeURIComponent(correlationId)}`),
      );
      await link.click();
      await filtered;
      expect(await page.getByTestId('filter-correlation').inputValue()).toBe(correlationId);
      await status.getByText(/events shown/).waitFor();
      const titles = await attributesOf(rows.getByTestId('event-correlation-link'), ['title']);
      expect(new Set(titles.map((t) => t.title))).toEqual(new Set([title]));
      expect(await rows.count()).toBe(titles.length);

      // A time window after every record: nothing matches; Clear shows the first page again.
      await page.getByTestId('filter-from').fill('2099-01-01T00:00:00');
      await page.getByTestId('events-apply').click();
      await status.getByText('No events match.').waitFor();
      expect(await rows.count()).toBe(0);
      await page.getByTestId('events-reset').click();
      await status.getByText(`${PAGE_SIZE} events shown, newest first.`).waitFor();
      expect(await page.getByTestId('filter-correlation').inputValue()).toBe('');

      // An order's timeline has an address of its own: it opens from a link and survives a reload.
      await page.goto(`${h.baseUrl}/admin#order/${orderIds[2]}`);
      await page.getByTestId('panel-order').waitFor();
      await page.locator('[data-testid="timeline-entry"][data-type="order.created"]').waitFor();
      expect(await page.getByTestId('order-id').inputValue()).toBe(orderIds[2]);
      await page.reload();
      await page.locator('[data-testid="timeline-entry"][data-type="order.created"]').waitFor();
      expect(await page.getByTestId('tab-order').getAttribute('aria-selected')).toBe('true');

      // A token the API no longer accepts ends the session and asks for the key again.
      await page.evaluate(() => sessionStorage.setItem('platforma.admin.token', 'expired'));
      await page.getByTestId('tab-consumers').click();
      await page.getByTestId('login-error').getByText('Your session has ended').waitFor();
      expect(await page.getByTestId('app-view').isHidden()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      // Logging out forgets the token.
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('logout').click();
      await page.getByTestId('login-view').waitFor();
      expect(await page.getByTestId('app-view').isHidden()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    });
  }, 120_000);

  it('shows a consumer group’s members and partitions, and moves its offsets only after a dry run and a reason', async () => {
    interface Position {
      topic: string;
      partition: number;
      committedOffset: number | null;
      endOffset: number;
    }
    // Records only the audit log reads, and a group with offsets on their topic but no member (as after its app
    // stopped), at the end of it.
    const topic = `${prefix}notification.sent`;
    const idle = `${prefix}browser-suite-idle`;
    await h.app.get(EventProducer).send(
      Array.from({ length: 3 }, () => {
        const data = {
          notificationId: randomUUID(),
          channel: 'email' as const,
          providerMessageId: 'idle-group',
        };
        return {
          topic,
          ...encodeEnvelope({
            id: uuidv7(),
            type: 'notification.sent',
            specversion: '1.0',
            source: 'notifications',
            time: new Date().toISOString(),
            subject: data.notificationId,
            version: 1,
            tenantid: randomUUID(),
            correlationid: randomUUID(),
            data,
          }),
        };
      }),
    );
    await h.app.get(ConsumerGroupAdminService).moveOffsets(idle, [topic], { to: 'latest' }, true);
    const response = await h.shop.http
      .post(`/v1/admin/consumers/groups/${idle}/offsets`)
      .auth(h.admin, { type: 'bearer' })
      .send({ to: 'earliest', dryRun: true })
      .expect(200);
    const dryRun = response.body as {
      reconsumed: number;
      partitions: (Position & { targetOffset: number })[];
    };
    expect(dryRun.reconsumed).toBeGreaterThanOrEqual(3);

    await withViewer('consumer-group', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-consumers').click();

      // A group the running app consumes for: its members, and no move while they run (409 group-active).
      const orders = `${prefix}platforma.orders`;
      await page
        .locator(`[data-testid="consumer-group"][data-group-id="${orders}"]`)
        .getByTestId('consumer-group-open')
        .click();
      await page.getByTestId('group-detail-id').getByText(orders).waitFor();
      expect(page.url()).toContain(`#consumers/${orders}`);
      await page.getByTestId('group-member').first().waitFor();
      expect(await page.getByTestId('group-member-assignment').first().textContent()).toContain(prefix);
      expect(await page.getByTestId('group-partition').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('reset-preview').isHidden()).toBe(true);
      await page.getByTestId('reset-dry-run').click();
      const refused = page.getByTestId('reset-error');
      await refused.getByText('stop them first').waitFor();
      expect(await refused.textContent()).toMatch(
        /^The consumer group has members.*is Stable with \d+ member/,
      );
      expect(await page.getByTestId('reset-preview').isHidden()).toBe(true);
      await shot(page, '18-consumer-group-active');

      // The idle group: a dry run shows each partition's move; only then a reason moves the offsets.
      await page.goto(`${h.baseUrl}/admin#consumers/${idle}`);
      await page.getByTestId('group-detail-id').getByText(idle).waitFor();
      await page.getByTestId('group-members-none').waitFor();
      const committed = async () =>
        (await attributesOf(page.getByTestId('group-partition'), ['data-partition', 'data-committed'])).map(
          (p) => [Number(p['data-partition']), Number(p['data-committed'])],
        );
      expect(await committed()).toEqual(dryRun.partitions.map((p) => [p.partition, p.endOffset]));
      await page.getByTestId('reset-to').selectOption('earliest');
      await page.getByTestId('reset-dry-run').click();
      const summary = page.getByTestId('reset-summary');
      await summary
        .getByText(`Dry run: moving to earliest would re-consume ${dryRun.reconsumed} and skip 0 records.`)
        .waitFor();
      expect(await page.getByTestId('reset-move').count()).toBe(dryRun.partitions.length);
      await shot(page, '19-consumer-group-dry-run');
      await docShot(page, 'consumer-group');

      // Another target is another move: its dry run first.
      await page.getByTestId('reset-to').selectOption('latest');
      await page.getByTestId('reset-preview').waitFor({ state: 'hidden' });
      await page.getByTestId('reset-to').selectOption('earliest');
      await page.getByTestId('reset-dry-run').click();
      await page.getByTestId('reset-reason').fill('browser suite: read the notifications again');
      await page.getByTestId('reset-confirm').click();
      await page
        .getByTestId('reset-result')
        .getByText(
          new RegExp(
            `^Moved to earliest: ${dryRun.reconsumed} to re-consume, 0 skipped \\(action \\S+\\)\\.$`,
          ),
        )
        .waitFor();
      await page
        .getByTestId('consumers-status')
        .getByText(`${idle}: Empty, 0 members, lag ${dryRun.reconsumed}.`)
        .waitFor();
      expect(await committed()).toEqual(dryRun.partitions.map((p) => [p.partition, p.targetOffset]));
      await shot(page, '20-consumer-group-moved');
    });
    const { body: moved } = await adminGet<{ partitions: Position[] }>(`/v1/admin/consumers/groups/${idle}`);
    expect(moved.partitions.map((p) => p.committedOffset)).toEqual(
      dryRun.partitions.map((p) => p.targetOffset),
    );
  }, 90_000);

  it('the Schemas tab lists every event type and shows one type’s schemas, examples and topics', async () => {
    interface Summary {
      type: string;
      producer: string;
      versions: number[];
      logOnly: string | null;
      topic: string;
    }
    const { body: catalog } = await adminGet<{ events: Summary[]; retired: { type: string }[] }>(
      '/v1/admin/schemas',
    );
    const { body: created } = await adminGet<{
      schemas: { version: number; jsonSchema: unknown; example: unknown; changes: string | null }[];
    }>('/v1/admin/schemas/order.created');
    expect(created.schemas.length).toBeGreaterThan(0);

    await withViewer('schemas', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-schemas').click();
      await page
        .getByTestId('schemas-status')
        .getByText(`${catalog.events.length} event types, ${catalog.retired.length} retired.`)
        .waitFor();
      const rows = page.getByTestId('schema-row');
      const listed = await attributesOf(rows, ['data-type']);
      expect(listed.map((row) => row['data-type'])).toEqual(catalog.events.map((e) => e.type));
      expect(await page.getByTestId('schema-retired').count()).toBe(catalog.retired.length);
      const row = page.locator('[data-testid="schema-row"][data-type="order.created"]');
      expect(await row.getByTestId('schema-producer').textContent()).toMatch(/^orders/);
      // Events published for the audit log alone say so instead of naming consumers.
      const logOnly = catalog.events.filter((e) => e.logOnly !== null).map((e) => e.type);
      expect(logOnly.length).toBeGreaterThan(0);
      const badges = await attributesOf(
        page.locator('[data-testid="schema-row"]:has([data-testid="schema-log-only"])'),
        ['data-type'],
      );
      expect(badges.map((b) => b['data-type'])).toEqual(logOnly);
      await shot(page, '12-schemas');

      await row.getByTestId('schema-type').click();
      const detail = page.getByTestId('schema-detail');
      await detail.waitFor();
      expect(page.url()).toMatch(/#schemas\/order\.created$/);
      expect(await page.getByTestId('schema-detail-title').textContent()).toBe('order.created');
      const versions = page.getByTestId('schema-version');
      await page
        .getByTestId('schemas-status')
        .getByText(`order.created: ${created.schemas.length} versions.`)
        .waitFor();
      expect(await versions.count()).toBe(created.schemas.length);
      // Newest first; each version's schema and example exactly as the API has them, pretty-printed text.
      const newest = created.schemas.at(-1)!;
      const first = versions.first();
      expect(await first.getAttribute('data-version')).toBe(String(newest.version));
      expect(JSON.parse((await first.getByTestId('schema-json').textContent()) ?? '')).toEqual(
        newest.jsonSchema,
      );
      expect(JSON.parse((await first.getByTestId('schema-example').textContent()) ?? '')).toEqual(
        newest.example,
      );
      expect(await first.getByTestId('schema-json').textContent()).toContain('\n  "');
      // The topic as the broker has it: this suite's prefix, two partitions.
      const topic = page.locator(`[data-testid="schema-topic"][data-topic="${prefix}order.created"]`);
      expect(await topic.locator('td').nth(1).textContent()).toBe('2');
      await page.locator(`[data-testid="schema-topic"][data-topic="${prefix}order.created.dlq"]`).waitFor();
      await shot(page, '13-schema-detail');
      await docShot(page, 'schemas');

      // The detail has an address of its own, survives a reload, and an unknown type is a message, not a blank.
      await page.reload();
      await page.getByTestId('schema-detail-title').getByText('order.created').waitFor();
      await page.getByTestId('schemas-back').click();
      await page.getByTestId('schemas-list').waitFor();
      await page.goto(`${h.baseUrl}/admin#schemas/no.such_event`);
      await page.getByTestId('schemas-error').waitFor();
      expect(await page.getByTestId('schema-detail').isHidden()).toBe(true);
    });
  });

  it('searches payloads by any id, by field and value, pages the results, and shows refused searches', async () => {
    // Events only the audit log reads (log-only), sharing one marker: more matches than one page.
    const marker = `browser-search-${randomUUID()}`;
    const records = Array.from({ length: PAGE_SIZE + 1 }, () => {
      const data = { notificationId: randomUUID(), channel: 'email' as const, providerMessageId: marker };
      return encodeEnvelope({
        id: uuidv7(),
        type: 'notification.sent',
        specversion: '1.0',
        source: 'notifications',
        time: new Date().toISOString(),
        subject: data.notificationId,
        version: 1,
        tenantid: randomUUID(),
        correlationid: randomUUID(),
        data,
      });
    });
    await h.app
      .get(EventProducer)
      .send(records.map((record) => ({ topic: `${prefix}notification.sent`, ...record })));
    const searchPath = `/v1/admin/audit/search?path=providerMessageId&value=${marker}&limit=100`;
    const found = await waitFor(
      async () => {
        const { status, body } = await adminGet<{ items: AuditEvent[] }>(searchPath);
        return status === 200 && body.items.length === PAGE_SIZE + 1 ? body.items : undefined;
      },
      'every marked record in the audit log',
      45_000,
      250,
    );
    const one = found[7];
    const { body: oneRecords } = await adminGet<{ records: { payload: { notificationId: string } }[] }>(
      `/v1/admin/audit/events/${one.eventId}`,
    );
    const notificationId = oneRecords.records[0]?.payload.notificationId ?? '';
    expect(notificationId).not.toBe('');

    await withViewer('search', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      const status = page.getByTestId('events-status');
      await status.getByText(`${PAGE_SIZE} events shown, newest first.`).waitFor();
      const rows = page.getByTestId('event-row');

      // Field and value: one page, then the rest by cursor, newest first, exactly the API's matches.
      await page.getByTestId('search-path').fill('providerMessageId');
      await page.getByTestId('search-value').fill(marker);
      const searched = page.waitForResponse((r) => r.url().includes('/v1/admin/audit/search?') && r.ok());
      await page.getByTestId('events-apply').click();
      await searched;
      await status.getByText(`${PAGE_SIZE} events found, newest first.`).waitFor();
      await shot(page, '14-search');
      await docShot(page, 'search');
      await page.getByTestId('events-more').click();
      await status.getByText(`${PAGE_SIZE + 1} events found, newest first.`).waitFor();
      expect(await page.getByTestId('events-more').isHidden()).toBe(true);
      const shown = (await attributesOf(rows, ['data-id'])).map((row) => row['data-id']);
      expect(shown).toEqual(found.map((item) => item.id));

      // Any id: the one record whose payload names that notification.
      await page.getByTestId('events-reset').click();
      await status.getByText(`${PAGE_SIZE} events shown, newest first.`).waitFor();
      await page.getByTestId('search-id').fill(notificationId);
      await page.getByTestId('events-apply').click();
      await status.getByText('1 event found, newest first.').waitFor();
      expect(await rows.getAttribute('data-id')).toBe(one.id);

      // What the API refuses is said, not shown as an empty result.
      await page.getByTestId('search-id').fill('not-a-uuid');
      await page.getByTestId('events-apply').click();
      await page.getByTestId('events-error').getByText('id must be a UUID').waitFor();
      await page.getByTestId('search-id').fill('');
      await page.getByTestId('search-path').fill('providerMessageId');
      await page.getByTestId('events-apply').click();
      await page.getByTestId('events-error').getByText('path and value go together').waitFor();
      expect(await rows.count()).toBe(0);
      await shot(page, '15-search-refused');
    });
  }, 90_000);

  it('the Mail tab says plainly when there is no development mail catcher', async () => {
    await withViewer('mail-off', async (page) => {
      await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
      await page.getByTestId('app-view').waitFor();
      await page.getByTestId('tab-mail').click();
      await page.getByTestId('mail-off').getByText('No development mail catcher here').waitFor();
      expect(await page.getByTestId('mail-error').isHidden()).toBe(true);
      expect(await page.getByTestId('mail-row').count()).toBe(0);
    });
  });

  it('the Mail tab shows caught mail newest first, pages it, and renders a mail’s HTML without its scripts', async () => {
    // An app whose mail goes to the development catcher, as under `npm start`.
    const mailPrefix = uniquePrefix('viewermail');
    const dir = mkdtempSync(join(tmpdir(), 'platforma-viewer-mail-'));
    const port = await freePort();
    const catcher = await startDevMailCatcher({ port, dir });
    // Its own database too: the viewer's app would otherwise deliver (or fail) this app's mail.
    const mailApp = await createPlatformApp(MONOLITH, {
      ...process.env,
      DATABASE_URL: cloneTestDatabase(),
      KAFKA_TOPIC_PREFIX: mailPrefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      DEV_MAIL_DIR: dir,
      STOREFRONT_URL: 'https://shop.platforma.test',
    });
    try {
      await mailApp.listen(0, '127.0.0.1');
      const mailUrl = `http://127.0.0.1:${((mailApp.getHttpServer() as Server).address() as AddressInfo).port}`;
      const mailShop = new Storefront(mailApp);
      const mailAdmin = await mailShop.adminToken();

      // Older mail than one page holds, caught yesterday; then a crafted one carrying script, then a real sign-up.
      const raw = (subject: string, html: string, at = new Date()) =>
        [
          'From: "Mallory" <mallory@example.com>',
          'To: operator@example.com',
          `Subject: ${subject}`,
          `Date: ${at.toUTCString()}`,
          `Message-ID: <${randomUUID()}@example.com>`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/alternative; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain; charset=utf-8',
          '',
          `${subject}: the text part`,
          '--b1',
          'Content-Type: text/html; charset=utf-8',
          '',
          html,
          '--b1--',
          '',
        ].join('\r\n');
      const yesterday = Date.now() - 86_400_000;
      for (let n = 1; n <= PAGE_SIZE; n++) {
        const at = new Date(yesterday + n * 1000);
        writeFileSync(
          join(dir, `${caughtMailId(at, n)}.eml`),
          raw(`Older mail ${n}`, `<p>Older mail ${n}</p>`, at),
        );
      }
      const craftedId = caughtMailId(new Date(), 900_000);
      writeFileSync(
        join(dir, `${craftedId}.eml`),
        raw(
          'Crafted mail with a script',
          `<!doctype html><html><body onload="parent.document.title='pwned'">` +
            `<p>Rendered <b data-testid="crafted-bold">markup</b></p>` +
            `<script>document.body.dataset.ran = 'yes'; parent.document.title = 'pwned';</script>` +
            `</body></html>`,
        ),
      );
      const email = `${randomUUID()}@viewer-mail.example.com`;
      await mailShop.http
        .post('/v1/accounts')
        .send({ name: 'Example GmbH', email, country: 'DE', currency: 'EUR' })
        .expect(202);
      const verification = await waitFor(
        async () => {
          const response = await mailShop.http
            .get('/v1/admin/dev-mail?limit=100')
            .auth(mailAdmin, { type: 'bearer' });
          return (response.body as { items: { id: string; to: string }[] }).items.find((m) =>
            m.to.includes(email),
          );
        },
        `the verification mail to ${email}`,
        30_000,
        100,
      );

      await withViewer(
        'mail',
        async (page) => {
          await logIn(page, process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
          await page.getByTestId('app-view').waitFor();
          await page.getByTestId('tab-mail').click();
          const status = page.getByTestId('mail-status');
          await status.getByText(`${PAGE_SIZE} mails shown, newest first.`).waitFor();
          const rows = page.getByTestId('mail-row');
          const first = (await attributesOf(rows, ['data-id'])).map((row) => row['data-id']);
          expect(first.slice(0, 2)).toEqual([verification.id, craftedId]);
          expect(await page.getByTestId('mail-off').isHidden()).toBe(true);

          // The verification mail: its headers, its text part with the link, its HTML part rendered.
          await page.locator(`[data-testid="mail-row"][data-id="${verification.id}"]`).click();
          const details = page.getByTestId('mail-details');
          await details.waitFor();
          await page
            .getByTestId('mail-details-subject')
            .getByText('Confirm your email address for PLATFORMA')
            .waitFor();
          expect(await page.getByTestId('mail-text').textContent()).toMatch(
            /https:\/\/shop\.platforma\.test\/verify-email#token=/,
          );
          const headers = (await page.getByTestId('mail-header').locator('th').allTextContents()).map((h) =>
            h.toLowerCase(),
          );
          expect(headers).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'message-id']));
          const frame = page.frameLocator('[data-testid="mail-html"]');
          expect(await frame.locator('a').first().getAttribute('href')).toMatch(
            /^https:\/\/shop\.platforma\.test\/verify-email#token=/,
          );
          expect(await page.getByTestId('mail-html').getAttribute('sandbox')).toBe('');
          await shot(page, '16-mail');
          await docShot(page, 'mail');

          // A mail's markup renders, its scripts and handlers do not run, and it cannot reach the console.
          await page.locator(`[data-testid="mail-row"][data-id="${craftedId}"]`).click();
          await page.getByTestId('mail-details-subject').getByText('Crafted mail with a script').waitFor();
          await frame.getByTestId('crafted-bold').waitFor();
          expect(await frame.locator('body').getAttribute('data-ran')).toBeNull();
          expect(await page.title()).toBe('PLATFORMA admin');
          await shot(page, '17-mail-script-inert');

          // The older mail by cursor: nothing twice, nothing skipped, newest first.
          await page.getByTestId('mail-more').click();
          await status.getByText(`${PAGE_SIZE + 2} mails shown, newest first.`).waitFor();
          expect(await page.getByTestId('mail-more').isHidden()).toBe(true);
          const all = (await attributesOf(rows, ['data-id'])).map((row) => row['data-id']);
          expect(all.slice(0, PAGE_SIZE)).toEqual(first);
          expect(new Set(all).size).toBe(all.length);
          expect([...all].sort().reverse()).toEqual(all);
        },
        mailUrl,
      );
    } finally {
      await closeIsolatedApp(mailApp, mailPrefix);
      await new Promise<void>((resolve) => catcher.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

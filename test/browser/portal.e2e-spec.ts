import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { assetDirectories, createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { readPortalFiles } from '../../src/portal/portal-assets.service.js';
import { writeStaticPortal } from '../../src/portal/static-build.js';
import { MailCatcher } from '../billing/mail-catcher.js';
import { attributesOf, launchChromium, recordProblems } from '../support/browser.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { mailBodies } from '../support/mail.js';
import { freePort, ROOT, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const ARTEFACTS = join(ROOT, '.run', 'artefacts', 'browser-portal');
/** The views of the portal as the test run saw them, for the docs: same viewport every run. */
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** A region the other suites leave alone, so the plans page shows this suite's plan. */
const REGION = 'eu-west-1';
const VERIFY_SUBJECT = 'Confirm your email address for PLATFORMA';
const BUILD_STEPS = [5, 20, 40, 70, 85];
const MIME: Record<string, string> = {
  'portal.js': 'text/javascript; charset=utf-8',
  'portal.css': 'text/css; charset=utf-8',
  'index.html': 'text/html; charset=utf-8',
};

/**
 * A provider's own web server for the static build (npm run build:portal): the files under `basePath`, every other
 * path under it answered with index.html (mails link to the portal's own pages).
 */
function staticHost(dir: string, basePath: string): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    const name = path.startsWith(`${basePath}/`) ? path.slice(basePath.length + 1) : '';
    const file = name === 'portal.js' || name === 'portal.css' ? name : 'index.html';
    res.writeHead(200, { 'Content-Type': MIME[file] }).end(readFileSync(join(dir, file)));
  });
}

/**
 * Issue #23: the example customer portal the monolith serves at /portal, driven in headless Chromium against the
 * real broker, database and an SMTP server; and its static build on another origin, talking to the API through CORS.
 */
describe('customer portal in headless Chromium (monolith, real Kafka, PostgreSQL and SMTP)', () => {
  const prefix = uniquePrefix('portal');
  const mail = new MailCatcher();
  const tag = randomUUID().slice(0, 6);
  let app: INestApplication | undefined;
  let browser: Browser | undefined;
  let host: Server | undefined;
  let shop: Storefront;
  let admin: string;
  let planId: string;
  let baseUrl: string;
  let hostOrigin: string;
  const staticDir = mkdtempSync(join(tmpdir(), 'portal-static-'));
  const problems: string[] = [];

  beforeAll(async () => {
    rmSync(ARTEFACTS, { recursive: true, force: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    const smtpPort = await mail.start();
    host = staticHost(staticDir, '/shop');
    await new Promise<void>((resolve) => host?.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    // Mails link to the portal: its address is part of the configuration, so the port is chosen first.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      // Small, but not 0: the build's steps reach the page one after another.
      PROVISIONING_SIMULATOR_STEP_MS: '150',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      STOREFRONT_URL: `${baseUrl}/portal`,
      CORS_ORIGINS: hostOrigin,
    });
    await app.listen(port, '127.0.0.1');
    shop = new Storefront(app);
    admin = await shop.adminToken();
    planId = (
      await shop.publishPlan(admin, {
        name: `Portal VPS ${tag}`,
        regions: [REGION],
        prices: [
          { billingCycle: 'monthly', amountMinor: 1299, currency: 'EUR' },
          { billingCycle: 'yearly', amountMinor: 12990, currency: 'EUR' },
        ],
      })
    ).id;
    await shop.planKnown(planId);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (app) {
      // Later runs' plan pages show only their own plan.
      await shop.http
        .post(`/v1/admin/catalog/plans/${planId}/retire`)
        .auth(admin, { type: 'bearer' })
        .send({});
      await closeIsolatedApp(app, prefix);
    }
    await mail.stop();
    await new Promise((resolve) => host?.close(resolve));
    rmSync(staticDir, { recursive: true, force: true });
  });

  afterEach(() => {
    const seen = problems.splice(0);
    expect(seen).toEqual([]);
  });

  /** A fresh browser context (so a fresh sessionStorage); a failing step leaves a screenshot behind. */
  async function inBrowser(name: string, steps: (context: BrowserContext) => Promise<void>): Promise<void> {
    const context = await browser!.newContext({ viewport: VIEWPORT });
    context.setDefaultTimeout(15_000);
    context.on('page', (page) => recordProblems(page, problems, true));
    try {
      await steps(context);
    } catch (error) {
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: join(ARTEFACTS, `${name}-${i}-FAILED.png`) }).catch(() => undefined);
      }
      throw error;
    } finally {
      await context.close();
    }
  }

  async function open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `portal-${name}.png`), fullPage: false });
  }

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim();

  async function logIn(page: Page, apiKey: string): Promise<void> {
    await page.getByTestId('view-welcome').waitFor();
    await page.getByTestId('login-api-key').fill(apiKey);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  }

  /** Chooses the suite's plan in its region, fills the order form and places the order: resolves with its id. */
  async function order(page: Page, hostname: string, screenshot?: string): Promise<string> {
    await page.getByTestId('nav-plans').click();
    await page.getByTestId(`region-${REGION}`).check();
    const plan = page.locator(`[data-testid="plan"][data-plan-id="${planId}"]`);
    expect(await plan.getByTestId('plan-name').textContent()).toBe(`Portal VPS ${tag}`);
    await plan.getByTestId('plan-choose').click();
    await page.getByTestId('order-hostname').fill(hostname);
    await page.getByTestId('order-image').selectOption('debian-13');
    await page.getByTestId('order-price').selectOption('monthly EUR');
    if (screenshot) {
      await shot(page, screenshot);
    }
    await page.getByTestId('order-submit').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page.getByTestId('order-details').waitFor();
    return new URL(page.url()).pathname.split('/').pop() ?? '';
  }

  /** Waits for the order's invoice card (from the stream's `invoice` event or the invoice list). */
  async function invoiceShown(page: Page): Promise<void> {
    await page.locator('[data-testid="invoice-status"][data-status="open"]').waitFor();
    await page.getByTestId('pay-form').waitFor();
  }

  /** Every value the progress bar takes until it reaches 100, read while the order's stream moves it. */
  async function progressUntilDone(page: Page, onMoving: () => Promise<void>): Promise<number[]> {
    const bar = page.getByTestId('order-progress');
    const seen: number[] = [];
    let moving = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const percent = Number(await bar.getAttribute('data-percent'));
      if (seen.at(-1) !== percent) {
        seen.push(percent);
      }
      if (percent === 100) {
        return seen;
      }
      if (percent > 0 && !moving) {
        moving = true;
        await onMoving();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the progress bar stopped at ${seen.join(' → ')}`);
  }

  const mailTo = (email: string, subject: RegExp | string) =>
    waitFor(
      () =>
        Promise.resolve(
          mail.received.find(
            (m) =>
              m.to.includes(email) &&
              (typeof subject === 'string' ? m.subject === subject : subject.test(m.subject)),
          ),
        ),
      `"${String(subject)}" to ${email}`,
      30_000,
      100,
    );

  /** The first link to the portal in a mail's text. */
  const portalLink = async (email: string, subject: RegExp | string): Promise<string> => {
    const { text: body } = mailBodies((await mailTo(email, subject)).raw);
    const link = new RegExp(`${baseUrl}/portal/\\S+`).exec(body)?.[0];
    expect(link).toBeDefined();
    return link ?? '';
  };

  it('signs up through the mailed link, orders, is declined, pays, watches the build live and reveals the password once', async () => {
    const email = `${randomUUID()}@portal.example.com`;
    const hostname = `web-${tag}.example.com`;
    await inBrowser('journey', async (context) => {
      const page = await open(context, `${baseUrl}/portal`);
      await page.getByTestId('view-welcome').waitFor();
      await page.getByTestId('signup-name').fill('Example GmbH');
      await page.getByTestId('signup-email').fill(email);
      await page.getByTestId('signup-country').selectOption('DE');
      await page.getByTestId('signup-submit').click();
      await page.getByTestId('signup-sent').waitFor();
      expect(await text(page, 'signup-sent')).toContain(email);
      await shot(page, 'sign-up');

      // The mail links to the portal's own page; the token rides in the fragment and leaves the address bar.
      const verifyLink = await portalLink(email, VERIFY_SUBJECT);
      expect(verifyLink).toMatch(new RegExp(`^${baseUrl}/portal/verify-email#token=[A-Za-z0-9_-]{43}$`));
      await page.goto(verifyLink);
      await page.getByTestId('verify-result').waitFor();
      const apiKey = await text(page, 'verify-api-key');
      expect(apiKey).toMatch(/^pk_/);
      expect(page.url()).toBe(`${baseUrl}/portal/verify-email`);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
      await page.getByTestId('verify-continue').click();

      const orderId = await order(page, hostname, 'plans');
      expect(await text(page, 'order-title')).toBe(`Order for ${hostname}`);
      await invoiceShown(page);
      await page.locator('[data-testid="order-status"][data-status="awaiting_payment"]').waitFor();
      const total = /€[\d,.]+/.exec(await text(page, 'invoice-facts'))?.[0] ?? 'no total';

      // A declined card: the API's problem is shown, the invoice stays open and can be paid with another card.
      await page.getByTestId('pay-token').selectOption('tok_declined');
      await page.getByTestId('pay-submit').click();
      await page.getByTestId('pay-error').waitFor();
      expect(await text(page, 'pay-error-title')).toBe('The payment was declined');
      expect(await text(page, 'pay-error-detail')).toBe('card_declined');
      expect(await text(page, 'pay-submit')).toBe('Try again');
      await page.getByTestId('activity').getByText('Payment failed: card_declined').waitFor();
      expect(await page.getByTestId('invoice-status').getAttribute('data-status')).toBe('open');
      await shot(page, 'payment-declined');

      await page.getByTestId('pay-token').selectOption('tok_success');
      const [seen] = await Promise.all([
        progressUntilDone(page, () => shot(page, 'order-progress')),
        page.getByTestId('pay-submit').click(),
      ]);
      // The bar moved forward while the build ran, from the stream, and ended full.
      expect(seen[0]).toBe(0);
      expect(seen.at(-1)).toBe(100);
      expect(seen.some((percent) => percent > 0 && percent < 100)).toBe(true);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(await text(page, 'order-progress-label')).toBe('100 % — ready');
      await page.locator('[data-testid="order-status"][data-status="completed"]').waitFor();
      expect(await page.getByTestId('invoice-status').getAttribute('data-status')).toBe('paid');
      const steps = await page
        .locator('[data-testid="activity"][data-kind="progress"] [data-testid="activity-text"]')
        .allTextContents();
      expect(steps.map((step) => Number(/(\d+) %/.exec(step)?.[1]))).toEqual(BUILD_STEPS);
      const activity = (await page.getByTestId('activity-text').allTextContents()).join('\n');
      expect(activity).toContain(`Payment of ${total} received`);
      expect(activity).toMatch(/Order completed/);
      expect(await page.getByTestId('pay-form').isHidden()).toBe(true);
      expect(await page.getByTestId('order-cancel').isHidden()).toBe(true);
      await page.getByTestId('order-ready').waitFor();
      await shot(page, 'order-completed');

      // The "server ready" mail links to the credentials page: opened in a tab of its own, not logged in yet.
      const credentialsLink = await portalLink(email, `Your server ${hostname} is ready`);
      expect(credentialsLink).toMatch(new RegExp(`^${baseUrl}/portal/services/[0-9a-f-]{36}/credentials$`));
      const other = await open(context, credentialsLink);
      await logIn(other, apiKey);
      expect(other.url()).toBe(credentialsLink);
      await other.getByTestId('credentials-reveal').waitFor();

      await page.getByTestId('order-credentials-link').click();
      expect(page.url()).toBe(credentialsLink);
      await page.getByTestId('credentials-reveal').click();
      await page.getByTestId('credentials-result').waitFor();
      expect(await text(page, 'credentials-username')).toBe('root');
      expect((await text(page, 'credentials-password')).length).toBeGreaterThanOrEqual(16);
      expect(await page.getByTestId('credentials-reveal').isHidden()).toBe(true);
      await shot(page, 'credentials');

      // The second reveal, from the other tab: the API refuses (410) and the page says why.
      await other.getByTestId('credentials-reveal').click();
      await other.getByTestId('credentials-error').waitFor();
      expect(await text(other, 'credentials-error-title')).toBe(
        'The initial credentials were already retrieved and are gone',
      );
      expect(await other.getByTestId('credentials-result').isHidden()).toBe(true);
      expect(await text(other, 'credentials-password')).toBe('');
      await shot(other, 'credentials-refused');
      await other.reload();
      await other.getByTestId('credentials-status').getByText('already revealed').waitFor();
      expect(await other.getByTestId('credentials-reveal').isHidden()).toBe(true);

      await page.getByTestId('nav-services').click();
      const service = page.getByTestId('service-row');
      await service.first().waitFor();
      expect(await attributesOf(service, ['data-state'])).toEqual([{ 'data-state': 'active' }]);
      expect(await service.textContent()).toContain(hostname);
      expect(await service.textContent()).toContain('already revealed');
      await shot(page, 'services');

      // A power action from the services page, followed until provisioning answered it; a reinstall is
      // confirmed first, and offers the new root password to reveal once.
      const actions = service.getByTestId('service-actions');
      const status = actions.getByTestId('service-action-status');
      await actions.getByTestId('service-action-reboot').click();
      await actions
        .locator('[data-testid="service-action-status"][data-action="reboot"][data-status="completed"]')
        .waitFor();
      expect(await status.textContent()).toContain('Reboot: done');
      await actions.getByTestId('service-action-reinstall').click();
      await page.getByTestId('reinstall-cancel').click();
      expect(await page.getByTestId('reinstall-dialog').isHidden()).toBe(true);
      expect(await status.getAttribute('data-action')).toBe('reboot');
      await actions.getByTestId('service-action-reinstall').click();
      expect(await text(page, 'reinstall-hostname')).toBe(hostname);
      await page.getByTestId('reinstall-confirm').click();
      await actions.getByTestId('service-action-reveal').waitFor();
      expect(await status.getAttribute('data-status')).toBe('completed');
      expect(await service.getByTestId('service-credentials-link').isVisible()).toBe(true);
      await actions.getByTestId('service-action-reveal').click();
      await page.getByTestId('credentials-reveal').click();
      await page.getByTestId('credentials-result').waitFor();
      expect((await text(page, 'credentials-password')).length).toBeGreaterThanOrEqual(16);

      await page.getByTestId('nav-invoices').click();
      const invoice = page.getByTestId('invoice-row');
      await invoice.first().waitFor();
      expect(await attributesOf(invoice, ['data-status'])).toEqual([{ 'data-status': 'paid' }]);
      expect(await invoice.textContent()).toContain(total);
      await shot(page, 'invoices');

      await page.getByTestId('nav-orders').click();
      const row = page.getByTestId('order-row');
      await row.first().waitFor();
      expect(await attributesOf(row, ['data-order-id', 'data-status'])).toEqual([
        { 'data-order-id': orderId, 'data-status': 'completed' },
      ]);

      await page.getByTestId('logout').click();
      await page.getByTestId('view-welcome').waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      expect(await page.getByTestId('nav').isHidden()).toBe(true);
    });
  }, 120_000);

  /**
   * Ends the page's first connection to an order's event stream after `body`, as a dropped connection would; the
   * reconnections reach the API. Resolves with the Last-Event-ID and status of each connection.
   */
  async function cutFirstStream(
    page: Page,
    body: string,
  ): Promise<{ lastEventId?: string; status?: number }[]> {
    const connections: { lastEventId?: string; status?: number }[] = [];
    const requests = new Map<Request, { lastEventId?: string; status?: number }>();
    await page.unrouteAll();
    page.on('response', (response) => {
      const connection = requests.get(response.request());
      if (connection) {
        connection.status = response.status();
      }
    });
    await page.route('**/v1/orders/*/events', async (route) => {
      const connection = { lastEventId: route.request().headers()['last-event-id'] };
      connections.push(connection);
      if (connections.length === 1) {
        return route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body });
      }
      // Not fetched here: the API's answer streams to the page as it comes.
      requests.set(route.request(), connection);
      return route.continue();
    });
    return connections;
  }

  it('cancels an order while it awaits payment; follows its stream across a dropped connection', async () => {
    const { apiKey } = await shop.signUp();
    await inBrowser('cancel', async (context) => {
      const page = await open(context, `${baseUrl}/portal/`);
      await logIn(page, apiKey);
      // CRLF line ends, a comment and the server's retry: the page reconnects after 100 ms, resuming after id 1.
      const at = new Date().toISOString();
      const first = await cutFirstStream(
        page,
        `: heartbeat\r\nretry: 100\r\n\r\nid: 1\r\nevent: status\r\ndata: {"status":"pending","cause":null,` +
          `"note":"before the cut","at":"${at}"}\r\n\r\n`,
      );
      const orderId = await order(page, `cancel-${tag}.example.com`);
      await page.getByTestId('activity-text').getByText('Order pending (before the cut)').waitFor();
      await waitFor(async () => Promise.resolve(first[1]?.status), 'the reconnection');
      expect(first.slice(0, 2)).toEqual([{}, { lastEventId: '1', status: 200 }]);
      await invoiceShown(page);
      await page.getByTestId('order-cancel').click();
      await page.locator('[data-testid="order-status"][data-status="cancelled"]').waitFor();
      await page.getByTestId('activity-text').getByText('Order cancelled').waitFor();
      expect(await page.getByTestId('order-cancel').isHidden()).toBe(true);
      expect(await page.getByTestId('pay-form').isHidden()).toBe(true);
      expect(await page.getByTestId('order-ready').isHidden()).toBe(true);
      await shot(page, 'order-cancelled');

      // A reconnection after the end finds nothing more to come (204): the page stops there.
      const again = await cutFirstStream(page, 'retry: 100\n\nid: 999999999999999999\n\n');
      await page.reload();
      await page.locator('[data-testid="order-status"][data-status="cancelled"]').waitFor();
      await waitFor(async () => Promise.resolve(again[1]?.status), 'the reconnection');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(again).toEqual([{}, { lastEventId: '999999999999999999', status: 204 }]);
      expect(await text(page, 'order-stream-state')).toBe('');

      await page.getByTestId('nav-orders').click();
      await page
        .locator(`[data-testid="order-row"][data-order-id="${orderId}"][data-status="cancelled"]`)
        .waitFor();
    });
  }, 60_000);

  it('shows two customers in two browsers only their own orders, invoices and services', async () => {
    const customers = await Promise.all([shop.signUp(), shop.signUp()]);
    const owned = await Promise.all(
      customers.map(async ({ apiKey }) => {
        const token = await shop.token(apiKey);
        const orderId = await shop.paidOrder(token, planId, { region: REGION });
        const invoice = await shop.invoiceOf(token, orderId);
        const service = await waitFor(async () => {
          const r = await shop.http.get('/v1/services').auth(token, { type: 'bearer' });
          return (r.body as { items: { id: string }[] }).items[0];
        }, `the service of ${orderId}`);
        return { apiKey, token, orderId, invoiceId: invoice.id, serviceId: service.id };
      }),
    );
    const [first, second] = owned;
    await inBrowser('tenants', async (firstContext) => {
      await inBrowser('tenants-other', async (secondContext) => {
        const pages = await Promise.all(
          [firstContext, secondContext].map((context) => open(context, `${baseUrl}/portal/`)),
        );
        for (const [i, page] of pages.entries()) {
          const mine = owned[i];
          await logIn(page, mine.apiKey);
          await page.getByTestId('nav-orders').click();
          await page.getByTestId('order-row').first().waitFor();
          expect(await attributesOf(page.getByTestId('order-row'), ['data-order-id'])).toEqual([
            { 'data-order-id': mine.orderId },
          ]);
          await page.getByTestId('nav-invoices').click();
          await page.getByTestId('invoice-row').first().waitFor();
          expect(await attributesOf(page.getByTestId('invoice-row'), ['data-invoice-id'])).toEqual([
            { 'data-invoice-id': mine.invoiceId },
          ]);
          await page.getByTestId('nav-services').click();
          await page.getByTestId('service-row').first().waitFor();
          expect(await attributesOf(page.getByTestId('service-row'), ['data-service-id'])).toEqual([
            { 'data-service-id': mine.serviceId },
          ]);
        }

        // The other customer's order by its address: the API's 404, nothing of the order.
        const [page] = pages;
        await page.goto(`${baseUrl}/portal/orders/${second.orderId}`);
        await page.getByTestId('order-view-error').waitFor();
        expect(await text(page, 'order-view-error-title')).toBe('No such order');
        expect(await page.getByTestId('order-details').isHidden()).toBe(true);
        await page.goto(`${baseUrl}/portal/services/${second.serviceId}/credentials`);
        await page.getByTestId('credentials-error').waitFor();
        expect(await text(page, 'credentials-error-title')).toBe('No such service');
      });
    });
    // Nor its event stream.
    const stream = await shop.http
      .get(`/v1/orders/${second.orderId}/events`)
      .auth(first.token, { type: 'bearer' })
      .expect(404);
    expect(stream.headers['content-type']).toMatch(/^application\/problem\+json/);
  }, 120_000);

  it('works as static files on the provider’s own origin, calling the API through CORS', async () => {
    const files = await readPortalFiles(assetDirectories(new URL('../../src/portal/', import.meta.url).href));
    writeStaticPortal(staticDir, files!, { apiUrl: baseUrl, basePath: '/shop' });
    const { apiKey } = await shop.signUp();
    await inBrowser('static', async (context) => {
      const page = await open(context, `${hostOrigin}/shop/orders`);
      // A deep link while logged out: the login comes first, then the page it pointed to.
      await logIn(page, apiKey);
      expect(page.url()).toBe(`${hostOrigin}/shop/orders`);
      await page.getByTestId('view-orders').waitFor();
      const orderId = await order(page, `static-${tag}.example.com`);
      expect(page.url()).toBe(`${hostOrigin}/shop/orders/${orderId}`);
      await invoiceShown(page);
      await page
        .getByTestId('activity')
        .getByText(/Invoice .* issued/)
        .waitFor();
      await page.getByTestId('order-cancel').click();
      await page.locator('[data-testid="order-status"][data-status="cancelled"]').waitFor();
    });

    // Only the listed origin is granted: another one's preflight gets no Access-Control-Allow-Origin.
    const preflight = (origin: string) =>
      shop.http
        .options('/v1/orders')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    const allowed = await preflight(hostOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(hostOrigin);
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    const foreign = await preflight('http://evil.example');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  }, 60_000);
});

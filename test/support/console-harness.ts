import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { launchChromium, recordProblems } from './browser.js';
import { closeIsolatedApp } from './isolation.js';
import { ROOT } from './processes.js';
import { Storefront } from './storefront.js';

/** The console's main views as the run saw them, for the docs (beside the portal's): same viewport every run. */
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1440, height: 900 };

export interface ConsoleHarnessOptions {
  /** The directory under .run/artefacts the suite's screenshots go to. */
  artefacts: string;
  /** Empty that directory before the run (else earlier runs' screenshots stay beside this run's). */
  cleanArtefacts?: boolean;
  /** Env of the monolith, over process.env and the suite's KAFKA_TOPIC_PREFIX. */
  env?: Record<string, string>;
}

export interface WithPageOptions {
  /** The app to open /admin on (another app's base URL); the harness's own by default. */
  url?: string;
  /** Log in with the bootstrap admin key and wait for the console before the steps. */
  logIn?: boolean;
}

export interface ConsoleHarness {
  readonly app: INestApplication;
  readonly shop: Storefront;
  /** The bootstrap admin's bearer token. */
  readonly admin: string;
  /** A published plan the catalogue knows. */
  readonly planId: string;
  readonly baseUrl: string;
  /** A fresh browser context (so a fresh sessionStorage) on /admin; a failing step leaves a screenshot behind. */
  withPage(name: string, steps: (page: Page) => Promise<void>, options?: WithPageOptions): Promise<void>;
  shot(page: Page, name: string): Promise<Buffer>;
  docShot(page: Page, name: string): Promise<Buffer>;
  adminGet<T>(path: string): Promise<{ status: number; body: T }>;
}

/**
 * The operator console suites' set-up: headless Chromium and one monolith listening on a free port with its own
 * topic prefix, a published plan, and a check after each test that no page broke (script errors, CSP refusals).
 * Registers its beforeAll/afterAll/afterEach hooks; call it inside the suite's describe.
 */
export function useConsoleHarness(prefix: string, options: ConsoleHarnessOptions): ConsoleHarness {
  const artefacts = join(ROOT, '.run', 'artefacts', options.artefacts);
  let app: INestApplication | undefined;
  let browser: Browser | undefined;
  let shop: Storefront | undefined;
  let admin = '';
  let planId = '';
  let baseUrl = '';
  const problems: string[] = [];

  beforeAll(async () => {
    if (options.cleanArtefacts) {
      rmSync(artefacts, { recursive: true, force: true });
    }
    mkdirSync(artefacts, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      ...options.env,
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

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
  const docShot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `admin-${name}.png`), fullPage: false });

  return {
    get app() {
      return app!;
    },
    get shop() {
      return shop!;
    },
    get admin() {
      return admin;
    },
    get planId() {
      return planId;
    },
    get baseUrl() {
      return baseUrl;
    },
    shot,
    docShot,
    async adminGet<T>(path: string): Promise<{ status: number; body: T }> {
      const response = await shop!.http.get(path).auth(admin, { type: 'bearer' });
      return { status: response.status, body: response.body as T };
    },
    async withPage(name, steps, { url = baseUrl, logIn = false } = {}) {
      const context = await browser!.newContext({ viewport: VIEWPORT });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      recordProblems(page, problems);
      try {
        const response = await page.goto(`${url}/admin`);
        expect(response?.status()).toBe(200);
        await page.getByTestId('login-view').waitFor();
        if (logIn) {
          await page.getByTestId('login-api-key').fill(process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
          await page.getByTestId('login-submit').click();
          await page.getByTestId('app-view').waitFor();
        }
        await steps(page);
      } catch (error) {
        await shot(page, `${name}-FAILED`).catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    },
  };
}

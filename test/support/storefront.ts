import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/platform';
import { waitFor } from './processes.js';
import { signUpToken } from './sign-up.js';

/** The body of a one-region, 1 vCPU plan billed monthly, as the suites that need just some plan publish it. */
export function smallPlan(name: string, amountMinor: number, codePrefix = 'vps'): Record<string, unknown> {
  return {
    code: `${codePrefix}-${randomUUID().slice(0, 8)}`,
    name,
    vcpus: 1,
    memoryMb: 1024,
    diskGb: 20,
    regions: ['eu-central-1'],
    prices: [{ billingCycle: 'monthly', amountMinor, currency: 'EUR' }],
  };
}

/** Resolves once orders' and the saga's read models learnt a plan from its event: it can be ordered then. */
export async function planKnown(db: DataSource, planId: string, timeoutMs?: number): Promise<void> {
  await waitFor(
    async () => {
      const known: unknown[] = await db.query(
        'SELECT 1 FROM orders.plan_view WHERE plan_id = $1 UNION ALL SELECT 1 FROM saga.plan_view WHERE plan_id = $1',
        [planId],
      );
      return known.length === 2 ? true : undefined;
    },
    'the plan in the orders and saga read models',
    timeoutMs,
  );
}

/** The subject (user id) of a bearer token: its payload decoded, the signature not checked. */
export function tokenSubject(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub;
}

/** What a storefront does over HTTP, for the e2e suites. */
export class Storefront {
  constructor(private readonly app: INestApplication) {}

  get http(): ReturnType<typeof request> {
    return request(this.app.getHttpServer() as Server);
  }

  /** Signs up and follows the verification link, as a customer does: resolves with the new account and its key. */
  async signUp(overrides: Record<string, unknown> = {}): Promise<{ accountId: string; apiKey: string }> {
    const body = {
      name: 'Example GmbH',
      email: `${randomUUID()}@example.com`,
      country: 'DE',
      currency: 'EUR',
      ...overrides,
    };
    await this.http.post('/v1/accounts').send(body).expect(202);
    const token = await signUpToken(
      (sql, params) => this.app.get(DataSource).query(sql, params),
      body.email,
      this.app.get(AppConfig).SECRETS_KEY,
    );
    const response = await this.http.post('/v1/accounts/verify').send({ token }).expect(201);
    return response.body as { accountId: string; apiKey: string };
  }

  async token(apiKey: string): Promise<string> {
    const response = await this.http.post('/v1/auth/token').send({ apiKey }).expect(200);
    return (response.body as { accessToken: string }).accessToken;
  }

  async customer(): Promise<{ accountId: string; token: string }> {
    const { accountId, apiKey } = await this.signUp();
    return { accountId, token: await this.token(apiKey) };
  }

  adminToken(): Promise<string> {
    return this.token(process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
  }

  async publishPlan(adminToken: string, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
    const response = await this.http
      .post('/v1/admin/catalog/plans')
      .auth(adminToken, { type: 'bearer' })
      .send({
        code: `vps-${randomUUID().slice(0, 8)}`,
        name: 'VPS 2 vCPU / 4 GB',
        vcpus: 2,
        memoryMb: 4096,
        diskGb: 80,
        regions: ['eu-central-1', 'us-east-1'],
        prices: [
          { billingCycle: 'monthly', amountMinor: 1299, currency: 'EUR' },
          { billingCycle: 'yearly', amountMinor: 12990, currency: 'EUR' },
        ],
        ...overrides,
      })
      .expect(201);
    return response.body as { id: string };
  }

  /** Resolves once orders' and the saga's read models learnt the plan from its event: it can be ordered then. */
  planKnown(planId: string): Promise<void> {
    return planKnown(this.app.get(DataSource), planId);
  }

  orderBody(planId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      planId,
      region: 'eu-central-1',
      image: 'ubuntu-24.04',
      hostname: `web-${randomUUID().slice(0, 8)}.example.com`,
      billingCycle: 'monthly',
      ...overrides,
    };
  }

  /** The first invoice billing issued for the order, once it exists. */
  invoiceOf(token: string, orderId: string): Promise<{ id: string }> {
    return waitFor(async () => {
      const r = await this.http.get(`/v1/invoices?orderId=${orderId}`).auth(token, { type: 'bearer' });
      return (r.body as { items?: { id: string }[] }).items?.[0];
    }, `the invoice of ${orderId}`);
  }

  /** Places an order and pays its invoice with tok_success; resolves with the order's id. */
  async paidOrder(token: string, planId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const placed = await this.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(this.orderBody(planId, overrides))
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    const invoice = await this.invoiceOf(token, orderId);
    await this.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(token, { type: 'bearer' })
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    return orderId;
  }
}

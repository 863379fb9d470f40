import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

/** What a storefront does over HTTP, for the e2e suites. */
export class Storefront {
  constructor(private readonly app: INestApplication) {}

  get http(): ReturnType<typeof request> {
    return request(this.app.getHttpServer() as Server);
  }

  async signUp(overrides: Record<string, unknown> = {}): Promise<{ accountId: string; apiKey: string }> {
    const response = await this.http
      .post('/v1/accounts')
      .send({
        name: 'Example GmbH',
        email: `${randomUUID()}@example.com`,
        country: 'DE',
        currency: 'EUR',
        ...overrides,
      })
      .expect(201);
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
}

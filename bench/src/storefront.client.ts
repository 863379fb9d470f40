import { randomUUID } from 'node:crypto';

/** Where each REST path lives: one base URL for the monolith, a prefix → base URL map for the split apps. */
export type Router = (path: string) => string;

export const monolithRouter =
  (base: string): Router =>
  (path) =>
    `${base}${path}`;

/** The split apps' routes the benchmark calls, by path prefix, as deploy/gateway/nginx.conf routes them. */
const SPLIT_ROUTES: [prefix: string, app: string][] = [
  ['/v1/accounts', 'accounts'],
  ['/v1/auth', 'accounts'],
  ['/v1/admin/catalog', 'catalog'],
  ['/v1/catalog', 'catalog'],
  ['/v1/orders', 'orders'],
  ['/v1/invoices', 'billing'],
];

export const splitRouter =
  (baseOf: (app: string) => string): Router =>
  (path) => {
    const route = SPLIT_ROUTES.find(([prefix]) => path.startsWith(prefix));
    if (!route) {
      throw new Error(`the benchmark does not route ${path}`);
    }
    return `${baseOf(route[1])}${path}`;
  };

export interface HttpResult {
  status: number;
  body: Record<string, unknown>;
}

/** The storefront calls the benchmark makes, and nothing else. */
export class StorefrontClient {
  /** signUpToken: the one-time token of an address's verification mail (the benchmark reads it from the database). */
  constructor(
    private readonly route: Router,
    private readonly signUpToken: (email: string) => Promise<string>,
  ) {}

  async call(method: string, path: string, token?: string, body?: unknown): Promise<HttpResult> {
    const response = await fetch(this.route(path), {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /**
   * Follows an order as a storefront's page does: its Server-Sent Events stream, calling `onInvoice` with the
   * invoice's id when it is issued; resolves with performance.now() when the order's `end` event arrives (and its
   * final status), rejects when the stream fails or `signal` aborts it.
   */
  async follow(
    token: string,
    orderId: string,
    onInvoice: (invoiceId: string) => void,
    signal: AbortSignal,
  ): Promise<{ at: number; status: string }> {
    const response = await fetch(this.route(`/v1/orders/${orderId}/events`), {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal,
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`order stream answered ${response.status}`);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'invoice' && data) {
          onInvoice(String((JSON.parse(data) as { invoiceId: string }).invoiceId));
        } else if (event === 'end' && data) {
          // Leaving the loop cancels the response body.
          return { at: performance.now(), status: String((JSON.parse(data) as { status: string }).status) };
        }
      }
    }
    throw new Error('the order stream ended before the order did');
  }

  async token(apiKey: string): Promise<string> {
    const r = await this.expect(200, 'POST', '/v1/auth/token', undefined, { apiKey });
    return String(r.body.accessToken);
  }

  async publishPlan(adminToken: string): Promise<string> {
    const r = await this.expect(201, 'POST', '/v1/admin/catalog/plans', adminToken, {
      code: `bench-${randomUUID().slice(0, 8)}`,
      name: 'Bench VPS',
      vcpus: 1,
      memoryMb: 1024,
      diskGb: 20,
      regions: ['eu-central-1'],
      prices: [{ billingCycle: 'monthly', amountMinor: 500, currency: 'EUR' }],
    });
    return String(r.body.id);
  }

  async signUp(n: number): Promise<{ accountId: string; token: string }> {
    const email = `bench-${n}-${randomUUID().slice(0, 8)}@example.com`;
    await this.expect(202, 'POST', '/v1/accounts', undefined, {
      name: `Bench tenant ${n}`,
      email,
      country: 'DE',
      currency: 'EUR',
    });
    const r = await this.expect(201, 'POST', '/v1/accounts/verify', undefined, {
      token: await this.signUpToken(email),
    });
    return { accountId: String(r.body.accountId), token: await this.token(String(r.body.apiKey)) };
  }

  placeOrder(token: string, planId: string, n: number): Promise<HttpResult> {
    return this.call('POST', '/v1/orders', token, {
      planId,
      region: 'eu-central-1',
      image: 'ubuntu-24.04',
      hostname: `bench-${n}.example.com`,
      billingCycle: 'monthly',
    });
  }

  pay(token: string, invoiceId: string): Promise<HttpResult> {
    return this.call('POST', `/v1/invoices/${invoiceId}/pay`, token, { paymentToken: 'tok_success' });
  }

  private async expect(
    status: number,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const r = await this.call(method, path, token, body);
    if (r.status !== status) {
      throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
    return r;
  }
}

import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SOURCE_MODULES, type SourceModule } from '@app/contracts';
import { spawnNode, waitFor, type Spawned } from '../support/processes.js';
import { environmentSecretsKey, signUpToken } from '../support/sign-up.js';
import { planKnown, smallPlan } from '../support/storefront.js';

export interface Instance {
  name: string;
  app: SourceModule;
  port: number;
  proc: Spawned;
}

export interface Customer {
  accountId: string;
  token: string;
}

/** The happy path's events in causal order, each with the app that publishes it. */
export const HAPPY_PATH_SOURCES = {
  'order.created': 'orders',
  'invoice.generated': 'billing',
  'payment.received': 'billing',
  'provisioning.requested': 'saga',
  'provisioning.started': 'provisioning',
  'provisioning.completed': 'provisioning',
  'saga.completed': 'saga',
};

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The eight apps as separate processes from dist/, as `npm run start:split` runs them: app n of SOURCE_MODULES on
 * basePort + n, all sharing one topic prefix. Further instances of an app join its consumer group under a name of
 * their own. Requests go straight to the app that owns the route (no gateway in between).
 */
export class SplitCluster {
  readonly instances = new Map<string, Instance>();

  constructor(
    private readonly basePort: number,
    private readonly env: Record<string, string>,
  ) {}

  portOf(app: SourceModule): number {
    return this.basePort + SOURCE_MODULES.indexOf(app) + 1;
  }

  start(app: SourceModule, name: string = app, port = this.portOf(app), env: Record<string, string> = {}) {
    const proc = spawnNode(`dist/apps/${app}/src/main.js`, {
      ...this.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const instance = { name, app, port, proc };
    this.instances.set(name, instance);
    return instance;
  }

  async ready(name: string, timeoutMs = 60_000): Promise<void> {
    const instance = this.instance(name);
    let booting = true;
    const died = instance.proc.exited.then(({ code, signal }) => {
      if (booting) {
        throw new Error(`${name} exited during start-up (${signal ?? code})`);
      }
    });
    try {
      await Promise.race([
        died,
        waitFor(
          async () => ((await fetch(`http://127.0.0.1:${instance.port}/health/ready`)).ok ? true : undefined),
          `${name} to be ready`,
          timeoutMs,
          250,
        ),
      ]);
    } finally {
      booting = false;
    }
  }

  instance(name: string): Instance {
    const instance = this.instances.get(name);
    if (!instance) {
      throw new Error(`no instance ${name}`);
    }
    return instance;
  }

  async call(
    app: SourceModule,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply> {
    const response = await fetch(`http://127.0.0.1:${this.portOf(app)}${path}`, {
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
   * The operator publishes a plan (catalog) and waits until orders' and the saga's read models learnt it from its
   * event; resolves with the plan's id.
   */
  async publishPlan(db: DataSource, name: string): Promise<string> {
    const admin = await this.call('accounts', 'POST', '/v1/auth/token', undefined, {
      apiKey: process.env.BOOTSTRAP_ADMIN_API_KEY,
    });
    expect(admin.status).toBe(200);
    const plan = await this.call(
      'catalog',
      'POST',
      '/v1/admin/catalog/plans',
      String(admin.body.accessToken),
      smallPlan(name, 700),
    );
    expect(plan.status).toBe(201);
    const planId = String(plan.body.id);
    await planKnown(db, planId, 30_000);
    return planId;
  }

  /** A new, verified customer account (accounts) and its access token. */
  async customer(name: string, db: DataSource): Promise<Customer> {
    const email = `${randomUUID()}@example.com`;
    const requested = await this.call('accounts', 'POST', '/v1/accounts', undefined, {
      name,
      email,
      country: 'DE',
      currency: 'EUR',
    });
    expect(requested.status).toBe(202);
    const secretsKey = this.env.SECRETS_KEY || environmentSecretsKey();
    const signUp = await this.call('accounts', 'POST', '/v1/accounts/verify', undefined, {
      token: await signUpToken((sql, params) => db.query(sql, params), email, secretsKey),
    });
    expect(signUp.status).toBe(201);
    const token = await this.call('accounts', 'POST', '/v1/auth/token', undefined, {
      apiKey: signUp.body.apiKey,
    });
    expect(token.status).toBe(200);
    return { accountId: String(signUp.body.accountId), token: String(token.body.accessToken) };
  }

  /** Order, invoice, payment with tok_success: what a storefront does, each call to the app that owns the route. */
  /** invoiceWithinMs: how long billing may take to invoice (longer where its consumer is just back in its group). */
  async buy(
    buyer: Customer,
    planId: string,
    hostname = `web-${randomUUID().slice(0, 8)}.example.com`,
    invoiceWithinMs = 30_000,
  ) {
    const order = await this.call('orders', 'POST', '/v1/orders', buyer.token, {
      planId,
      region: 'eu-central-1',
      image: 'ubuntu-24.04',
      hostname,
      billingCycle: 'monthly',
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.id);
    const invoice = await waitFor(
      async () => {
        const r = await this.call('billing', 'GET', `/v1/invoices?orderId=${orderId}`, buyer.token);
        return (r.body.items as { id: string; totalMinor: number }[] | undefined)?.[0];
      },
      `the invoice of ${orderId}`,
      invoiceWithinMs,
    );
    const paid = await this.call('billing', 'POST', `/v1/invoices/${invoice.id}/pay`, buyer.token, {
      paymentToken: 'tok_success',
    });
    expect(paid.status).toBe(200);
    return { orderId, invoice, buyer };
  }

  /** The order as GET /v1/orders/:id shows it once it has the status. */
  orderReaches<T>(buyer: Customer, orderId: string, status: string, timeoutMs = 45_000): Promise<T> {
    return waitFor(
      async () => {
        const r = await this.call('orders', 'GET', `/v1/orders/${orderId}`, buyer.token);
        return r.body.status === status ? (r.body as T) : undefined;
      },
      `order ${orderId} ${status}`,
      timeoutMs,
      250,
    );
  }

  /** The end of every process's output, for a failure report. */
  /** The last `chars` of each app's output, without the lines `drop` matches (e.g. request logs). */
  logs(chars = 4_000, drop?: RegExp): string {
    const kept = (output: string) =>
      drop
        ? output
            .split('\n')
            .filter((l) => !drop.test(l))
            .join('\n')
        : output;
    return [...this.instances.values()]
      .map(
        (i) => `--- ${i.name} (pid ${i.proc.child.pid ?? '?'}) ---\n${kept(i.proc.output()).slice(-chars)}`,
      )
      .join('\n');
  }

  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = [...this.instances.values()].filter(
      (i) => i.proc.child.exitCode === null && i.proc.child.signalCode === null,
    );
    for (const instance of running) {
      instance.proc.child.kill(signal);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 15_000)));
    await Promise.race([Promise.all(running.map((i) => i.proc.exited)), timeout]);
    clearTimeout(timer);
    for (const instance of running) {
      instance.proc.child.kill('SIGKILL');
    }
  }
}

/**
 * The partitions of `topic` a consumer of `group` was given at each of its joins, oldest first, as kafkajs reports them
 * (KAFKAJS_LOG_LEVEL=info) through the app's log. The log line is Nest's text format or a JSON object whose message
 * holds the same text.
 */
export function joinedAssignments(output: string, group: string, topic: string): number[][] {
  const joins: number[][] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('Consumer has joined the group')) {
      continue;
    }
    let text = line;
    if (line.trimStart().startsWith('{')) {
      const record = JSON.parse(line) as { msg?: string; message?: string };
      text = record.msg ?? record.message ?? '';
    }
    const payload = /Consumer has joined the group (\{.*\})/.exec(text)?.[1];
    if (payload) {
      const { groupId, memberAssignment } = JSON.parse(payload) as {
        groupId: string;
        memberAssignment: Record<string, number[]>;
      };
      // Only the joins of the given group: a process also runs followers, each in a group of its own.
      if (groupId === group) {
        joins.push([...(memberAssignment[topic] ?? [])].sort((a, b) => a - b));
      }
    }
  }
  return joins;
}

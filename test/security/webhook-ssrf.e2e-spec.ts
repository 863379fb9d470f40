import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { DataSource } from 'typeorm';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix, useOwnDatabase } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { planKnown, Storefront } from '../support/storefront.js';
import { DnsServer } from './dns-server.js';

const TIMEOUT_MS = 1_000;
const BACKOFF_MS = 300;
const ATTEMPTS = 2;

interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
}

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  failedAt: string | null;
  attemptLog: Attempt[];
}

/** Everything the deliveries API may say about an attempt that did not succeed. */
const TENANT_VISIBLE_ERROR = /^(unreachable|refused by policy|HTTP \d{3})$/;
/** What the old sender leaked: socket error codes, resolver errors, TLS and parser errors, timeouts. */
const SOCKET_DETAIL = /E[A-Z]{3,}|EAI_|HPE_|ERR_|timed out|connection failed|certificate|\d+ ms/;

/** A TCP listener that counts who connects and does with each socket as told. */
async function tcpListener(host: string, onSocket: (socket: Socket) => void = () => undefined) {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    stop: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An HTTP(S) receiver that keeps each request's path and Host header, and answers 200. */
function receiving(server: HttpServer): {
  requests: { path: string; host: string }[];
  connections: () => number;
} {
  const requests: { path: string; host: string }[] = [];
  let connections = 0;
  server.on('connection', () => connections++);
  server.on('request', (request: IncomingMessage, response) => {
    request.resume();
    request.on('end', () => {
      requests.push({ path: request.url ?? '', host: request.headers.host ?? '' });
      response.writeHead(200).end('ok');
    });
  });
  return { requests, connections: () => connections };
}

async function listen(server: HttpServer, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A throwaway CA and a certificate it signed for `names`, made with the openssl CLI. */
function certificates(names: string[]): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=webhook test CA',
    );
    openssl('req', ...ec, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=webhook receiver');
    writeFileSync(at('leaf.ext'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      at('leaf.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      at('leaf.ext'),
      '-out',
      at('leaf.crt'),
    );
    return {
      ca: readFileSync(at('ca.crt'), 'utf8'),
      key: readFileSync(at('leaf.key'), 'utf8'),
      cert: readFileSync(at('leaf.crt'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The monolith with its webhook hosts resolved by the suite's DNS server. */
async function bootApp(prefix: string, dns: DnsServer, allowInsecure: boolean) {
  const app = await createPlatformApp(MONOLITH, {
    ...process.env,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '1',
    PROVISIONING_SIMULATOR_STEP_MS: '0',
    WEBHOOK_ALLOW_INSECURE_URLS: String(allowInsecure),
    WEBHOOK_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    WEBHOOK_MAX_ATTEMPTS: String(ATTEMPTS),
    WEBHOOK_INITIAL_BACKOFF_MS: String(BACKOFF_MS),
    WEBHOOK_MAX_BACKOFF_MS: String(BACKOFF_MS),
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_MAX_ENDPOINTS_PER_TENANT: '20',
  });
  await app.init();
  const shop = new Storefront(app);
  const planId = (await shop.publishPlan(await shop.adminToken())).id;
  await planKnown(app.get(DataSource), planId);
  return { app, shop, planId };
}

/** What one tenant does with the webhooks API in these suites. */
class Tenant {
  private constructor(
    private readonly shop: Storefront,
    private readonly token: string,
  ) {}

  static async signUp(shop: Storefront): Promise<Tenant> {
    return new Tenant(shop, (await shop.customer()).token);
  }

  async register(url: string): Promise<string> {
    const response = await this.shop.http
      .post('/v1/webhooks')
      .auth(this.token, { type: 'bearer' })
      .send({ url, events: ['order.created'] });
    expect({ url, status: response.status }).toEqual({ url, status: 201 });
    return (response.body as { id: string }).id;
  }

  async placeOrder(planId: string): Promise<void> {
    await this.shop.http
      .post('/v1/orders')
      .auth(this.token, { type: 'bearer' })
      .send(this.shop.orderBody(planId))
      .expect(201);
  }

  async deliveries(webhookId: string): Promise<Delivery[]> {
    const response = await this.shop.http
      .get(`/v1/webhooks/${webhookId}/deliveries`)
      .auth(this.token, { type: 'bearer' })
      .expect(200);
    return (response.body as { items: Delivery[] }).items;
  }

  /** The webhook's one delivery once it is no longer pending. */
  settled(webhookId: string): Promise<Delivery> {
    return waitFor(
      async () => (await this.deliveries(webhookId)).find((d) => d.status !== 'pending'),
      `the delivery of webhook ${webhookId} to settle`,
    );
  }
}

const host = (label: string) => `${label}-${randomUUID().slice(0, 8)}.hooks.test`;

describe('customer webhooks against SSRF, under the address policy (real app, broker, PostgreSQL, DNS)', () => {
  const prefix = uniquePrefix('ssrf');
  const dns = new DnsServer();
  let internal: Awaited<ReturnType<typeof tcpListener>>;
  let booted: Awaited<ReturnType<typeof bootApp>>;

  beforeAll(async () => {
    await dns.start();
    internal = await tcpListener('127.0.0.1', (socket) => socket.destroy());
    booted = await bootApp(prefix, dns, false);
  });

  afterAll(async () => {
    await closeIsolatedApp(booted.app, prefix);
    await internal.stop();
    await dns.stop();
  });

  it('resolves at send time and refuses every name that resolves to an internal or special-use address, without connecting', async () => {
    const tenant = await Tenant.signUp(booted.shop);
    const answers: [string, string[]][] = [
      ['loopback', ['127.0.0.1']],
      ['private', ['10.0.0.12']],
      ['metadata', ['169.254.169.254']],
      ['cgnat', ['100.64.0.1']],
      ['benchmarking', ['198.18.0.1']],
      ['this-network', ['0.0.0.0']],
      ['loopback6', ['::1']],
      ['mapped', ['::ffff:127.0.0.1']],
      ['nat64', ['64:ff9b::a00:c']],
      ['sixtofour', ['2002:a00:c::1']],
      ['ula', ['fd00::1']],
      // One internal answer among public ones is enough: the connection could go to any of them.
      ['mixed', ['8.8.8.8', '10.0.0.12']],
      ['mixed6', ['8.8.8.8', '2606:4700:4700::1111', '::ffff:10.0.0.12']],
    ];
    const hooks: { name: string; id: string }[] = [];
    for (const [label, addresses] of answers) {
      const name = host(label);
      dns.answer(name, addresses);
      hooks.push({ name, id: await tenant.register(`https://${name}:${internal.port}/in`) });
    }
    // Registration takes a name as it is: what it resolves to is decided when something is sent.
    expect(hooks.map(({ name }) => dns.asked(name, 'A'))).toEqual(hooks.map(() => 0));

    await tenant.placeOrder(booted.planId);
    for (const { name, id } of hooks) {
      const delivery = await tenant.settled(id);
      expect({ name, status: delivery.status, lastError: delivery.lastError }).toEqual({
        name,
        status: 'failed',
        lastError: 'refused by policy',
      });
      expect(delivery.attemptLog).toEqual(
        Array.from({ length: ATTEMPTS }, (_, i) => ({
          attempt: i + 1,
          at: expect.any(String) as string,
          statusCode: null,
          durationMs: null,
          error: 'refused by policy',
        })),
      );
      // Resolved anew for every attempt.
      expect({ name, lookups: dns.asked(name, 'A') }).toEqual({ name, lookups: ATTEMPTS });
    }
    expect(internal.connections()).toBe(0);
  });
});

describe('customer webhooks with WEBHOOK_ALLOW_INSECURE_URLS=true (development: the policy is off, the connection is still pinned)', () => {
  const prefix = uniquePrefix('ssrfdev');
  const dns = new DnsServer();
  const defaultCAs = getCACertificates('default');
  let booted: Awaited<ReturnType<typeof bootApp>>;

  beforeAll(async () => {
    useOwnDatabase();
    await dns.start();
    booted = await bootApp(prefix, dns, true);
  });

  afterAll(async () => {
    setDefaultCACertificates(defaultCAs);
    await closeIsolatedApp(booted.app, prefix);
    await dns.stop();
  });

  it('connects to the address it resolved: an answer that changes for the next lookup (DNS rebinding) cannot redirect it', async () => {
    const first = createHttpServer();
    const second = createHttpServer();
    const atFirst = receiving(first);
    const atSecond = receiving(second);
    const port = await listen(first, '127.0.0.1');
    await listen(second, '127.0.0.2', port);
    try {
      const tenant = await Tenant.signUp(booted.shop);
      const name = host('rebind');
      dns.answer(name, ['127.0.0.1'], ['127.0.0.2']);
      const id = await tenant.register(`http://${name}:${port}/hook`);
      await tenant.placeOrder(booted.planId);

      const delivery = await tenant.settled(id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
      expect(atFirst.requests).toEqual([{ path: '/hook', host: `${name}:${port}` }]);
      expect(atSecond.connections()).toBe(0);
      expect(dns.asked(name, 'A')).toBe(1);
    } finally {
      await close(first);
      await close(second);
    }
  });

  it('keeps the Host header, SNI and the certificate check on the pinned connection for https', async () => {
    const trusted = host('tls');
    const untrusted = host('other');
    const { ca, key, cert } = certificates([trusted]);
    setDefaultCACertificates([...defaultCAs, ca]);
    const serverNames: string[] = [];
    const server = createHttpsServer({
      key,
      cert,
      SNICallback: (servername, done) => {
        serverNames.push(servername);
        done(null);
      },
    });
    const received = receiving(server);
    const port = await listen(server, '127.0.0.1');
    try {
      const tenant = await Tenant.signUp(booted.shop);
      dns.answer(trusted, ['127.0.0.1']);
      dns.answer(untrusted, ['127.0.0.1']);
      const trustedId = await tenant.register(`https://${trusted}:${port}/tls`);
      const untrustedId = await tenant.register(`https://${untrusted}:${port}/other`);
      await tenant.placeOrder(booted.planId);

      expect(await tenant.settled(trustedId)).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
      expect(received.requests).toEqual([{ path: '/tls', host: `${trusted}:${port}` }]);
      // The same address, but the certificate is not for this name: no request is sent.
      const refused = await tenant.settled(untrustedId);
      expect(refused).toMatchObject({ status: 'failed', lastError: 'unreachable', lastStatusCode: null });
      expect(new Set(serverNames)).toEqual(new Set([trusted, untrusted]));
    } finally {
      await close(server);
    }
  });

  it('tells the tenant only unreachable or an HTTP status: no socket error codes, no timings that give a port away', async () => {
    const tenant = await Tenant.signUp(booted.shop);
    const closedPort = await tcpListener('127.0.0.1');
    await closedPort.stop();
    const hanging = await tcpListener('127.0.0.1');
    const garbage = await tcpListener('127.0.0.1', (socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const answering = createHttpServer((_request, response) => response.writeHead(503).end());
    const answeringPort = await listen(answering, '127.0.0.1');
    const unknown = host('nxdomain');
    try {
      const noAnswer = {
        closed: await tenant.register(`http://127.0.0.1:${closedPort.port}/hook`),
        hanging: await tenant.register(`http://127.0.0.1:${hanging.port}/hook`),
        garbage: await tenant.register(`http://127.0.0.1:${garbage.port}/hook`),
        unresolvable: await tenant.register(`http://${unknown}/hook`),
      };
      const answered = await tenant.register(`http://127.0.0.1:${answeringPort}/hook`);
      await tenant.placeOrder(booted.planId);

      for (const [what, id] of Object.entries(noAnswer)) {
        const delivery = await tenant.settled(id);
        expect({ what, delivery }).toMatchObject({
          what,
          delivery: { status: 'failed', lastError: 'unreachable', lastStatusCode: null },
        });
        expect({ what, log: delivery.attemptLog.map((a) => [a.statusCode, a.durationMs, a.error]) }).toEqual({
          what,
          log: Array.from({ length: ATTEMPTS }, () => [null, null, 'unreachable']),
        });
        // Retries and the failure are timed from the attempt's start and deadline, never from when the socket
        // gave up: a refused connection and a filtered port look the same.
        const [first, last] = [delivery.attemptLog[0], delivery.attemptLog.at(-1)];
        const gap = new Date(last?.at ?? 0).getTime() - new Date(first?.at ?? 0).getTime();
        expect({ what, waitedAtLeast: gap >= TIMEOUT_MS + BACKOFF_MS }).toEqual({
          what,
          waitedAtLeast: true,
        });
        expect({ what, failedAt: delivery.failedAt }).toEqual({ what, failedAt: last?.at });
        expect({ what, leaks: JSON.stringify(delivery).match(SOCKET_DETAIL) }).toEqual({ what, leaks: null });
      }
      expect(hanging.connections()).toBe(ATTEMPTS);
      expect(garbage.connections()).toBe(ATTEMPTS);

      const withStatus = await tenant.settled(answered);
      expect(withStatus).toMatchObject({ status: 'failed', lastError: 'HTTP 503', lastStatusCode: 503 });
      for (const attempt of withStatus.attemptLog) {
        expect(attempt).toMatchObject({
          statusCode: 503,
          error: 'HTTP 503',
          durationMs: expect.any(Number) as number,
        });
        expect(attempt.error).toMatch(TENANT_VISIBLE_ERROR);
      }
    } finally {
      await hanging.stop();
      await garbage.stop();
      await close(answering);
    }
  });
});

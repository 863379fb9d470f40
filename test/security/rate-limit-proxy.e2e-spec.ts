import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { ROOT, waitFor } from '../support/processes.js';
import { type SseMessage, SseStream } from '../support/sse.js';
import { Storefront } from '../support/storefront.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const RATE_LIMIT = 15;
const FAILURE_LIMIT = 3;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A free TCP port on loopback for nginx to listen on (taken back right away; nginx binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The shipped gateway config with its upstreams (the split apps' service names) pointed at the monolith under test
 * and its listener on a free loopback port; everything else, the forwarded headers above all, as shipped.
 */
function renderGateway(appPort: number, listenPort: number, dir: string): string {
  const shipped = readFileSync(join(ROOT, 'deploy/gateway/nginx.conf'), 'utf8');
  let upstreams = 0;
  let listeners = 0;
  const rendered = shipped
    .replace(/\bserver [a-z-]+:\d+;/g, () => {
      upstreams++;
      return `server 127.0.0.1:${appPort};`;
    })
    .replace(/\blisten 8080;/g, () => {
      listeners++;
      return `listen 127.0.0.1:${listenPort};`;
    })
    // Scratch files in the suite's directory, not the system's /var/lib/nginx.
    .replace(/^http \{$/m, `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;`);
  if (upstreams !== 8 || listeners !== 1 || !rendered.includes(`${dir}/body`)) {
    throw new Error(
      `deploy/gateway/nginx.conf changed shape (${upstreams} upstream servers, ${listeners} listeners): ` +
        'update renderGateway',
    );
  }
  return rendered;
}

/**
 * Issue #17 point 4: rate limits and failed-authentication backoff as seen through the real gateway. Each client
 * connects to nginx from its own loopback address (127.0.1.n), so the app sees them only through X-Forwarded-For,
 * with TRUST_PROXY=1 as docs/deployment.md documents for the shipped gateway.
 */
describe('rate limits behind the gateway (nginx with deploy/gateway/nginx.conf, monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('proxy');
  const dir = mkdtempSync(join(tmpdir(), 'platforma-gateway-'));
  let app: INestApplication;
  let nginx: ChildProcess | undefined;
  const nginxLog = join(dir, 'nginx.log');
  let gatewayPort: number;
  let clients = 0;

  /** A new client address: nobody has spent anything from it yet. */
  const client = (): string => {
    clients++;
    return `127.0.1.${clients}`;
  };

  const call = (
    from: string,
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port: gatewayPort,
          localAddress: from,
          method,
          path,
          agent: false,
          headers: {
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
            ...options.headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  const expectProblem = (answer: Answer, status: number, code: string): void => {
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  const retryAfter = (answer: Answer): number => {
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    return Number(answer.headers['retry-after']);
  };

  /** A new account's API key; signed up beside the gateway, whose clients' budgets are the subject here. */
  const apiKeyOfNewAccount = async (): Promise<string> => (await new Storefront(app).signUp()).apiKey;

  const exchange = (from: string, apiKey: string): Promise<Answer> =>
    call(from, 'POST', '/v1/auth/token', { body: { apiKey } });

  /** Well-formed, never issued: a guess. */
  const guessedKey = (id = randomBytes(8).toString('hex')): string =>
    `pk_${id}_${randomBytes(32).toString('base64url')}`;

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    if (!existsSync(NGINX)) {
      throw new Error(
        `This suite needs nginx at ${NGINX}: install Debian's nginx package (apt-get install nginx)`,
      );
    }
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      TRUST_PROXY: '1',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT),
      ORDER_STREAM_HEARTBEAT_SECONDS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '300',
    });
    await app.listen(0, '127.0.0.1');
    const appPort = (app.getHttpServer() as http.Server).address() as AddressInfo;
    gatewayPort = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, renderGateway(appPort.port, gatewayPort, dir));
    // A file, not a pipe: the config logs to /dev/stdout and /dev/stderr, which nginx opens by name.
    const log = openSync(nginxLog, 'w');
    // As root the workers would run as nobody, who cannot enter the suite's private directory for their temp files.
    const user = process.getuid?.() === 0 ? ' user root;' : '';
    nginx = spawn(
      NGINX,
      ['-c', conf, '-p', dir, '-e', 'stderr', '-g', `daemon off; pid ${dir}/nginx.pid;${user}`],
      {
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    await waitFor(
      async () => ((await call('127.0.0.1', 'GET', '/healthz')).status === 200 ? true : undefined),
      'the gateway',
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${readFileSync(nginxLog, 'utf8')}`);
    });
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx?.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await closeIsolatedApp(app, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives two clients behind the gateway separate buckets', async () => {
    const [noisy, quiet] = [client(), client()];
    for (let i = 0; i < RATE_LIMIT; i++) {
      expect((await call(noisy, 'GET', '/v1/catalog/regions')).status).toBe(200);
    }
    const refused = await call(noisy, 'GET', '/v1/catalog/regions');
    expectProblem(refused, 429, 'too-many-requests');
    expect(retryAfter(refused)).toBeGreaterThan(0);
    expectProblem(await call(noisy, 'POST', '/v1/accounts', { body: {} }), 429, 'too-many-requests');
    // The old behaviour: every caller behind the gateway was the gateway, so this one was locked out too.
    expect((await call(quiet, 'GET', '/v1/catalog/regions')).status).toBe(200);
    const signUp = await call(quiet, 'POST', '/v1/accounts', {
      body: { name: 'Example GmbH', email: `${randomUUID()}@example.com`, country: 'DE', currency: 'EUR' },
    });
    expect(signUp.status).toBeLessThan(300);
  });

  it('does not let a client reset its bucket, or spend another’s, with a forged X-Forwarded-For', async () => {
    const [spoofer, victim] = [client(), client()];
    for (let i = 0; i < RATE_LIMIT; i++) {
      const answer = await call(spoofer, 'GET', '/v1/catalog/regions', {
        headers: { 'X-Forwarded-For': victim, 'X-Real-IP': victim },
      });
      expect(answer.status).toBe(200);
    }
    for (const forged of ['203.0.113.7', client(), '127.0.0.1', `${client()}, ${client()}`, 'unknown']) {
      const answer = await call(spoofer, 'GET', '/v1/catalog/regions', {
        headers: { 'X-Forwarded-For': forged, 'X-Real-IP': forged },
      });
      expect({ forged, status: answer.status }).toEqual({ forged, status: 429 });
    }
    expect((await call(victim, 'GET', '/v1/catalog/regions')).status).toBe(200);
  });

  it('makes a client guessing API keys wait, doubling, while another client still signs in', async () => {
    const apiKey = await apiKeyOfNewAccount();
    const guesser = client();
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      expectProblem(await exchange(guesser, guessedKey()), 401, 'invalid-api-key');
    }
    const waiting = await exchange(guesser, guessedKey());
    expectProblem(waiting, 429, 'too-many-failed-attempts');
    expect(retryAfter(waiting)).toBe(1);
    // Even a right key is not looked at while the client waits: the answer would tell a hit from a miss.
    expectProblem(await exchange(guesser, apiKey), 429, 'too-many-failed-attempts');
    expect((await exchange(client(), apiKey)).status).toBe(200);

    await sleep(1_100);
    expectProblem(await exchange(guesser, guessedKey()), 401, 'invalid-api-key');
    expect(retryAfter(await exchange(guesser, guessedKey()))).toBe(2);
    await sleep(2_100);
    expectProblem(await exchange(guesser, guessedKey()), 401, 'invalid-api-key');
    expect(retryAfter(await exchange(guesser, guessedKey()))).toBe(4);
  });

  it('makes a guessed API key id wait, whichever addresses the guesses come from', async () => {
    const apiKey = await apiKeyOfNewAccount();
    const id = apiKey.split('_')[1] ?? '';
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      expectProblem(await exchange(client(), guessedKey(id)), 401, 'invalid-api-key');
    }
    const waiting = await exchange(client(), guessedKey(id));
    expectProblem(waiting, 429, 'too-many-failed-attempts');
    expectProblem(await exchange(client(), apiKey), 429, 'too-many-failed-attempts');
    // Other keys are not affected.
    expect((await exchange(client(), await apiKeyOfNewAccount())).status).toBe(200);
    await sleep(retryAfter(waiting) * 1000 + 100);
    expect((await exchange(client(), apiKey)).status).toBe(200);
  });

  it('counts invalid bearer tokens per client; a valid token still passes, an expired one is not a guess', async () => {
    const owner = client();
    const token = String((await exchange(owner, await apiKeyOfNewAccount())).body.accessToken);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const forged = `${header}.${elevated}.${signature}`;

    const forger = client();
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      expectProblem(await call(forger, 'GET', '/v1/accounts/me', { token: forged }), 401, 'unauthorized');
    }
    const waiting = await call(forger, 'GET', '/v1/accounts/me', { token: forged });
    expectProblem(waiting, 429, 'too-many-failed-attempts');
    expect(retryAfter(waiting)).toBe(1);
    // A valid signature proves no guess: the same client's real token works while it waits.
    expect((await call(forger, 'GET', '/v1/accounts/me', { token })).status).toBe(200);
    expectProblem(await call(client(), 'GET', '/v1/accounts/me', { token: forged }), 401, 'unauthorized');

    const key = await importPKCS8(process.env.JWT_PRIVATE_KEY ?? '', 'EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tid: claims.tid, role: 'customer' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(String(claims.sub))
      .setIssuer('platforma')
      .setAudience('platforma')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(key);
    const late = client();
    for (let i = 0; i < FAILURE_LIMIT * 2; i++) {
      expectProblem(await call(late, 'GET', '/v1/accounts/me', { token: expired }), 401, 'unauthorized');
    }
  });

  it('passes an order’s Server-Sent Events on as they happen, heartbeats included (issue #23)', async () => {
    const shop = new Storefront(app);
    const planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
    const buyer = await shop.customer();
    const placed = await shop.http
      .post('/v1/orders')
      .auth(buyer.token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    const stream = await SseStream.open(
      `http://127.0.0.1:${gatewayPort}/v1/orders/${orderId}/events`,
      buyer.token,
    );
    expect(stream.status).toBe(200);
    // The invoice comes through while the order waits for its payment: the gateway did not hold the response back.
    const read: SseMessage[] = [];
    while (read.at(-1)?.event !== 'invoice') {
      const m = await stream.next();
      expect(m).toBeDefined();
      read.push(m as SseMessage);
    }
    expect(stream.finished).toBe(false);
    const invoice = await shop.invoiceOf(buyer.token, orderId);
    await shop.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(buyer.token, { type: 'bearer' })
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    read.push(...(await stream.untilEnd()));
    const statuses = read
      .filter((m) => m.event === 'status')
      .map((m) => (JSON.parse(m.data) as { status: string }).status);
    expect(statuses).toEqual(['pending', 'awaiting_payment', 'confirmed', 'provisioning', 'completed']);
    expect(read.filter((m) => m.event === 'progress').length).toBeGreaterThan(0);
    expect(stream.comments).toContain('heartbeat');
  });
});

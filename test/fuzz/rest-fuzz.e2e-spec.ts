import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';
import { defineDomain, TopicAdminService } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { MailCatcher } from '../billing/mail-catcher.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';
import { fill, operationsOf, type OpenApiSchema, type Operation } from '../security/openapi.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Routes the OpenAPI document leaves out on purpose (the admin viewer's files, the Prometheus scrape). */
const UNDOCUMENTED: Operation[] = ['/admin', '/admin/admin.js', '/admin/admin.css', '/metrics'].map(
  (path) => ({
    route: `GET ${path}`,
    method: 'get',
    path,
    parameters: [],
  }),
);

const POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  'toString',
  'hasOwnProperty',
];

const NASTY_STRINGS = [
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  '../../etc/passwd',
  '%00',
  '\u0000',
  "' OR 1=1 --",
  '"; DROP TABLE orders."order"; --',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0190c3a4-5b6c-7d8e-9f00-zzzzzzzzzzzz',
  'Ω≈ç√∫˜µ≤≥÷',
  '🚀🔥💥',
  'e\u0301\u0301\u0301',
  '\u202Eevil',
  ...POLLUTION_KEYS,
];

const unicode = fc.string({ unit: 'grapheme', maxLength: 30 });
const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
const huge = fc.integer({ min: 5_000, max: 60_000 }).map((n) => 'x'.repeat(n));

/** A path or query value: valid-looking ids that exist nowhere, wrong types, injections, unicode, huge. */
const value = fc.oneof(
  fc.uuid(),
  fc.constantFrom(...NASTY_STRINGS),
  unicode,
  ascii,
  fc.integer().map(String),
  fc.double().map(String),
  fc.constant('y'.repeat(3_000)),
);

/** JSON of the wrong type for a property of this schema; never null (which an optional property may be). */
function wrongType(schema: OpenApiSchema | undefined): fc.Arbitrary<unknown> {
  const all = {
    string: fc.oneof(unicode, fc.constantFrom(...NASTY_STRINGS)),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    object: fc.dictionary(ascii, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  };
  const type = schema?.type ?? 'object';
  const wrong = Object.entries(all)
    .filter(([kind]) => kind !== type && !(kind === 'number' && type === 'integer'))
    .map(([, arb]) => arb);
  // A string property may hold digits or any text, but never a number, boolean, object or array.
  return fc.oneof(...(type === 'string' ? wrong.filter((a) => a !== all.string) : wrong));
}

/** A plausible body from the schema's examples: the start the mutations below break. */
function plausible(schema: OpenApiSchema | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    body[name] =
      property.example ??
      property.default ??
      property.enum?.[0] ??
      (property.format === 'uuid'
        ? randomUUID()
        : property.type === 'integer' || property.type === 'number'
          ? (property.minimum ?? 1)
          : property.type === 'array'
            ? []
            : property.type === 'object'
              ? {}
              : 'text');
  }
  return body;
}

type Mutation =
  | { kind: 'wrong type'; property: string; value: unknown }
  | { kind: 'NUL in a string'; property: string; value: string }
  | { kind: 'missing'; property: string }
  | { kind: 'polluted'; key: string; value: unknown };

/** A body one to three mutations away from a plausible one: each mutation alone makes it invalid. */
function mutatedBody(schema: OpenApiSchema): fc.Arbitrary<string> {
  const properties = Object.keys(schema.properties ?? {});
  const required = schema.required ?? [];
  const mutations: fc.Arbitrary<Mutation>[] = [
    fc.record({
      kind: fc.constant('polluted' as const),
      key: fc.constantFrom(...POLLUTION_KEYS, 'tenantId', 'accountId', 'role', 'id', 'status'),
      value: fc.oneof(fc.constant({ polluted: true }), fc.jsonValue({ maxDepth: 2 })),
    }),
  ];
  if (properties.length > 0) {
    mutations.push(
      fc.constantFrom(...properties).chain((property) =>
        wrongType(schema.properties?.[property]).map((v) => ({
          kind: 'wrong type' as const,
          property,
          value: v,
        })),
      ),
    );
  }
  const strings = properties.filter((p) => schema.properties?.[p]?.type === 'string');
  if (strings.length > 0) {
    // Text PostgreSQL cannot store, in an otherwise plausible field.
    mutations.push(
      fc.record({
        kind: fc.constant('NUL in a string' as const),
        property: fc.constantFrom(...strings),
        value: fc.oneof(unicode, fc.constantFrom(...NASTY_STRINGS)).map((v) => `${v}\u0000${v}`),
      }),
    );
  }
  if (required.length > 0) {
    mutations.push(fc.constantFrom(...required).map((property) => ({ kind: 'missing' as const, property })));
  }
  return fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }).map((list) => {
    const body = plausible(schema);
    for (const m of list) {
      if (m.kind === 'missing') {
        Reflect.deleteProperty(body, m.property);
      } else if (m.kind === 'wrong type' || m.kind === 'NUL in a string') {
        body[m.property] = m.value;
      } else {
        // defineProperty: an own "__proto__" key, as JSON.parse would make it, not the object's prototype.
        Object.defineProperty(body, m.key, {
          value: m.value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
    }
    return JSON.stringify(body);
  });
}

interface FuzzRequest {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
  contentType: string;
  /** A case that must be refused whatever the route (a broken body, token or content type). */
  broken: boolean;
}

function requestFor(op: Operation, token: string | undefined): fc.Arbitrary<FuzzRequest> {
  const pathNames = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const pathValues = fc.record(Object.fromEntries(pathNames.map((n) => [n, value])));
  const queryPairs = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...queryNames, ...POLLUTION_KEYS, '__proto__[polluted]', 'limit[]'), ascii),
      value,
    ),
    { maxLength: 4 },
  );
  const headerArb = fc.record(
    {
      'idempotency-key': ascii,
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', ''),
      'x-forwarded-for': fc.constantFrom('203.0.113.9', '::1', 'garbage', '1.1.1.1, 2.2.2.2'),
      'x-fuzz': ascii,
    },
    { requiredKeys: [] },
  );
  const takesBody = op.method !== 'get';
  const bodyArb: fc.Arbitrary<{ body?: string; contentType: string; broken: boolean }> = takesBody
    ? fc.oneof(
        ...(op.body
          ? [mutatedBody(op.body).map((body) => ({ body, contentType: 'application/json', broken: true }))]
          : []),
        fc
          .jsonValue({ maxDepth: 3 })
          .map((v) => ({ body: JSON.stringify(v), contentType: 'application/json', broken: false })),
        fc
          .constantFrom(
            '{',
            '{"a":',
            '[1,2',
            'not json',
            '{"a":1}}',
            '\u0000',
            'null',
            '"string"',
            '123',
            '[]',
          )
          .map((body) => ({ body, contentType: 'application/json', broken: false })),
        huge.map((s) => ({
          body: JSON.stringify({ name: s, padding: s.repeat(4) }),
          contentType: 'application/json',
          broken: true,
        })),
        ascii.map((body) => ({
          body,
          contentType: 'text/plain',
          broken: false,
        })),
      )
    : fc.constant({ contentType: 'application/json', broken: false });
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(token === undefined ? undefined : `Bearer ${token}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer ',
        'Bearer a.b.c',
        `Basic ${token ?? 'x'}`,
        `Bearer ${token ?? ''}x`,
      ),
    },
  );
  return fc
    .record({ pathValues, queryPairs, headers: headerArb, body: bodyArb, auth })
    .map(({ pathValues: values, queryPairs: pairs, headers, body, auth: authorization }) => ({
      path: fill(op.path, values),
      query: pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
      headers: authorization === undefined ? headers : { ...headers, authorization },
      ...body,
    }));
}

interface Counts {
  [table: string]: number;
}

describe('REST fuzzing of every endpoint (monolith, real Kafka and PostgreSQL, fast-check)', () => {
  const prefix = uniquePrefix('fuzz');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let customer: { accountId: string; token: string };
  let adminToken: string;
  const mail = new MailCatcher();

  /** Rows of every domain table: the database is the suite's own, so any row a request stored shows. */
  async function counts(): Promise<Counts> {
    const tables: { schema: string; name: string }[] = await db.query(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
      [[...SOURCE_MODULES]],
    );
    const result: Counts = {};
    for (const t of tables) {
      const [row] = await db.query<[{ n: number }]>(
        `SELECT count(*)::int AS n FROM "${t.schema}"."${t.name}"`,
      );
      result[`${t.schema}.${t.name}`] = row.n;
    }
    return result;
  }

  /**
   * Nothing in flight: every outbox row of the suite published, every mail of it handed to the SMTP server (a retried
   * delivery publishes its event seconds later) and every consumer group caught up.
   */
  async function settled(): Promise<void> {
    const admin = app.get(TopicAdminService);
    await waitFor(
      async () => {
        for (const schema of SOURCE_MODULES) {
          const [row] = await db.query<[{ n: number }]>(
            `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL AND starts_with(topic, $1)`,
            [prefix],
          );
          if (row.n > 0) {
            return undefined;
          }
        }
        const [mails] = await db.query<[{ n: number }]>(
          `SELECT count(*)::int AS n FROM notifications.notification WHERE status = 'pending'`,
        );
        if (mails.n > 0) {
          return undefined;
        }
        const lags = await Promise.all(
          SOURCE_MODULES.map((m) => admin.consumerLag(prefix + defineDomain(m).groupId)),
        );
        return lags.every((l) => l.lag === 0) ? true : undefined;
      },
      'the app to settle',
      30_000,
      200,
    );
  }

  beforeAll(async () => {
    const smtpPort = await mail.start();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    customer = await shop.customer();
    adminToken = await shop.adminToken();
  }, 90_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await mail.stop();
  });

  it('never answers 5xx, answers every refusal with problem+json, and stores nothing from refused requests', async () => {
    const operations = [...(await operationsOf(app)), ...UNDOCUMENTED];
    expect(operations.length).toBeGreaterThan(35);
    await settled();
    // A group that has not committed on a topic yet shows no lag there, so the set-up's own events (the sign-up's
    // account.created) may still be on their way: wait until the counts stop moving.
    let before = await counts();
    await waitFor(
      async () => {
        await new Promise((r) => setTimeout(r, 1_500));
        const now = await counts();
        const stable = Object.keys(now).every((t) => now[t] === before[t]);
        before = now;
        return stable ? true : undefined;
      },
      'the set-up to be fully consumed',
      30_000,
      0,
    );
    const statuses = new Map<number, number>();
    const accepted: string[] = [];
    let requests = 0;
    const started = Date.now();

    for (const op of operations) {
      const token = op.path.startsWith('/v1/admin/') ? adminToken : customer.token;
      await fc.assert(
        fc.asyncProperty(requestFor(op, token), async (req) => {
          const url = req.query ? `${req.path}?${req.query}` : req.path;
          let call = shop.http[op.method](url);
          for (const [name, v] of Object.entries(req.headers)) {
            call = call.set(name, v);
          }
          const response: Response =
            req.body === undefined
              ? await call
              : await call.set('Content-Type', req.contentType).send(req.body);
          requests++;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const where = `${op.route} → ${response.status}`;
          expect({ where, serverError: response.status >= 500 }).toEqual({ where, serverError: false });
          if (response.status >= 400) {
            expect({ where, type: response.headers['content-type'] }).toEqual({
              where,
              type: expect.stringMatching(/^application\/problem\+json/) as string,
            });
            const problem = response.body as Record<string, unknown>;
            expect({
              where,
              status: problem.status,
              title: typeof problem.title,
              type: typeof problem.type,
            }).toEqual({
              where,
              status: response.status,
              title: 'string',
              type: 'string',
            });
            expect(response.text).not.toMatch(/QueryFailedError|node_modules|\.ts:\d+|"stack"/);
          }
          if (req.broken) {
            expect({ where, refused: response.status >= 400 }).toEqual({ where, refused: true });
          }
          if (op.method !== 'get' && response.status < 400) {
            accepted.push(`${op.route} ${req.body ?? ''}`.slice(0, 300));
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
    // No key of a request body reached an object's prototype.
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    await settled();
    const after = await counts();
    const changed = Object.keys(before).filter((t) => before[t] !== after[t]);
    expect({ accepted, changed: changed.map((t) => `${t}: ${before[t]} → ${after[t]}`) }).toEqual({
      accepted: [],
      changed: [],
    });
    const histogram = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    process.stdout.write(
      `[fuzz] seed ${SEED}, ${RUNS} runs × ${operations.length} endpoints = ${requests} requests in ` +
        `${Date.now() - started} ms: 0 × 5xx, every 4xx problem+json; statuses ${histogram}; ` +
        `${Object.keys(before).length} tables, 0 rows from refused requests\n`,
    );
  }, 240_000);
});

import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { MailCatcher } from '../billing/mail-catcher.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { mailBodies } from '../support/mail.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';
import { LogCapture } from './log-capture.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const STOREFRONT = 'https://shop.platforma.test';
const VERIFY_SUBJECT = 'Confirm your email address for PLATFORMA';
const TAKEN_SUBJECT = 'Someone tried to sign up to PLATFORMA with your address';
const LINK = /https:\/\/shop\.platforma\.test\/verify-email#token=([A-Za-z0-9_-]{43})/;

/**
 * Issue #17, point 5: mail content from customers. Sign-up answers alike for a new and a taken address, mails an
 * unverified address nothing but a one-time link (no account, so no order and no other mail, until it is used),
 * refuses names that are not one line of text and escapes them in HTML mails; the token is never stored in clear.
 * The monolith runs against the real broker and database and mails a real SMTP server.
 */
describe('sign-up verification (monolith, real Kafka, PostgreSQL and SMTP)', () => {
  const prefix = uniquePrefix('signup');
  const logs = new LogCapture();
  const mail = new MailCatcher();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  /** Every token a test saw, for the last test's scan. */
  const tokens: string[] = [];

  beforeAll(async () => {
    logs.install();
    const smtpPort = await mail.start();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      LOG_LEVEL: 'debug',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      SECRETS_KEY,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      STOREFRONT_URL: STOREFRONT,
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
  }, 90_000);

  afterAll(async () => {
    try {
      await closeIsolatedApp(app, prefix);
      await mail.stop();
    } finally {
      logs.uninstall();
    }
  });

  const address = () => `${randomUUID()}@signup.example.com`;
  const body = (email: string, name = 'Example GmbH') => ({ name, email, country: 'DE', currency: 'EUR' });
  const requestSignUp = (email: string, name?: string) =>
    shop.http.post('/v1/accounts').send(body(email, name));

  const mailsTo = (email: string) => mail.received.filter((m) => m.to.includes(email));
  const mailTo = (email: string, subject: string) =>
    waitFor(
      async () => Promise.resolve(mailsTo(email).find((m) => m.subject === subject)),
      `"${subject}" to ${email}`,
      30_000,
      100,
    );

  /** The token of the verification link mailed to the address, as the customer clicks it. */
  const linkMailedTo = async (email: string): Promise<string> => {
    const { text, html } = mailBodies((await mailTo(email, VERIFY_SUBJECT)).raw);
    const token = LINK.exec(text)?.[1];
    expect(token).toBeDefined();
    expect(LINK.exec(html)?.[1]).toBe(token);
    tokens.push(token ?? '');
    return token ?? '';
  };

  const verify = (token: string) => shop.http.post('/v1/accounts/verify').send({ token });

  const problem = (response: Response, status: number): { code: string } => {
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/problem\+json/) as unknown,
    });
    return response.body as { code: string };
  };

  const accountsWith = async (email: string): Promise<number> => {
    const rows: { n: number }[] = await db.query(
      'SELECT count(*)::int AS n FROM accounts.account WHERE lower(email) = lower($1)',
      [email],
    );
    return rows[0]?.n ?? 0;
  };

  it('answers a taken and a new address alike: the new one gets its link, the taken one’s owner a notice', async () => {
    const taken = address();
    await shop.signUp({ email: taken });
    const fresh = address();

    const [forTaken, forFresh] = [await requestSignUp(taken), await requestSignUp(fresh)];
    const answer = (r: Response) => ({
      status: r.status,
      type: r.headers['content-type'] as unknown,
      body: r.body as unknown,
    });
    expect(answer(forTaken)).toEqual(answer(forFresh));
    expect(answer(forFresh)).toEqual({
      status: 202,
      type: expect.stringMatching(/^application\/json/) as unknown,
      body: { status: 'verification-sent' },
    });

    await linkMailedTo(fresh);
    const notice = mailBodies((await mailTo(taken, TAKEN_SUBJECT)).raw);
    expect(notice.text).not.toMatch(LINK);
    expect(await accountsWith(taken)).toBe(1);
    expect(await accountsWith(fresh)).toBe(0);
  });

  it('sends an unverified address its link and nothing else, and opens no account to order with until it is used', async () => {
    const admin = await shop.adminToken();
    const plan = await shop.publishPlan(admin);
    const email = address();
    await requestSignUp(email, 'Mallory').expect(202);
    const token = await linkMailedTo(email);

    // No account, so no customer token, no order and no read model that could address another mail.
    expect(await accountsWith(email)).toBe(0);
    const known: unknown[] = await db.query(
      'SELECT 1 FROM saga.account_view WHERE lower(email) = lower($1)',
      [email],
    );
    expect(known).toEqual([]);
    problem(await shop.http.post('/v1/orders').send(shop.orderBody(plan.id)), 401);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mailsTo(email).map((m) => m.subject)).toEqual([VERIFY_SUBJECT]);

    const opened = await verify(token).expect(201);
    const { accountId, apiKey } = opened.body as { accountId: string; apiKey: string };
    expect(await accountsWith(email)).toBe(1);
    await shop.planKnown(plan.id);
    const customer = await shop.token(apiKey);
    await waitFor(
      async () => {
        const r = await shop.http
          .post('/v1/orders')
          .auth(customer, { type: 'bearer' })
          .send(shop.orderBody(plan.id));
        return r.status === 201 ? true : undefined;
      },
      `an order of the verified account ${accountId}`,
      20_000,
      250,
    );
  }, 60_000);

  it('refuses a multi-line or control-character name with problem+json, and stores and mails nothing', async () => {
    const names = [
      'Example GmbH\nPlease confirm your card at https://evil.example',
      'Example GmbH\r\nBcc: victim@example.com',
      'Example\tGmbH',
      'Example\u0007GmbH',
      'Example\u0085GmbH',
      'Example\u2028GmbH',
      'Example \u202Ebmhg',
      '   ',
    ];
    const emails: string[] = [];
    for (const name of names) {
      const email = address();
      emails.push(email);
      const r = await requestSignUp(email, name);
      expect({ name, code: problem(r, 400).code }).toEqual({ name, code: 'validation-failed' });
    }
    const stored: unknown[] = await db.query(
      'SELECT 1 FROM accounts.sign_up WHERE email = ANY($1) UNION ALL SELECT 1 FROM accounts.account WHERE email = ANY($1)',
      [emails],
    );
    expect(stored).toEqual([]);
    // One line of any script is a name.
    await requestSignUp(address(), 'Jürgen Müller & Söhne «Ost» 東京 O’Brien').expect(202);
  });

  it('keeps an HTML name out of the verification mail and escapes it in the HTML of later mails', async () => {
    const name = '<a href="https://evil.example/login">Support</a> & "Co"';
    const email = address();
    await requestSignUp(email, name).expect(202);
    const linkMail = mailBodies((await mailTo(email, VERIFY_SUBJECT)).raw);
    expect(`${linkMail.text}${linkMail.html}`).not.toContain('evil.example');
    expect(`${linkMail.text}${linkMail.html}`).not.toContain('Support');

    const token = await linkMailedTo(email);
    const { apiKey } = (await verify(token).expect(201)).body as { apiKey: string };
    const admin = await shop.adminToken();
    const plan = await shop.publishPlan(admin);
    await shop.planKnown(plan.id);
    const customer = await shop.token(apiKey);
    const hostname = `html-${randomUUID().slice(0, 8)}.example.com`;
    await shop.paidOrder(customer, plan.id, { hostname });

    const ready = mailBodies((await mailTo(email, `Your server ${hostname} is ready`)).raw);
    expect(ready.text).toContain(`Hello ${name},`);
    expect(ready.html).toContain(
      'Hello &lt;a href=&quot;https://evil.example/login&quot;&gt;Support&lt;/a&gt; &amp; &quot;Co&quot;,',
    );
    expect(ready.html).not.toContain('<a href="https://evil.example');
  }, 60_000);

  it('opens an account with a link once; an unknown, used or expired link is refused with problem+json', async () => {
    const email = address();
    await requestSignUp(email).expect(202);
    const token = await linkMailedTo(email);
    const [first, second] = await Promise.all([verify(token), verify(token)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 410]);
    const refused = first.status === 410 ? first : second;
    expect(problem(refused, 410).code).toBe('verification-token-used');
    expect(problem(await verify(token), 410).code).toBe('verification-token-used');
    const { accountId } = (first.status === 201 ? first : second).body as { accountId: string };
    const created: unknown[] = await db.query(
      `SELECT 1 FROM accounts.outbox WHERE topic = $1 AND payload::jsonb ->> 'accountId' = $2`,
      [`${prefix}account.created`, accountId],
    );
    expect(created).toHaveLength(1);
    expect(await accountsWith(email)).toBe(1);

    expect(problem(await verify(randomBytes(32).toString('base64url')), 400).code).toBe(
      'verification-token-invalid',
    );
    expect(problem(await verify('short'), 400).code).toBe('validation-failed');

    const late = address();
    await requestSignUp(late).expect(202);
    const lateToken = await linkMailedTo(late);
    await db.query(`UPDATE accounts.sign_up SET expires_at = now() - interval '1 second' WHERE email = $1`, [
      late,
    ]);
    expect(problem(await verify(lateToken), 410).code).toBe('verification-token-expired');
    expect(await accountsWith(late)).toBe(0);
  });

  it('keeps the tokens out of the logs, every outbox, the audit log and the notification log', async () => {
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    await waitFor(
      async () => {
        const rows: { n: number }[] = await db.query(
          `SELECT count(*)::int AS n FROM audit.event_log WHERE type = 'account.verification_requested'`,
        );
        return (rows[0]?.n ?? 0) >= tokens.length ? true : undefined;
      },
      'the verification requests in the audit log',
      30_000,
      250,
    );
    const outbox = (
      await Promise.all(
        SOURCE_MODULES.map((schema) =>
          db.query<{ text: string }[]>(
            `SELECT concat_ws(' ', topic, payload, headers::text) AS text FROM "${schema}".outbox WHERE starts_with(topic, $1)`,
            [prefix],
          ),
        ),
      )
    ).flat();
    const audit: { text: string }[] = await db.query(
      `SELECT concat_ws(' ', payload::text, headers::text, raw_value) AS text FROM audit.event_log`,
    );
    const notifications: { text: string }[] = await db.query(
      'SELECT n::text AS text FROM notifications.notification n',
    );
    const places: [string, string][] = [
      ['logs', logs.text()],
      ...outbox.map((o, i): [string, string] => [`outbox row ${i}`, o.text]),
      ...audit.map((a, i): [string, string] => [`audit row ${i}`, a.text]),
      ...notifications.map((n, i): [string, string] => [`notification row ${i}`, n.text]),
    ];
    expect(outbox.some((o) => o.text.includes('account.verification_requested'))).toBe(true);
    const found = tokens.flatMap((token) =>
      places.filter(([, text]) => text.includes(token)).map(([where]) => where),
    );
    expect(found).toEqual([]);
    logs.print(
      `[signup] ${tokens.length} one-time tokens: none in ${outbox.length} outbox rows, ${audit.length} audit ` +
        `records, ${notifications.length} notifications or ${logs.lines().length} log lines\n`,
    );
  });
});

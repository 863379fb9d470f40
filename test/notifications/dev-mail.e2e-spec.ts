import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { SMTPServer } from 'smtp-server';
import { startDevMailCatcher } from '@app/notifications';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { freePort, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Summary {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
}
interface Page {
  items: Summary[];
  next: string | null;
}

const VERIFY_SUBJECT = 'Confirm your email address for PLATFORMA';

/**
 * Issue #21, point 7: `npm start` catches mail instead of failing to send it, and the console's Mail tab reads what
 * was caught. The monolith mails the real catcher `npm start` runs (in-process here, on a port of its own) over SMTP.
 */
describe('development mail catcher and the console Mail API (monolith, real Kafka, PostgreSQL, SMTP)', () => {
  const prefix = uniquePrefix('devmail');
  const dir = mkdtempSync(join(tmpdir(), 'platforma-dev-mail-'));
  let catcher: SMTPServer;
  let app: INestApplication;
  let shop: Storefront;
  let admin: string;

  beforeAll(async () => {
    const port = await freePort();
    catcher = await startDevMailCatcher({ port, dir });
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      DEV_MAIL_DIR: dir,
      STOREFRONT_URL: 'https://shop.platforma.test',
    });
    await app.init();
    shop = new Storefront(app);
    admin = await shop.adminToken();
  }, 90_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await new Promise<void>((resolve) => catcher.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async (query: Record<string, string> = {}): Promise<Page> =>
    (await shop.http.get('/v1/admin/dev-mail').query(query).auth(admin, { type: 'bearer' }).expect(200))
      .body as Page;

  /** Signs an address up (the platform mails it a verification link) and waits for the catcher's copy. */
  const mailed = async (): Promise<{ email: string; mail: Summary }> => {
    const email = `${randomUUID()}@devmail.example.com`;
    await shop.http
      .post('/v1/accounts')
      .send({ name: 'Example GmbH', email, country: 'DE', currency: 'EUR' })
      .expect(202);
    const mail = await waitFor(
      async () => (await list({ limit: '100' })).items.find((m) => m.to.includes(email)),
      `the mail to ${email}`,
      30_000,
      100,
    );
    return { email, mail };
  };

  it('lists what the platform sent, newest first, and shows one mail whole', async () => {
    const { email, mail } = await mailed();
    expect(mail.subject).toBe(VERIFY_SUBJECT);
    const shown = await shop.http
      .get(`/v1/admin/dev-mail/${mail.id}`)
      .auth(admin, { type: 'bearer' })
      .expect(200);
    const body = shown.body as Summary & { headers: { name: string }[]; text: string; html: string };
    expect(body.to).toContain(email);
    expect(body.headers.map((h) => h.name.toLowerCase())).toEqual(
      expect.arrayContaining(['from', 'to', 'subject', 'message-id']),
    );
    expect(body.text).toMatch(/https:\/\/shop\.platforma\.test\/verify-email#token=/);
    expect(body.html).toContain('<');
  });

  it('pages by cursor: mail caught meanwhile shows on the newest page only, nothing twice or skipped', async () => {
    for (let n = 0; n < 3; n++) {
      await mailed();
    }
    const first = await list({ limit: '2' });
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe(first.items[1]?.id);
    // Two sign-ups land while the operator reads the first page.
    const [late] = await Promise.all([mailed(), mailed()]);
    const rest: Summary[] = [];
    for (let cursor = first.next; cursor;) {
      const page = await list({ before: cursor, limit: '2' });
      rest.push(...page.items);
      cursor = page.next;
    }
    const seen = [...first.items, ...rest].map((m) => m.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain(late.mail.id);
    expect([...seen].sort().reverse()).toEqual(seen);
    const everything = (await list({ limit: '100' })).items.map((m) => m.id);
    expect(everything.slice(everything.indexOf(first.items[0]?.id ?? ''))).toEqual(seen);
  });

  it('refuses what is not a caught mail, and anyone but an operator', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', 'nope', '2026-01-01T00-00-00-000Z-000001']) {
      const refused = await shop.http
        .get(`/v1/admin/dev-mail/${id}`)
        .auth(admin, { type: 'bearer' })
        .expect(404);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect((refused.body as { type: string }).type).toContain('mail-not-found');
    }
    const { token } = await shop.customer();
    await shop.http.get('/v1/admin/dev-mail').auth(token, { type: 'bearer' }).expect(403);
    await shop.http.get('/v1/admin/dev-mail').expect(401);
  });
});

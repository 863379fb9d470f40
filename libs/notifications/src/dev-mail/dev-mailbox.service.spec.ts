import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/platform';
import { caughtMailId } from './dev-mail-catcher.js';
import { DevMailboxService } from './dev-mailbox.service.js';

const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const RAW = [
  'From: PLATFORMA <no-reply@platforma.invalid>',
  'To: a@example.com',
  'Subject: Your VPS',
  '  is ready',
  'Content-Type: text/plain',
  '',
  'Hello',
].join('\r\n');

describe('DevMailboxService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-mailbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is off without DEV_MAIL_DIR and in production, with a problem the console can show', async () => {
    const off = new DevMailboxService(loadConfig({ JWT_PUBLIC_KEY }));
    await expect(off.page(undefined, 10)).rejects.toMatchObject({ code: 'dev-mail-off', status: 404 });
    const production = loadConfig({
      JWT_PUBLIC_KEY,
      NODE_ENV: 'production',
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      METRICS_TOKEN: randomBytes(32).toString('hex'),
    });
    // loadConfig refuses DEV_MAIL_DIR in production, so the mailbox sees it unset there and stays off.
    await expect(new DevMailboxService(production).get('x')).rejects.toMatchObject({ code: 'dev-mail-off' });
  });

  it('orders by arrival even past the counter’s ninth mail, and unfolds headers', async () => {
    const at = new Date('2026-12-03T10:00:00.000Z');
    const ids = [9, 10, 11].map((n) => caughtMailId(at, n));
    ids.forEach((id) => writeFileSync(join(dir, `${id}.eml`), RAW));
    const mailbox = new DevMailboxService(loadConfig({ JWT_PUBLIC_KEY, DEV_MAIL_DIR: dir }));
    const page = await mailbox.page(undefined, 2);
    expect(page.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect(page.next).toBe(ids[1]);
    expect((await mailbox.page(page.next ?? '', 2)).items.map((m) => m.id)).toEqual([ids[0]]);
    expect(page.items[0]).toMatchObject({ to: 'a@example.com', subject: 'Your VPS is ready' });
    await expect(mailbox.get('../../etc/passwd')).rejects.toMatchObject({ code: 'mail-not-found' });
  });
});

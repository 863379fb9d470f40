import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { DataSource } from 'typeorm';
import type { EventData, EventEnvelope } from '@app/contracts';
import { RelayHostService } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { mailBodies } from '../support/mail.js';
import { waitFor } from '../support/processes.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP relay on a free port: keeps every message, and refuses recipients the test tells it to. */
class TestSmtp {
  readonly received: Received[] = [];
  /** Recipient → RCPT TO answers still to refuse, and with which reply code. */
  private readonly refusals = new Map<string, { remaining: number; code: number }>();
  readonly refused = new Map<string, number>();
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address: SMTPServerAddress, _session, callback) => {
      const refusal = this.refusals.get(address.address);
      if (refusal && refusal.remaining > 0) {
        refusal.remaining -= 1;
        this.refused.set(address.address, (this.refused.get(address.address) ?? 0) + 1);
        callback(Object.assign(new Error('mailbox unavailable, try again'), { responseCode: refusal.code }));
        return;
      }
      callback();
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        this.received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  refuse(recipient: string, times: number, code: number): void {
    this.refusals.set(recipient, { remaining: times, code });
  }

  to(recipient: string): Received[] {
    return this.received.filter((m) => m.to.includes(recipient));
  }
}

/** The message's headers and its text body (the text/plain part of text + HTML), transfer encoding undone. */
function parse(raw: string): { headers: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  return { headers, body: mailBodies(raw).text };
}

function header(headers: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim();
}

interface OutboxEvent {
  eventId: string;
  tenant: string;
  correlation: string;
  causation: string | undefined;
  data: Record<string, unknown>;
}

interface NotificationRow {
  status: string;
  attempts: number;
  failure_reason: string | null;
  last_error: string | null;
  provider_message_id: string | null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications (monolith, real Kafka, PostgreSQL and SMTP)', () => {
  const prefix = uniquePrefix('notif');
  const smtp = new TestSmtp();
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    const port = await smtp.start();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'PLATFORMA <no-reply@platforma.test>',
    });
    await app.init();
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await smtp.stop();
  });

  /** Stands in for the order saga: its command goes out through the saga's own outbox. */
  function requestNotification(
    tenantId: string,
    data: EventData<'notification.requested'>,
  ): Promise<EventEnvelope<'notification.requested'>> {
    return app
      .get(RelayHostService)
      .outboxOf('saga')
      .transaction((uow) =>
        uow.publish('notification.requested', data, { tenantId, subject: data.notificationId }),
      );
  }

  function vpsReady(
    recipient: string,
    overrides: Partial<EventData<'notification.requested'>> = {},
  ): { tenantId: string; data: EventData<'notification.requested'> } {
    const tenantId = randomUUID();
    return {
      tenantId,
      data: {
        notificationId: randomUUID(),
        accountId: tenantId,
        template: 'vps-ready',
        channel: 'email',
        recipient,
        variables: {
          hostname: `web-${randomUUID().slice(0, 8)}.example.com`,
          ipv4: '203.0.113.10',
          username: 'root',
          credentialsUrl: `https://panel.example.com/credentials/${randomUUID()}`,
          orderId: randomUUID(),
          name: 'Example GmbH',
        },
        ...overrides,
      },
    };
  }

  const recipient = () => `ops-${randomUUID().slice(0, 8)}@example.com`;

  async function outboxEvents(type: string, notificationId: string): Promise<OutboxEvent[]> {
    const rows: { event_id: string; headers: Record<string, string>; payload: string }[] = await db.query(
      `SELECT event_id, headers, payload FROM notifications.outbox
       WHERE topic = $1 AND headers ->> 'ce_subject' = $2 ORDER BY event_id`,
      [prefix + type, notificationId],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      tenant: r.headers.ce_tenantid ?? '',
      correlation: r.headers.ce_correlationid ?? '',
      causation: r.headers.ce_causationid,
      data: JSON.parse(r.payload) as Record<string, unknown>,
    }));
  }

  function awaitOutbox(type: string, notificationId: string, timeoutMs = 30_000): Promise<OutboxEvent[]> {
    return waitFor(
      async () => {
        const events = await outboxEvents(type, notificationId);
        return events.length > 0 ? events : undefined;
      },
      `${type} of ${notificationId}`,
      timeoutMs,
      100,
    );
  }

  async function row(id: string): Promise<NotificationRow | undefined> {
    const rows: NotificationRow[] = await db.query(
      `SELECT status, attempts, failure_reason, last_error, provider_message_id
       FROM notifications.notification WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  function handled(eventId: string): Promise<true> {
    return waitFor(async () => {
      const rows: unknown[] = await db.query('SELECT 1 FROM notifications.inbox WHERE event_id = $1', [
        eventId,
      ]);
      return rows.length > 0 ? true : undefined;
    }, `notifications to handle event ${eventId}`);
  }

  it('sends vps-ready over SMTP and records notification.sent with the request’s correlation and tenant', async () => {
    const to = recipient();
    const { tenantId, data } = vpsReady(to);
    const requested = await requestNotification(tenantId, data);

    const [sent, ...more] = await awaitOutbox('notification.sent', data.notificationId);
    expect(more).toHaveLength(0);
    const messages = smtp.to(to);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.to).toEqual([to]);
    expect(message?.from).toBe('no-reply@platforma.test');
    const { headers, body } = parse(message?.raw ?? '');
    expect(header(headers, 'Subject')).toBe(`Your server ${String(data.variables.hostname)} is ready`);
    expect(header(headers, 'To')).toBe(to);
    expect(body).toContain(String(data.variables.credentialsUrl));
    expect(body).toContain('IPv4 address: 203.0.113.10');
    expect(body).toContain('Hello Example GmbH,');

    const messageId = header(headers, 'Message-ID');
    expect(sent?.data).toEqual({
      notificationId: data.notificationId,
      channel: 'email',
      providerMessageId: messageId,
    });
    expect(sent?.tenant).toBe(tenantId);
    expect(sent?.correlation).toBe(requested.correlationid);
    expect(sent?.causation).toBe(requested.id);
    expect(await row(data.notificationId)).toEqual({
      status: 'sent',
      attempts: 1,
      failure_reason: null,
      last_error: null,
      provider_message_id: messageId,
    });
  });

  it('sends a redelivered request once, also when it arrives after the message went out', async () => {
    const to = recipient();
    const { tenantId, data } = vpsReady(to);
    const first = await requestNotification(tenantId, data);
    const again = await requestNotification(tenantId, data);
    await handled(first.id);
    await handled(again.id);
    await awaitOutbox('notification.sent', data.notificationId);
    const late = await requestNotification(tenantId, data);
    expect(new Set([first.id, again.id, late.id]).size).toBe(3);
    await handled(late.id);
    // Long enough for a re-armed row to be claimed by the 200 ms poller and sent again.
    await pause(1_500);

    expect(smtp.to(to)).toHaveLength(1);
    expect(await outboxEvents('notification.sent', data.notificationId)).toHaveLength(1);
    expect(await row(data.notificationId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a relay that refuses, with backoff, and then sends once', async () => {
    const to = recipient();
    smtp.refuse(to, 2, 451);
    const { tenantId, data } = vpsReady(to);
    const startedAt = Date.now();
    await requestNotification(tenantId, data);

    await awaitOutbox('notification.sent', data.notificationId);
    // 1 s after the first refusal, 2 s after the second.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3_000);
    expect(smtp.refused.get(to)).toBe(2);
    expect(smtp.to(to)).toHaveLength(1);
    expect(await row(data.notificationId)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(await outboxEvents('notification.failed', data.notificationId)).toHaveLength(0);
  });

  it('gives up after five refused attempts with notification.failed', async () => {
    const to = recipient();
    smtp.refuse(to, 100, 550);
    const { tenantId, data } = vpsReady(to);
    await requestNotification(tenantId, data);

    // 1 + 2 + 4 + 8 s of backoff between the five attempts.
    const [failed] = await awaitOutbox('notification.failed', data.notificationId, 40_000);
    expect(failed?.data).toEqual({
      notificationId: data.notificationId,
      channel: 'email',
      reason: 'recipient_rejected',
      retryable: false,
    });
    expect(failed?.tenant).toBe(tenantId);
    expect(smtp.refused.get(to)).toBe(5);
    expect(smtp.to(to)).toHaveLength(0);
    expect(await row(data.notificationId)).toMatchObject({
      status: 'failed',
      attempts: 5,
      failure_reason: 'recipient_rejected',
    });
    expect(await outboxEvents('notification.sent', data.notificationId)).toHaveLength(0);
  }, 60_000);

  it('fails an unknown template at once, without sending anything', async () => {
    const to = recipient();
    const { tenantId, data } = vpsReady(to, { template: 'no-such-template' });
    const requested = await requestNotification(tenantId, data);

    const [failed] = await awaitOutbox('notification.failed', data.notificationId);
    expect(failed?.data).toEqual({
      notificationId: data.notificationId,
      channel: 'email',
      reason: 'unknown_template',
      retryable: false,
    });
    expect(failed?.correlation).toBe(requested.correlationid);
    await pause(1_000);
    expect(smtp.to(to)).toHaveLength(0);
    expect(await row(data.notificationId)).toMatchObject({ status: 'failed', attempts: 0 });
    expect(await outboxEvents('notification.sent', data.notificationId)).toHaveLength(0);
  });

  it('fails an sms request with channel_not_supported', async () => {
    const { tenantId, data } = vpsReady('+4915112345678', { channel: 'sms' });
    await requestNotification(tenantId, data);

    const [failed] = await awaitOutbox('notification.failed', data.notificationId);
    expect(failed?.data).toEqual({
      notificationId: data.notificationId,
      channel: 'sms',
      reason: 'channel_not_supported',
      retryable: false,
    });
    expect(await row(data.notificationId)).toMatchObject({ status: 'failed', attempts: 0 });
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { exampleEvent, type EventData, type EventType } from '@app/contracts';
import { DLQ_HEADER, exampleDeadLetter, type TopicReader } from '@app/messaging';
import { plantDeadLetter, startDlqSuite, voidBillingParks } from '../support/dead-letters.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import type { Storefront } from '../support/storefront.js';

interface Letter {
  id: string;
  eventId: string | null;
  redriven: boolean;
}
interface Action {
  action: string;
  result: string;
  targetRecordId: string | null;
  reason: string | null;
  detail: string | null;
}

/**
 * Issue #17 point 3: a DLQ is written by every consumer of its topic, a redrive publishes with the audit module's
 * right to write every topic. Dead letters are planted straight on DLQ topics, as a consumer's Kafka user could; the
 * admin API must refuse each (409 redrive-refused, a reason, a refused row in the admin trail) and the target topic
 * must get nothing, while a dead letter billing really parked still goes back.
 */
describe('DLQ redrive is no confused deputy (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('redrive');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let adminToken: string;
  let reader: TopicReader;
  const tenant = randomUUID();

  beforeAll(async () => {
    ({ app, db, shop, adminToken, reader } = await startDlqSuite(prefix));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  /** A record as a producer of `type` would write it, but claiming to come from `source`, for `type`'s DLQ. */
  const record = (type: EventType, source: string, data: EventData<EventType> | object) => {
    const id = uuidv7();
    return { id, ...exampleDeadLetter(type, source, prefix, { id, tenantId: tenant, data }) };
  };

  /** Writes a record straight to the DLQ of `dlqOf`, with the headers a consumer adds, the original topic as told. */
  const plant = (dlqOf: EventType, planted: ReturnType<typeof record>, originalTopic: string) =>
    plantDeadLetter(app, planted, `${prefix}${dlqOf}.dlq`, originalTopic);

  const letterOf = (dlqOf: EventType, eventId: string) =>
    waitFor(async () => {
      const response = await shop.http
        .get(`/v1/admin/dlq?topic=${dlqOf}.dlq&limit=100`)
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      return (response.body as { items: Letter[] }).items.find((item) => item.eventId === eventId);
    }, `the dead letter ${eventId} on ${dlqOf}.dlq in the log`);

  const redrive = (letter: Letter, reason: string) =>
    shop.http
      .post(`/v1/admin/dlq/${letter.id}/redrive`)
      .auth(adminToken, { type: 'bearer' })
      .send({ reason });

  const actionsOn = async (letter: Letter): Promise<Action[]> => {
    const response = await shop.http
      .get('/v1/admin/audit/actions?limit=100')
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    return (response.body as { items: Action[] }).items.filter((a) => a.targetRecordId === letter.id);
  };

  const outboxRows = async (eventIds: string[]): Promise<number> => {
    const [row] = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM audit.outbox WHERE event_id = ANY($1::uuid[])',
      [eventIds],
    );
    return Number(row?.n);
  };

  const onTopic = async (type: string, eventIds: string[]): Promise<string[]> =>
    (await reader.readAll(`${prefix}${type}`))
      .map((r) => r.headers.ce_id ?? '')
      .filter((id) => eventIds.includes(id));

  it('refuses forged dead letters with a reason, records each refusal, and a genuine dead letter still goes back', async () => {
    const payment = (overrides: object = {}) => ({
      ...exampleEvent('payment.received'),
      paymentId: randomUUID(),
      ...overrides,
    });
    const forged = {
      // notifications consumes notification.requested, so it may write its DLQ: a payment.received planted there
      // names payment.received as where it came from.
      elsewhere: record('payment.received', 'billing', payment()),
      // On payment.received's own DLQ, but claiming another producer than billing.
      wrongSource: record('payment.received', 'notifications', payment()),
      // Billing's name on it, a payload the schema refuses.
      badSchema: record('payment.received', 'billing', { ...payment(), amountMinor: 'all of it' }),
      // Headed for a topic outside the catalog.
      offCatalog: record('order.created', 'orders', exampleEvent('order.created')),
      // Everything right but provenance: payment.received never carried it (only billing may write that topic).
      neverPublished: record('payment.received', 'billing', payment()),
    };
    await plant('notification.requested', forged.elsewhere, `${prefix}payment.received`);
    await plant('payment.received', forged.wrongSource, `${prefix}payment.received`);
    await plant('payment.received', forged.badSchema, `${prefix}payment.received`);
    await plant('order.created', forged.offCatalog, `${prefix}platforma.admin-commands`);
    await plant('payment.received', forged.neverPublished, `${prefix}payment.received`);

    const expected: Record<keyof typeof forged, [EventType, RegExp]> = {
      elsewhere: [
        'notification.requested',
        /header names \S+payment\.received, but a dead letter on \S+notification\.requested\.dlq can only go back to \S+notification\.requested$/,
      ],
      wrongSource: [
        'payment.received',
        /payment\.received is published by billing, but its ce_source is notifications/,
      ],
      badSchema: ['payment.received', /fails the schema of payment\.received: .*amountMinor/],
      offCatalog: [
        'order.created',
        /header names \S+platforma\.admin-commands, but .* can only go back to \S+order\.created$/,
      ],
      neverPublished: ['payment.received', /payment\.received never carried this event/],
    };
    const refused: string[] = [];
    for (const [name, [dlqOf, reason]] of Object.entries(expected) as [
      keyof typeof forged,
      [EventType, RegExp],
    ][]) {
      const letter = await letterOf(dlqOf, forged[name].id);
      const response = await redrive(letter, `suite: ${name}`);
      expect({ name, status: response.status, type: response.headers['content-type'] }).toEqual({
        name,
        status: 409,
        type: expect.stringMatching(/^application\/problem\+json/) as string,
      });
      const problem = response.body as { code: string; detail: string };
      expect({ name, code: problem.code }).toEqual({ name, code: 'redrive-refused' });
      expect(problem.detail).toMatch(reason);
      expect(await actionsOn(letter)).toEqual([
        expect.objectContaining({
          action: 'dlq.redrive',
          result: 'refused',
          reason: `suite: ${name}`,
          detail: problem.detail,
        }),
      ]);
      refused.push(`${name}: ${problem.detail}`);
    }

    // A void billing cannot carry out (no such invoice), published by the saga as it would: billing parks it.
    const voidRequest = { id: await voidBillingParks(app, tenant) };
    const genuine = await letterOf('invoice.void_requested', voidRequest.id);
    await waitFor(async () => {
      const logged: unknown[] = await db.query(
        'SELECT 1 FROM audit.event_log WHERE topic = $1 AND event_id = $2',
        [`${prefix}invoice.void_requested`, voidRequest.id],
      );
      return logged.length > 0 ? true : undefined;
    }, 'the original void request in the log');
    const accepted = await redrive(genuine, 'suite: billing fixed');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ redrivenTo: `${prefix}invoice.void_requested` });
    await waitFor(async () => {
      const back = await reader.readAll(`${prefix}invoice.void_requested`);
      return back.find(
        (r) => r.headers.ce_id === voidRequest.id && r.headers[DLQ_HEADER.redriveCount] === '1',
      );
    }, 'the genuine dead letter back on its topic');

    // The audit outbox relays in order: the genuine redrive arrived, so anything accepted before it would have too.
    const forgedIds = Object.values(forged).map((f) => f.id);
    expect(await outboxRows(forgedIds)).toBe(0);
    expect(await onTopic('payment.received', forgedIds)).toEqual([]);
    expect(await onTopic('notification.requested', forgedIds)).toEqual([]);
    expect(await onTopic('order.created', forgedIds)).toEqual([]);
    process.stdout.write(
      `[security] DLQ redrive refused ${refused.length} forged dead letters:\n  ${refused.join('\n  ')}\n`,
    );
  }, 120_000);
});

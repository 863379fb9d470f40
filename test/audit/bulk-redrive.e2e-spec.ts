import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { exampleEvent } from '@app/contracts';
import { DLQ_HEADER, exampleDeadLetter, type TopicReader } from '@app/messaging';
import { plantDeadLetter, startDlqSuite, voidBillingParks } from '../support/dead-letters.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { settledReconciliation } from '../support/reconcile.js';
import type { Storefront } from '../support/storefront.js';

interface Letter {
  id: string;
  eventId: string;
  redriven: boolean;
  redriveCount: number;
  deadLetter: { consumerGroup: string | null; error: string | null } | null;
}
interface Item {
  id: string;
  eventId: string | null;
  type: string | null;
  topic: string | null;
}
interface BulkResult {
  dryRun: boolean;
  redriven: (Item & { redrivenTo: string })[];
  refused: (Item & { code: string; detail: string })[];
  nextCursor: string | null;
  actionId: string | null;
}
interface Action {
  id: string;
  action: string;
  result: string;
  targetRecordId: string | null;
  reason: string | null;
  detail: string | null;
}

const TYPE = 'invoice.void_requested';

/**
 * Issue #21 point 5: redriving the dead letters a selection matches in one call. Genuine dead letters are void
 * requests the saga publishes for invoices billing never issued (billing parks them for good at once); forged ones
 * are planted on the DLQ as any consumer of the topic could. Each suite's letters are told apart by their ids.
 */
describe('bulk DLQ redrive (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('bulkredrive');
  const topic = `${prefix}${TYPE}`;
  const tenant = randomUUID();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let adminToken: string;
  let reader: TopicReader;

  beforeAll(async () => {
    ({ app, db, shop, adminToken, reader } = await startDlqSuite(prefix));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  /** Genuine dead letters: void requests for invoices billing never issued, which it parks for good at once. */
  const voidsBillingParks = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await voidBillingParks(app, tenant));
    }
    return ids;
  };

  /** A void request planted on its DLQ as a consumer's Kafka user could: claiming `source`, carrying `data`. */
  const planted = async (source: string, data: object): Promise<string> => {
    const id = uuidv7();
    await plantDeadLetter(app, exampleDeadLetter(TYPE, source, prefix, { id, tenantId: tenant, data }));
    return id;
  };

  /** The first dead letter of each event in the log, in the order of `eventIds`; genuine ones once logged whole. */
  const lettersOf = async (eventIds: string[], genuine: string[] = eventIds): Promise<Letter[]> => {
    await waitFor(async () => {
      const logged: unknown[] = await db.query(
        'SELECT DISTINCT event_id FROM audit.event_log WHERE topic = $1 AND event_id = ANY($2)',
        [topic, genuine],
      );
      return logged.length === genuine.length ? true : undefined;
    }, 'the original void requests in the log');
    return waitFor(async () => {
      const response = await shop.http
        .get(`/v1/admin/dlq?topic=${TYPE}.dlq&limit=200`)
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      const items = (response.body as { items: Letter[] }).items.filter((l) => l.redriveCount === 0);
      const found = eventIds.flatMap((id) => items.filter((l) => l.eventId === id));
      return found.length === eventIds.length ? found : undefined;
    }, `${eventIds.length} dead letters in the log`);
  };

  const bulk = (body: object, token = adminToken) =>
    shop.http.post('/v1/admin/dlq/redrive').auth(token, { type: 'bearer' }).send(body);

  const run = async (body: object): Promise<BulkResult> => {
    const response = await bulk(body);
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({ status: 200 });
    return response.body as BulkResult;
  };

  const problem = async (body: object): Promise<{ code: string; detail?: string }> => {
    const response = await bulk(body);
    expect({ body, status: response.status }).toEqual({ body, status: 400 });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.body as { code: string; detail?: string };
  };

  const idsOf = (items: { id: string }[]): string[] => items.map((i) => i.id).sort();

  const acceptedRedrives = async (recordIds: string[]): Promise<Map<string, number>> => {
    const rows: { id: string; n: number }[] = await db.query(
      `SELECT target_record_id::text AS id, count(*)::int AS n FROM audit.admin_actions
       WHERE action = 'dlq.redrive' AND result = 'accepted' AND target_record_id = ANY($1::bigint[])
       GROUP BY target_record_id`,
      [recordIds],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  };

  const outboxRows = async (eventIds: string[]): Promise<Map<string, number>> => {
    const rows: { id: string; n: number }[] = await db.query(
      `SELECT event_id::text AS id, count(*)::int AS n FROM audit.outbox
       WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [eventIds],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  };

  /** Copies of these events on the original topic that a redrive sent (dlq_redrive_count 1), once all arrived. */
  const redrivenCopies = async (eventIds: string[]): Promise<Map<string, number>> =>
    waitFor(async () => {
      const copies = new Map<string, number>();
      for (const record of await reader.readAll(topic)) {
        const id = record.headers.ce_id ?? '';
        if (eventIds.includes(id) && record.headers[DLQ_HEADER.redriveCount] === '1') {
          copies.set(id, (copies.get(id) ?? 0) + 1);
        }
      }
      return copies.size === eventIds.length ? copies : undefined;
    }, 'the redriven copies on their topic');

  const actions = async (): Promise<Action[]> => {
    const response = await shop.http
      .get('/v1/admin/audit/actions?limit=200')
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    return (response.body as { items: Action[] }).items;
  };

  it('a dry run lists what would go and what would be refused, with the reason, and changes nothing', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const genuine = await voidsBillingParks(3);
    const forgedProducer = await planted('notifications', exampleEvent(TYPE));
    const invalid = await planted('saga', { ...exampleEvent(TYPE), reason: 42 });
    const letters = await lettersOf([...genuine, forgedProducer, invalid], genuine);
    const [forgedLetter, invalidLetter] = letters.slice(3);
    const ids = letters.map((l) => l.id);
    const [original] = await db.query<{ id: string }[]>(
      'SELECT id::text AS id FROM audit.event_log WHERE topic = $1 AND event_id = $2',
      [topic, genuine[0]],
    );

    const dry = await run({ selection: { type: TYPE, ids: [...ids, original?.id] } });
    expect(dry).toMatchObject({ dryRun: true, actionId: null, nextCursor: null });
    const byId = (x: { id: string }, y: { id: string }) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1);
    expect(dry.redriven).toEqual(
      letters
        .slice(0, 3)
        .map((l) => ({ id: l.id, eventId: l.eventId, type: TYPE, topic: `${topic}.dlq`, redrivenTo: topic }))
        .sort(byId),
    );
    // The id that is no dead letter first, then the selected records in the order of the log.
    expect(dry.refused).toHaveLength(3);
    expect(dry.refused[0]?.id).toBe(original?.id);
    expect(dry.refused).toEqual(
      expect.arrayContaining([
        {
          id: original?.id,
          eventId: null,
          type: null,
          topic: null,
          code: 'record-not-found',
          detail: 'no dead letter of this environment with this id matches the selection',
        },
        expect.objectContaining({
          id: forgedLetter?.id,
          code: 'redrive-refused',
          detail: `${TYPE} is published by saga, but its ce_source is notifications`,
        }),
        expect.objectContaining({
          id: invalidLetter?.id,
          code: 'redrive-refused',
          detail: expect.stringMatching(
            /^it fails the schema of invoice\.void_requested: .*reason/,
          ) as string,
        }),
      ]),
    );

    // The other criteria: part of the consumer's error (any case), and when the record was dead-lettered.
    const noInvoice = await run({ selection: { error: 'NO INVOICE', ids } });
    expect(idsOf(noInvoice.redriven)).toEqual(idsOf(letters.slice(0, 3)));
    expect(noInvoice.refused.map((r) => r.code)).toEqual(['record-not-found', 'record-not-found']);
    const after = await run({ selection: { ids, from: since } });
    expect(idsOf(after.redriven)).toEqual(idsOf(letters.slice(0, 3)));
    expect(idsOf(after.refused)).toEqual(idsOf(letters.slice(3)));
    const before = await run({ selection: { ids, to: since } });
    expect(before.redriven).toEqual([]);
    expect(before.refused.map((r) => r.code)).toEqual(Array(5).fill('record-not-found'));

    expect(await acceptedRedrives(ids)).toEqual(new Map());
    expect(await outboxRows([...genuine, forgedProducer, invalid])).toEqual(new Map());
    const trail = await actions();
    expect(trail.filter((a) => a.targetRecordId !== null && ids.includes(a.targetRecordId))).toEqual([]);
    expect(trail.filter((a) => a.action === 'dlq.redrive_batch')).toEqual([]);
  }, 60_000);

  it('redrives the selected dead letters once, each through the outbox; billing handles them; one action for the batch', async () => {
    const genuine = await voidsBillingParks(3);
    const forged = await planted('notifications', exampleEvent(TYPE));
    const letters = await lettersOf([...genuine, forged], genuine);
    const ids = letters.map((l) => l.id);
    const reason = `suite: billing fixed ${randomUUID()}`;

    const result = await run({ selection: { type: TYPE, ids }, dryRun: false, reason });
    expect(result.dryRun).toBe(false);
    expect(idsOf(result.redriven)).toEqual(idsOf(letters.slice(0, 3)));
    expect(result.redriven.every((r) => r.redrivenTo === topic)).toBe(true);
    expect(result.refused).toEqual([
      expect.objectContaining({ id: letters[3]?.id, code: 'redrive-refused' }),
    ]);

    const trail = await actions();
    const batches = trail.filter((a) => a.action === 'dlq.redrive_batch' && a.reason === reason);
    expect(batches).toEqual([
      expect.objectContaining({ id: result.actionId, result: 'accepted', targetRecordId: null }),
    ]);
    const detail = JSON.parse(batches[0]?.detail ?? '{}') as Record<string, unknown>;
    expect(detail).toMatchObject({
      selection: { type: TYPE, ids },
      redriven: 3,
      refused: 1,
      refusedIds: { [letters[3]?.id ?? '']: 'redrive-refused' },
      nextCursor: null,
    });
    // Every dead letter it sent has its accepted dlq.redrive row (the once-only guard), naming the batch.
    const perRecord = trail.filter((a) => a.action === 'dlq.redrive' && a.reason === reason);
    expect(perRecord.map((a) => a.targetRecordId).sort()).toEqual(idsOf(letters.slice(0, 3)));
    expect(perRecord.every((a) => a.detail === `redriven to ${topic} by batch ${String(detail.batch)}`)).toBe(
      true,
    );

    expect(await outboxRows(genuine)).toEqual(new Map(genuine.map((id) => [id, 1])));
    expect(await outboxRows([forged])).toEqual(new Map());
    expect(await redrivenCopies(genuine)).toEqual(new Map(genuine.map((id) => [id, 1])));
    // Billing consumed each copy: still no such invoice, so it parked it again, a dead letter of its own.
    const again = await waitFor(async () => {
      const rows: { event_id: string; dlq_consumer_group: string; dlq_error: string }[] = await db.query(
        `SELECT event_id, dlq_consumer_group, dlq_error FROM audit.event_log
         WHERE topic = $1 AND redrive_count = 1 AND event_id = ANY($2)`,
        [`${topic}.dlq`, genuine],
      );
      return rows.length === genuine.length ? rows : undefined;
    }, 'billing parking the redriven copies again');
    expect(
      again.every((r) => r.dlq_consumer_group === 'platforma.billing' && r.dlq_error.includes('no invoice')),
    ).toBe(true);

    // The same selection again: nothing goes twice, and the batch that sent nothing is recorded as refused.
    const repeat = await run({ selection: { type: TYPE, ids }, dryRun: false, reason: `${reason} again` });
    expect(repeat.redriven).toEqual([]);
    expect(repeat.refused.map((r) => r.code).sort()).toEqual([
      'already-redriven',
      'already-redriven',
      'already-redriven',
      'redrive-refused',
    ]);
    expect((await actions()).find((a) => a.id === repeat.actionId)).toMatchObject({
      action: 'dlq.redrive_batch',
      result: 'refused',
    });
    expect(await acceptedRedrives(ids)).toEqual(new Map(idsOf(letters.slice(0, 3)).map((id) => [id, 1])));
    const listed = await lettersOf([...genuine, forged], genuine);
    expect(listed.map((l) => l.redriven)).toEqual([true, true, true, false]);
  }, 90_000);

  it('two overlapping bulk redrives at the same time redrive each dead letter exactly once', async () => {
    const genuine = await voidsBillingParks(10);
    const letters = await lettersOf(genuine);
    const ids = letters.map((l) => l.id);
    const reason = `suite: race ${randomUUID()}`;
    // Both select all ten, in the same order: they meet on every record. A third takes the upper half.
    const [a, b, c] = await Promise.all([
      run({ selection: { ids }, dryRun: false, reason }),
      run({ selection: { ids }, dryRun: false, reason }),
      run({ selection: { ids: ids.slice(5) }, dryRun: false, reason }),
    ]);
    const sent = [...a.redriven, ...b.redriven, ...c.redriven].map((r) => r.id);
    expect(sent.sort()).toEqual([...ids].sort());
    for (const result of [a, b, c]) {
      expect(result.refused.every((r) => r.code === 'already-redriven')).toBe(true);
    }
    expect(a.refused.length + b.refused.length + c.refused.length).toBe(10 + 5);
    expect(await acceptedRedrives(ids)).toEqual(new Map(ids.map((id) => [id, 1])));
    expect(await outboxRows(genuine)).toEqual(new Map(genuine.map((id) => [id, 1])));
    expect(await redrivenCopies(genuine)).toEqual(new Map(genuine.map((id) => [id, 1])));
    const batches = (await actions()).filter((x) => x.action === 'dlq.redrive_batch' && x.reason === reason);
    expect(batches.map((x) => x.id).sort()).toEqual([a.actionId, b.actionId, c.actionId].sort());
  }, 90_000);

  it('takes at most `limit` dead letters a call and continues from nextCursor', async () => {
    const genuine = await voidsBillingParks(3);
    const letters = await lettersOf(genuine);
    const ids = letters.map((l) => l.id);
    const ascending = [...ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const reason = `suite: capped ${randomUUID()}`;

    const first = await run({ selection: { ids }, limit: 2 });
    expect(first.redriven.map((r) => r.id)).toEqual(ascending.slice(0, 2));
    expect(first.nextCursor).toBe(ascending[1]);
    const rest = await run({ selection: { ids }, limit: 2, cursor: first.nextCursor });
    expect(rest).toMatchObject({ nextCursor: null, refused: [] });
    expect(rest.redriven.map((r) => r.id)).toEqual(ascending.slice(2));

    const sent = await run({ selection: { ids }, limit: 2, dryRun: false, reason });
    expect(sent.redriven.map((r) => r.id)).toEqual(ascending.slice(0, 2));
    expect(await acceptedRedrives(ids)).toEqual(new Map(ascending.slice(0, 2).map((id) => [id, 1])));
    const last = await run({ selection: { ids }, limit: 2, cursor: sent.nextCursor, dryRun: false, reason });
    expect(last.redriven.map((r) => r.id)).toEqual(ascending.slice(2));
    expect(await acceptedRedrives(ids)).toEqual(new Map(ids.map((id) => [id, 1])));

    expect((await problem({ selection: { ids }, limit: 501 })).code).toBe('validation-failed');
    const tooMany = Array.from({ length: 501 }, (_, i) => String(i + 1));
    expect((await problem({ selection: { ids: tooMany } })).code).toBe('validation-failed');
  }, 60_000);

  it('answers a bad selection with 400 problem+json, and the bulk redrive only to admins', async () => {
    const now = new Date().toISOString();
    for (const body of [{ selection: {} }, { selection: { from: now, to: now } }]) {
      expect((await problem(body)).code).toBe('invalid-filter');
    }
    for (const body of [
      {},
      { selection: 'all' },
      { selection: { type: TYPE }, dryRun: false },
      { selection: { type: TYPE }, dryRun: false, reason: ' ' },
      { selection: { type: TYPE }, dryRun: 'no' },
      { selection: { type: 'Invoice Void' } },
      { selection: { from: 'yesterday' } },
      { selection: { ids: ['0'] } },
      { selection: { ids: [] } },
      { selection: { topic: `${TYPE}.dlq` } },
      { selection: { type: TYPE }, cursor: 'abc' },
      { selection: { type: TYPE }, limit: 0 },
      { selection: { type: TYPE }, everything: true },
    ]) {
      expect((await problem(body)).code).toBe('validation-failed');
    }
    const { token } = await shop.customer();
    await bulk({ selection: { type: TYPE } }, token).expect(403);
    await shop.http
      .post('/v1/admin/dlq/redrive')
      .send({ selection: { type: TYPE } })
      .expect(401);
  });

  it('afterwards the reconciler finds nothing lost, nothing done twice, nothing stuck', async () => {
    // No grace period: wait for what is still settling (billing parking the last copies, the log catching up).
    const report = await settledReconciliation(prefix);
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
    // The redriven copies are the same events: published once each by the outbox, all in the log.
    expect(report.eventsPublished).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
  });
});

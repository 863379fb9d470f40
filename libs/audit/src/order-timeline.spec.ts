import { logged } from './testing/logged-event.factory.js';
import { causalOrder, kindOf, labelOf, orderTimeline } from './order-timeline.js';

describe(causalOrder.name, () => {
  it('places every record after its cause even when its clock says earlier, earliest first among the ready', () => {
    const created = logged('order.created', 'a', null, 10);
    const invoice = logged('invoice.generated', 'b', 'a', 12);
    const saga = logged('saga.started', 'c', 'a', 11);
    // Written by a host whose clock runs behind: still after its cause.
    const paid = logged('payment.received', 'd', 'b', 5);
    const unrelated = logged('account.created', 'z', null, 1);
    const order = causalOrder([paid, invoice, saga, created, unrelated]);
    expect(order.map((o) => o.event.eventId)).toEqual(['z', 'a', 'c', 'b', 'd']);
    expect(order.map((o) => o.depth)).toEqual([0, 0, 1, 1, 2]);
  });

  it('hangs a dead letter and a redriven copy under the original record', () => {
    const created = logged('order.created', 'a', null, 10);
    const requested = logged('invoice.generated', 'b', 'a', 11);
    const deadLetter = logged('invoice.generated', 'b', 'a', 11, {
      topic: 'p.invoice.generated.dlq',
      deadLetter: {
        error: 'boom',
        attempts: 5,
        consumerGroup: 'platforma.saga',
        originalTopic: 'p.invoice.generated',
        originalPartition: 0,
        originalOffset: '2',
        redriveCount: 0,
      },
    });
    const redriven = logged('invoice.generated', 'b', 'a', 11, { redriveCount: 1 });
    const received = logged('payment.received', 'c', 'b', 12);
    const order = causalOrder([redriven, deadLetter, received, requested, created]);
    expect(order.map((o) => [o.event.id, o.depth])).toEqual([
      [created.id, 0],
      [requested.id, 1],
      [deadLetter.id, 2],
      [redriven.id, 2],
      [received.id, 2],
    ]);
  });

  it('never drops a record, even in a causation cycle', () => {
    const a = logged('x.a', 'a', 'b', 2);
    const b = logged('x.b', 'b', 'a', 1);
    const order = causalOrder([a, b]);
    expect(order.map((o) => o.event.eventId)).toEqual(['b', 'a']);
  });
});

describe(labelOf.name, () => {
  it('says what saga steps, compensations and dead letters mean', () => {
    const step = logged('saga.step_completed', 'a', null, 1, {
      payload: { step: 'payment', nextStep: 'provision' },
    });
    expect([kindOf(step), labelOf(step)]).toEqual(['saga_step', 'saga step payment completed → provision']);
    const refund = logged('payment.refund_requested', 'b', null, 1, {
      payload: { reason: 'provisioning_failed' },
    });
    expect([kindOf(refund), labelOf(refund)]).toEqual([
      'compensation',
      'compensation: refund requested (provisioning_failed)',
    ]);
    const compensating = logged('saga.compensating', 'c', null, 1, {
      payload: { step: 'provision', reason: 'no_capacity', compensations: ['payment', 'invoice'] },
    });
    expect([kindOf(compensating), labelOf(compensating)]).toEqual([
      'compensation',
      'compensation: saga undoing payment, invoice after provision failed (no_capacity)',
    ]);
    const letter = logged('invoice.paid', 'd', null, 1, {
      deadLetter: {
        error: 'failed 5 times: db',
        attempts: 5,
        consumerGroup: 'platforma.billing',
        originalTopic: null,
        originalPartition: null,
        originalOffset: null,
        redriveCount: 0,
      },
    });
    expect([kindOf(letter), labelOf(letter)]).toEqual([
      'dead_letter',
      'dead-lettered by platforma.billing after 5 attempts: failed 5 times: db',
    ]);
    const completed = logged('order.completed', 'e', null, 1, {
      payload: { orderId: 'o', serviceId: 's-1' },
    });
    expect([kindOf(completed), labelOf(completed)]).toEqual(['order', 'order completed (service s-1)']);
    const other = logged('provisioning.failed', 'f', null, 1, {
      payload: { reason: 'image_failed' },
      redriveCount: 2,
    });
    expect([kindOf(other), labelOf(other)]).toEqual([
      'event',
      'provisioning failed (image_failed) (redriven, #2)',
    ]);
  });

  it("names a customer's action on the order's service and how it ended", () => {
    const labels = [
      logged('service.action_requested', 'a', null, 1, { payload: { action: 'reboot', serviceId: 's-1' } }),
      logged('service.action_completed', 'b', 'a', 2, {
        payload: { action: 'reinstall', credentialsSecretId: 'c-1' },
      }),
      logged('service.action_completed', 'c', 'a', 2, {
        payload: { action: 'reboot', credentialsSecretId: null },
      }),
      logged('service.action_failed', 'd', 'a', 2, {
        payload: { action: 'power_on', reason: 'service_suspended' },
      }),
    ].map((e) => [kindOf(e), labelOf(e)]);
    expect(labels).toEqual([
      ['event', 'customer action reboot requested on service s-1'],
      ['event', 'customer action reinstall completed, new one-time credentials issued'],
      ['event', 'customer action reboot completed'],
      ['event', 'customer action power_on failed (service_suspended)'],
    ]);
  });
});

describe(orderTimeline.name, () => {
  it('attaches the operators’ actions to the record they targeted', () => {
    const letter = logged('invoice.paid', 'd', null, 1);
    const action = {
      id: '9',
      action: 'dlq.redrive' as const,
      actor: { userId: 'u', tenantId: 't', role: 'admin' },
      at: letter.recordedAt,
      targetRecordId: letter.id,
      targetEventId: 'd',
      targetTopic: letter.topic,
      orderId: null,
      replayId: null,
      reason: 'fixed',
      result: 'accepted' as const,
      detail: null,
    };
    const [entry] = orderTimeline([letter], [action]);
    expect(entry).toMatchObject({ depth: 0, kind: 'event', label: 'invoice paid', actions: [action] });
  });
});

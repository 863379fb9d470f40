import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import type { MetricService } from 'nestjs-otel';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import { type EventContext, OutboxService, type Tx } from '@app/messaging';
import { AppConfig, METRIC_SERVICE, type Principal, Span } from '@app/platform';
import type { SagaInstance } from './entities/saga-instance.entity.js';
import {
  CURRENT_VERSION,
  decide,
  DEFINITION,
  type Decision,
  isRefusal,
  operate,
  type OperatorAction,
  type Outgoing,
  redrive,
  type RefusalCode,
  type SagaEnvironment,
  type SagaEventType,
  type SagaInput,
  type SagaState,
  type SagaStatus,
  start,
  storedInput,
  eventInput,
  type Verdict,
} from './order-saga.definition.js';
import { SagaErrorCode, SagaException } from './saga.exception.js';
import { type Answered, type Cause, decisionEntries, type HistoryEntry } from './saga-console.view.js';
import { ParkedEventRepository } from './parked-event.repository.js';
import { SagaHistoryRepository } from './saga-history.repository.js';
import { SagaRepository } from './saga.repository.js';
import { type KnownViews, SagaViewsRepository } from './saga-views.repository.js';

const MAX_PROVISION_ATTEMPTS = 3;

/** Each refusal of an operator action is its own problem type. */
const REFUSED: Record<RefusalCode, SagaErrorCode> = {
  saga_closed: SagaErrorCode.SagaClosed,
  saga_completed: SagaErrorCode.SagaCompleted,
  no_timer: SagaErrorCode.NoTimer,
  already_compensating: SagaErrorCode.AlreadyCompensating,
  nothing_to_retry: SagaErrorCode.NothingToRetry,
  waiting_for_invoice: SagaErrorCode.WaitingForInvoice,
};

export interface SagaActionResult {
  sagaId: string;
  orderId: string;
  action: OperatorAction;
  outcome: 'applied';
  /** The saga.operator_action event, the cause of every event the action published. */
  eventId: string;
  verdict: Verdict;
  decision: string;
  status: SagaStatus;
  step: string;
  published: string[];
}

/** Runs the order saga's decisions against the database: load, decide, save, publish — in one transaction. */
@Injectable()
export class OrderSagaService {
  private readonly logger = new Logger(OrderSagaService.name);
  private readonly durations: Histogram;
  private readonly stepFailures: Counter;

  constructor(
    private readonly repository: SagaRepository,
    private readonly historyLog: SagaHistoryRepository,
    private readonly parkedEvents: ParkedEventRepository,
    private readonly views: SagaViewsRepository,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    @Inject(METRIC_SERVICE) metrics: MetricService,
  ) {
    this.durations = metrics.getHistogram('platforma_saga_duration_seconds', {
      description: 'Time from order.created to the saga completing or failing, by outcome',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86400, 172800] },
    });
    this.stepFailures = metrics.getCounter('platforma_saga_step_failures', {
      description: 'Saga steps that failed for good (the saga compensates), by step and reason',
    });
  }

  @Span('saga.start')
  async start(ctx: EventContext<'order.created'>, order: EventData<'order.created'>): Promise<void> {
    await this.repository.lockOrder(ctx.manager, order.orderId);
    const known = await this.repository.beforeStart(
      ctx.manager,
      order.orderId,
      order.accountId,
      order.planId,
    );
    if (known.started) {
      return;
    }
    const env = await this.environment(ctx.manager, order.accountId, order.planId, known.views);
    const decision = start(uuidv7(), order, env);
    const now = new Date();
    const instance: SagaInstance = {
      id: decision.state.sagaId,
      orderId: order.orderId,
      tenantId: ctx.tenantId,
      correlationId: ctx.envelope.correlationid,
      definition: DEFINITION,
      definitionVersion: CURRENT_VERSION,
      status: decision.state.status,
      step: decision.state.step,
      data: decision.state.data,
      compensations: decision.state.compensations,
      failure: null,
      timerKind: decision.timer?.kind ?? null,
      timerAt: decision.timer?.at ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(ctx.manager, instance);
    await publishAll(ctx, ctx.tenantId, decision.publish);
    await this.historyLog.appendHistory(
      ctx.manager,
      decisionEntries(instance, { status: null, step: null }, { kind: 'start' }, decision, {
        eventId: ctx.envelope.id,
        type: ctx.envelope.type,
      }),
    );
    if (known.parked) {
      await this.replayParked(ctx.manager, instance);
    }
  }

  /**
   * An event about an order moves its saga. Events travel on different topics, so one may arrive before the
   * saga reaches the step that expects it (payment.received before invoice.generated, anything before
   * order.created): the decider parks such an event, and it is replayed as soon as the saga moves.
   */
  @Span('saga.advance')
  async advance<T extends SagaEventType>(
    ctx: EventContext<T>,
    orderId: string,
    data: EventData<T>,
  ): Promise<void> {
    await this.repository.lockOrder(ctx.manager, orderId);
    const locked = await this.repository.lockWithParked(ctx.manager, orderId);
    const input = eventInput(ctx.envelope.type, data);
    const cause = { eventId: ctx.envelope.id, type: ctx.envelope.type };
    const verdict = locked
      ? await this.apply(ctx, locked.instance, input, false, cause, locked.views)
      : 'park';
    if (verdict === 'park') {
      await this.parkedEvents.park(ctx.manager, orderId, {
        eventId: ctx.envelope.id,
        type: ctx.envelope.type,
        correlationId: ctx.envelope.correlationid,
        data,
      });
    } else if (locked?.parked && moves(verdict)) {
      // Nothing parked for the order (the common case): no replay, and no query to find that out.
      await this.replayParked(ctx.manager, locked.instance);
    }
  }

  /** Parked events run as soon as the saga moves, each as the cause of what it leads to. */
  private async replayParked(manager: EntityManager, instance: SagaInstance): Promise<void> {
    let moved = true;
    while (moved) {
      moved = false;
      for (const parked of await this.parkedEvents.parked(manager, instance.orderId)) {
        const causal = this.outbox.unitOfWork(manager, {
          tenantId: instance.tenantId,
          correlationId: parked.correlationId,
          causationId: parked.eventId,
        });
        const input = storedInput(parked.type, parked.data);
        const cause = { eventId: parked.eventId, type: parked.type };
        const verdict = input ? await this.apply(causal, instance, input, false, cause) : 'ignore';
        if (!input) {
          this.logger.warn(`order ${instance.orderId}: parked ${parked.type} is not a saga input; dropped`);
        }
        if (verdict !== 'park') {
          await this.parkedEvents.unpark(manager, parked.eventId);
        }
        if (moves(verdict)) {
          moved = true;
          break;
        }
      }
    }
  }

  /**
   * Operator action for a saga stuck in compensation (reconcile names it): publishes the request of the
   * compensation it waits for once more. Billing now refunds a captured payment when it voids, so a saga that
   * waited for a held-back void closes with a refund.
   */
  async retryCompensation(
    orderId: string,
  ): Promise<{ status: SagaStatus; waitingFor: string | null; published: string[] }> {
    return this.outbox.transaction(async (uow) => {
      await this.repository.lockOrder(uow.manager, orderId);
      const instance = await this.repository.lockByOrder(uow.manager, orderId);
      if (!instance) {
        throw new SagaException(SagaErrorCode.SagaNotFound);
      }
      const env = await this.environment(uow.manager, instance.data.accountId, instance.data.planId);
      const decision = redrive(toState(instance), env);
      if (decision.verdict === 'ignore') {
        throw new SagaException(SagaErrorCode.NothingToRetry, decision.reason);
      }
      const causal = this.outbox.unitOfWork(uow.manager, {
        tenantId: instance.tenantId,
        correlationId: instance.correlationId,
      });
      const before = { status: instance.status, failed: instance.failure !== null };
      const was = { status: instance.status, step: instance.step };
      this.merge(instance, decision, false);
      await publishAll(causal, instance.tenantId, decision.publish);
      await this.repository.saveWithHistory(
        uow.manager,
        instance,
        decisionEntries(instance, was, { kind: 'retry' }, decision, {
          eventId: null,
          type: 'operator:retry-compensation',
        }),
      );
      this.observe(instance, before);
      this.logger.warn(
        `operator retried the compensation of order ${orderId}: ${decision.publish.map((p) => p.type).join(', ')}`,
      );
      return {
        status: instance.status,
        waitingFor: instance.compensations[0] ?? null,
        published: decision.publish.map((p) => p.type),
      };
    });
  }

  /**
   * An operator's action from the console, under the saga's lock: two operators acting at once are serialized, and
   * the second is judged on the state the first left. Applied or refused, the action is a history row and a
   * saga.operator_action event (the cause of whatever the action publishes); a refusal then answers 409.
   */
  async act(
    orderId: string,
    action: OperatorAction,
    reason: string,
    actor: Principal,
  ): Promise<SagaActionResult> {
    const result = await this.outbox.transaction(async (uow) => {
      await this.repository.lockOrder(uow.manager, orderId);
      const instance = await this.repository.lockByOrder(uow.manager, orderId);
      if (!instance) {
        throw new SagaException(SagaErrorCode.SagaNotFound);
      }
      if (instance.definitionVersion !== CURRENT_VERSION) {
        throw new Error(
          `saga definition ${instance.definition} v${instance.definitionVersion} is not deployed`,
        );
      }
      const env = await this.environment(uow.manager, instance.data.accountId, instance.data.planId);
      const was = { status: instance.status, step: instance.step };
      const timer = instance.timerKind;
      const outcome = operate(toState(instance), action, timer, reason, env);
      const refused = isRefusal(outcome) ? outcome : null;
      const after = isRefusal(outcome) ? was : { status: outcome.state.status, step: outcome.state.step };
      const causal = this.outbox.unitOfWork(uow.manager, {
        tenantId: instance.tenantId,
        correlationId: instance.correlationId,
      });
      const announced = await causal.publish(
        'saga.operator_action',
        {
          sagaId: instance.id,
          orderId,
          definition: instance.definition,
          definitionVersion: instance.definitionVersion,
          action,
          reason,
          actor: actor.userId,
          actorTenantId: actor.tenantId,
          outcome: refused ? 'refused' : 'applied',
          refusal: refused?.refusal ?? null,
          status: after.status,
          step: after.step,
        },
        { tenantId: instance.tenantId, subject: instance.id },
      );
      const cause: Cause = { eventId: announced.id, type: announced.type };
      const operatorRow: HistoryEntry = {
        instanceId: instance.id,
        kind: 'operator',
        statusBefore: was.status,
        statusAfter: after.status,
        stepBefore: was.step,
        stepAfter: after.step,
        causeEventId: cause.eventId,
        causeType: cause.type,
        detail: {
          action,
          reason,
          actor: { userId: actor.userId, tenantId: actor.tenantId },
          outcome: refused ? 'refused' : 'applied',
          ...(refused ? { refusal: refused.refusal, refusalReason: refused.reason } : {}),
        },
      };
      if (isRefusal(outcome)) {
        await this.historyLog.appendHistory(uow.manager, [operatorRow]);
        this.logger.warn(`operator ${action} on order ${orderId} refused: ${outcome.reason}`);
        return outcome;
      }
      const consequences = this.outbox.unitOfWork(uow.manager, {
        tenantId: instance.tenantId,
        correlationId: instance.correlationId,
        causationId: announced.id,
      });
      const before = { status: instance.status, failed: instance.failure !== null };
      this.merge(instance, outcome, action === 'fire_timer');
      await publishAll(consequences, instance.tenantId, outcome.publish);
      const answered: Answered =
        action === 'fire_timer' && timer
          ? { kind: 'timer', timer }
          : action === 'retry_step'
            ? { kind: 'retry' }
            : { kind: 'operator' };
      await this.repository.saveWithHistory(uow.manager, instance, [
        operatorRow,
        ...decisionEntries(instance, was, answered, outcome, cause),
      ]);
      this.observe(instance, before);
      this.logger.warn(
        `operator ${action} on order ${orderId}: ${outcome.verdict} (${outcome.reason}), ` +
          `published ${outcome.publish.map((p) => p.type).join(', ') || 'nothing'}`,
      );
      if (moves(outcome.verdict)) {
        await this.replayParked(uow.manager, instance);
      }
      return {
        sagaId: instance.id,
        orderId,
        action,
        outcome: 'applied' as const,
        eventId: announced.id,
        verdict: outcome.verdict,
        decision: outcome.reason,
        status: instance.status,
        step: instance.step,
        published: outcome.publish.map((p) => p.type),
      };
    });
    if (isRefusal(result)) {
      throw new SagaException(REFUSED[result.refusal], result.reason);
    }
    return result;
  }

  /** Fires one due timer; false when none is due. */
  async fireDueTimer(): Promise<boolean> {
    let instance: SagaInstance | null = null;
    await this.outbox.transaction(async (uow) => {
      instance = await this.repository.claimDue(uow.manager);
      if (!instance) {
        return;
      }
      const kind = instance.timerKind;
      if (!kind) {
        instance.timerAt = null;
        await this.repository.save(uow.manager, instance);
        return;
      }
      const withCausal = this.outbox.unitOfWork(uow.manager, {
        tenantId: instance.tenantId,
        correlationId: instance.correlationId,
      });
      const input: SagaInput = { kind: 'timer', timer: kind };
      const cause = { eventId: null, type: `timer:${kind}` };
      if (moves(await this.apply(withCausal, instance, input, true, cause))) {
        await this.replayParked(uow.manager, instance);
      }
    });
    return instance !== null;
  }

  private async apply(
    tx: Tx,
    instance: SagaInstance,
    input: SagaInput,
    timerFired: boolean,
    cause: Cause,
    /** The views as read with the instance, when they were. */
    views?: KnownViews,
  ): Promise<Verdict> {
    if (instance.definitionVersion !== CURRENT_VERSION) {
      throw new Error(
        `saga definition ${instance.definition} v${instance.definitionVersion} is not deployed`,
      );
    }
    const env = await this.environment(tx.manager, instance.data.accountId, instance.data.planId, views);
    const decision = decide(toState(instance), input, env);
    const what = input.kind === 'event' ? input.type : `timer ${input.timer}`;
    const was = { status: instance.status, step: instance.step };
    if (!moves(decision.verdict)) {
      this.logger.debug(`order ${instance.orderId}: ${decision.verdict} ${what}: ${decision.reason}`);
      const entries = decisionEntries(instance, was, input, decision, cause);
      if (timerFired) {
        instance.timerKind = null;
        instance.timerAt = null;
        await this.repository.saveWithHistory(tx.manager, instance, entries);
      } else {
        await this.historyLog.appendHistory(tx.manager, entries);
      }
      return decision.verdict;
    }
    if (decision.verdict === 'compensate') {
      this.logger.log(`order ${instance.orderId}: compensate on ${what}: ${decision.reason}`);
    }
    const before = { status: instance.status, failed: instance.failure !== null };
    this.merge(instance, decision, timerFired);
    await publishAll(tx, instance.tenantId, decision.publish);
    await this.repository.saveWithHistory(
      tx.manager,
      instance,
      decisionEntries(instance, was, input, decision, cause),
    );
    this.observe(instance, before);
    return decision.verdict;
  }

  /** Counted before the commit: a transaction that is retried may count its transition twice. */
  private observe(instance: SagaInstance, before: { status: SagaStatus; failed: boolean }): void {
    if (instance.failure && !before.failed) {
      this.stepFailures.add(1, { step: instance.failure.step, reason: instance.failure.reason });
    }
    const ended = instance.status === 'completed' || instance.status === 'failed';
    if (ended && instance.status !== before.status) {
      const seconds = (instance.updatedAt.getTime() - instance.createdAt.getTime()) / 1000;
      this.durations.record(seconds, { outcome: instance.status });
    }
  }

  private merge(instance: SagaInstance, decision: Decision, timerFired: boolean): void {
    instance.status = decision.state.status;
    instance.step = decision.state.step;
    instance.data = decision.state.data;
    instance.compensations = decision.state.compensations;
    instance.failure = decision.state.failure ?? null;
    if (decision.timer !== undefined) {
      instance.timerKind = decision.timer?.kind ?? null;
      instance.timerAt = decision.timer?.at ?? null;
    } else if (timerFired) {
      instance.timerKind = null;
      instance.timerAt = null;
    }
    instance.updatedAt = new Date();
  }

  private async environment(
    manager: EntityManager,
    accountId: string,
    planId: string,
    views?: KnownViews,
  ): Promise<SagaEnvironment> {
    const known = views ?? (await this.views.context(manager, accountId, planId));
    return {
      now: new Date(),
      newId: uuidv7,
      paymentWindowSeconds: this.config.PAYMENT_WINDOW_SECONDS,
      provisioningDeadlineSeconds: this.config.PROVISIONING_DEADLINE_SECONDS,
      maxProvisionAttempts: MAX_PROVISION_ATTEMPTS,
      maxDeclines: this.config.PAYMENT_MAX_DECLINES,
      storefrontUrl: this.config.STOREFRONT_URL,
      ...known,
    };
  }
}

/** Verdicts that change the instance (and so may make a parked event usable). */
function moves(verdict: Verdict): boolean {
  return verdict === 'act' || verdict === 'compensate';
}

function toState(instance: SagaInstance): SagaState {
  return {
    sagaId: instance.id,
    status: instance.status,
    step: instance.step,
    data: instance.data,
    compensations: instance.compensations,
    ...(instance.failure ? { failure: instance.failure } : {}),
  };
}

async function publishAll(tx: Tx, tenantId: string, outgoing: Outgoing[]): Promise<void> {
  for (const event of outgoing) {
    // Outgoing pairs each type with its own payload; the union cannot be narrowed generically here.
    await tx.publish(event.type as 'saga.completed', event.data as EventData<'saga.completed'>, {
      tenantId,
      subject: event.subject,
    });
  }
}

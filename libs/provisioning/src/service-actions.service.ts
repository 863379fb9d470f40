import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService, type Tx } from '@app/messaging';
import { AppConfig, type PageQuery, type Principal } from '@app/platform';
import type { ServiceActionDto } from './dto/service-action.dto.js';
import type { ServiceActionRecord } from './entities/service-action.entity.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';
import { type ActionRefusal, refusalOf } from './service-action.state.js';
import { ServiceActionRepository } from './service-action.repository.js';
import { type ServiceActionView, toActionView } from './service-action.view.js';
import { ServiceRepository } from './service.repository.js';

export interface ActionRequestResult {
  view: ServiceActionView;
  /** The answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Far beyond the consumer's retries of an action: one still requested then was dead-lettered. */
export const ACTION_TIMEOUT_MS = 10 * 60_000;

const REFUSED: Record<ActionRefusal, ProvisioningErrorCode> = {
  service_not_delivered: ProvisioningErrorCode.ServiceNotDelivered,
  service_suspended: ProvisioningErrorCode.ServiceSuspended,
  service_released: ProvisioningErrorCode.ServiceReleased,
};

/**
 * The customer's actions on their services: a request is checked against the service's state, recorded and
 * announced (service.action_requested) in one transaction; provisioning's own consumer runs it
 * (ServiceActionRunnerService). One action per service at a time.
 */
@Injectable()
export class ServiceActionsService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly services: ServiceRepository,
    private readonly actions: ServiceActionRepository,
    private readonly config: AppConfig,
  ) {}

  request(
    principal: Principal,
    serviceId: string,
    dto: ServiceActionDto,
    key?: string,
  ): Promise<ActionRequestResult> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ProvisioningException(ProvisioningErrorCode.InvalidIdempotencyKey);
    }
    const { tenantId } = principal;
    const requestHash = createHash('sha256').update(`${serviceId}:${dto.action}`).digest('hex');
    return this.outbox.transaction(async (tx) => {
      const { manager } = tx;
      await this.actions.serializeRequests(manager, tenantId, serviceId, key);
      const service = await this.services.findForTenant(tenantId, serviceId);
      if (!service) {
        throw new ProvisioningException(ProvisioningErrorCode.ServiceNotFound);
      }
      if (key !== undefined) {
        const earlier = await this.actions.findByKey(
          manager,
          tenantId,
          key,
          this.config.IDEMPOTENCY_KEY_TTL_HOURS,
        );
        if (earlier && earlier.requestHash !== requestHash) {
          throw new ProvisioningException(ProvisioningErrorCode.IdempotencyKeyReused);
        }
        if (earlier) {
          return { view: toActionView(earlier), replayed: true };
        }
      }
      // The consumer checks again when it runs the action: the service may be suspended in between.
      const refusal = refusalOf(service.state);
      if (refusal) {
        throw new ProvisioningException(REFUSED[refusal]);
      }
      await this.abandonStale(tx, tenantId, serviceId, service.orderId);
      const running = await this.actions.inFlight(manager, serviceId);
      if (running) {
        throw new ProvisioningException(
          ProvisioningErrorCode.ServiceActionInProgress,
          `${running.action} ${running.id} was requested at ${running.requestedAt.toISOString()}`,
        );
      }
      const action: ServiceActionRecord = {
        id: uuidv7(),
        tenantId,
        serviceId,
        action: dto.action,
        status: 'requested',
        reason: null,
        message: null,
        requestedBy: principal.userId,
        idempotencyKey: key ?? null,
        requestHash: key === undefined ? null : requestHash,
        requestedAt: new Date(),
        finishedAt: null,
      };
      await this.actions.insert(manager, action);
      await tx.publish(
        'service.action_requested',
        {
          actionId: action.id,
          serviceId,
          accountId: tenantId,
          orderId: service.orderId,
          action: action.action,
          requestedBy: action.requestedBy,
        },
        { tenantId, subject: serviceId },
      );
      return { view: toActionView(action), replayed: false };
    });
  }

  /**
   * An action still requested after ACTION_TIMEOUT_MS was never answered (its event dead-lettered after the
   * consumer's retries, e.g. while the node was unreachable): it is failed as timed_out, announced, and no longer
   * holds the service. The row lock makes a late run of it (a redrive) and this decision exclude each other.
   */
  private async abandonStale(tx: Tx, tenantId: string, serviceId: string, orderId: string): Promise<void> {
    const running = await this.actions.inFlight(tx.manager, serviceId);
    if (!running || Date.now() - running.requestedAt.getTime() < ACTION_TIMEOUT_MS) {
      return;
    }
    const stale = await this.actions.lock(tx.manager, tenantId, running.id);
    if (stale?.status !== 'requested') {
      return;
    }
    const message = `No answer from the hypervisor within ${ACTION_TIMEOUT_MS / 60_000} minutes.`;
    await this.actions.finish(tx.manager, stale, { status: 'failed', reason: 'timed_out', message });
    await tx.publish(
      'service.action_failed',
      {
        actionId: stale.id,
        serviceId,
        accountId: tenantId,
        orderId,
        action: stale.action,
        requestedBy: stale.requestedBy,
        reason: 'timed_out',
        message,
      },
      { tenantId, subject: serviceId },
    );
  }

  async get(principal: Principal, serviceId: string, actionId: string): Promise<ServiceActionView> {
    const action = await this.actions.findForService(principal.tenantId, serviceId, actionId);
    if (!action) {
      throw new ProvisioningException(ProvisioningErrorCode.ServiceActionNotFound);
    }
    return toActionView(action);
  }

  async list(
    principal: Principal,
    serviceId: string,
    query: PageQuery,
  ): Promise<{ items: ServiceActionView[]; nextCursor: string | null }> {
    if (!(await this.services.findForTenant(principal.tenantId, serviceId))) {
      throw new ProvisioningException(ProvisioningErrorCode.ServiceNotFound);
    }
    const limit = query.limit ?? 20;
    const rows = await this.actions.listForService(principal.tenantId, serviceId, limit + 1, query.cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toActionView),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import { type EventContext, PermanentEventError } from '@app/messaging';
import { Span } from '@app/platform';
import { FIRST_STEP } from './build.state.js';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { ServiceRepository } from './service.repository.js';

type Request = EventData<'provisioning.requested'>;
type RequestContext = EventContext<'provisioning.requested'>;

/**
 * Turns provisioning.requested into a service and a build job. Idempotent by serviceId: a new service is built, a
 * retryable failure is built again as the next attempt, anything else is left as it is.
 */
@Injectable()
export class BuildRequestService {
  private readonly logger = new Logger(BuildRequestService.name);

  constructor(private readonly services: ServiceRepository) {}

  @Span('provisioning.request_build')
  async request(ctx: RequestContext, data: Request): Promise<void> {
    if (data.accountId !== ctx.tenantId) {
      throw new PermanentEventError(`accountId ${data.accountId} is not the event's tenant ${ctx.tenantId}`);
    }
    await this.services.serialize(ctx.manager, data.serviceId);
    if (await this.services.isReleased(ctx.manager, data.serviceId)) {
      // The release overtook the request: building now would leak a machine nobody pays for.
      this.logger.warn(`not building service ${data.serviceId}: it was released before it was requested`);
      return;
    }
    const existing = await this.services.lock(ctx.manager, data.serviceId);
    if (!existing) {
      return this.buildNew(ctx, data);
    }
    if (existing.tenantId !== ctx.tenantId || existing.orderId !== data.orderId) {
      throw new PermanentEventError(`service id ${data.serviceId} already belongs to another order`);
    }
    if (existing.state === 'failed' && existing.failureRetryable) {
      return this.retry(ctx, existing);
    }
    if (existing.state === 'failed') {
      this.logger.warn(
        `not retrying service ${existing.id}: it failed with ${existing.failureReason}, final`,
      );
    }
  }

  private async buildNew(ctx: RequestContext, data: Request): Promise<void> {
    const now = new Date();
    const service: ServiceRecord = {
      id: data.serviceId,
      tenantId: ctx.tenantId,
      orderId: data.orderId,
      planId: data.planId,
      region: data.region,
      image: data.image,
      hostname: data.hostname,
      vcpus: data.resources.vcpus,
      memoryMb: data.resources.memoryMb,
      diskGb: data.resources.diskGb,
      state: 'provisioning',
      step: null,
      node: null,
      network: null,
      ipv4: null,
      ipv6: null,
      attempt: 1,
      failureStep: null,
      failureReason: null,
      failureMessage: null,
      failureRetryable: null,
      username: null,
      credentialsSecretId: null,
      credentialsRetrievedAt: null,
      releaseReason: null,
      createdAt: now,
      updatedAt: now,
      provisionedAt: null,
      failedAt: null,
      releasedAt: null,
      seedRemoveAfter: null,
    };
    await this.services.insertService(ctx.manager, service);
    await this.enqueue(ctx, service);
  }

  private async retry(ctx: RequestContext, service: ServiceRecord): Promise<void> {
    // The failed attempt gave its node and addresses back; the new one is placed again by its first step.
    Object.assign(service, {
      state: 'provisioning',
      step: null,
      node: null,
      network: null,
      attempt: service.attempt + 1,
      failureStep: null,
      failureReason: null,
      failureMessage: null,
      failureRetryable: null,
      failedAt: null,
    } satisfies Partial<ServiceRecord>);
    await this.services.saveService(ctx.manager, service);
    await this.enqueue(ctx, service);
  }

  /**
   * The job carries the request's correlation, so every event of the build belongs to the same order flow. Its
   * first step places the machine and announces provisioning.started.
   */
  private async enqueue(ctx: RequestContext, service: ServiceRecord): Promise<void> {
    const now = new Date();
    await this.services.insertJob(ctx.manager, {
      id: uuidv7(),
      serviceId: service.id,
      tenantId: service.tenantId,
      attempt: service.attempt,
      status: 'running',
      step: FIRST_STEP,
      stepAnnounced: false,
      runAfter: now,
      driverErrors: 0,
      lastError: null,
      correlationId: ctx.envelope.correlationid,
      causationId: ctx.envelope.id,
      traceparent: ctx.envelope.traceparent ?? null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    });
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { type EventContext, PermanentEventError } from '@app/messaging';
import {
  PLACEMENT,
  type Placement,
  PROVISIONING_DRIVER,
  type ProvisioningDriver,
} from './driver/provisioning.driver.js';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { placedMachineOf } from './machine.js';
import { ReleaseService } from './release.service.js';
import { type CommandKind, ServiceCommandRepository } from './service-command.repository.js';
import { ServiceRepository } from './service.repository.js';

type Command = { serviceId: string; accountId: string; sequence: number };

/**
 * Billing's commands about a delivered service: suspend, unsuspend, terminate, resize. Each runs serialized with
 * everything else about the service (build, release), is applied only if newer than the last command of its kind,
 * calls the driver, records the new state and announces it (service.suspended, .unsuspended, .terminated,
 * .resized) in one transaction. A command that finds nothing to do (already suspended, released) only records its
 * sequence.
 */
@Injectable()
export class ServiceLifecycleService {
  private readonly logger = new Logger(ServiceLifecycleService.name);

  constructor(
    private readonly services: ServiceRepository,
    private readonly commands: ServiceCommandRepository,
    private readonly releases: ReleaseService,
    @Inject(PROVISIONING_DRIVER) private readonly driver: ProvisioningDriver,
    @Inject(PLACEMENT) private readonly placement: Placement,
  ) {}

  async suspend(ctx: EventContext, data: EventData<'service.suspend_requested'>): Promise<void> {
    const service = await this.admit(ctx, data, 'state');
    if (service?.state !== 'active') {
      return this.skip(ctx, data, service);
    }
    await this.driver.suspend(placedMachineOf(service));
    service.state = 'suspended';
    await this.services.saveService(ctx.manager, service);
    await ctx.publish(
      'service.suspended',
      { serviceId: service.id, accountId: service.tenantId, reason: data.reason },
      { subject: service.id },
    );
  }

  async unsuspend(ctx: EventContext, data: EventData<'service.unsuspend_requested'>): Promise<void> {
    const service = await this.admit(ctx, data, 'state');
    if (service?.state !== 'suspended') {
      return this.skip(ctx, data, service);
    }
    await this.driver.unsuspend(placedMachineOf(service));
    service.state = 'active';
    await this.services.saveService(ctx.manager, service);
    await ctx.publish(
      'service.unsuspended',
      { serviceId: service.id, accountId: service.tenantId },
      { subject: service.id },
    );
  }

  /** Deletes the machine for good through the release (provisioning.released, reason termination). */
  async terminate(ctx: EventContext, data: EventData<'service.terminate_requested'>): Promise<void> {
    const service = await this.admit(ctx, data, 'state');
    if (!service) {
      return this.skip(ctx, data, service);
    }
    const released = await this.releases.release(ctx, ctx.tenantId, {
      serviceId: service.id,
      orderId: service.orderId,
      reason: 'termination',
    });
    if (released) {
      await ctx.publish(
        'service.terminated',
        { serviceId: service.id, accountId: service.tenantId, orderId: service.orderId, reason: data.reason },
        { subject: service.id },
      );
    }
  }

  async resize(ctx: EventContext, data: EventData<'service.resize_requested'>): Promise<void> {
    const service = await this.admit(ctx, data, 'size');
    if (service?.state !== 'active' && service?.state !== 'suspended') {
      return this.skip(ctx, data, service);
    }
    if (!(await this.placement.resize(ctx.manager, service.id, data.resources))) {
      // Nothing changed anywhere: the command goes to the DLQ with the reason, for an operator to make room.
      throw new PermanentEventError(
        `node ${service.node ?? '-'} has no room to resize service ${service.id} to plan ${data.planId}`,
      );
    }
    await this.driver.resize(placedMachineOf(service), data.resources);
    Object.assign(service, { planId: data.planId, ...data.resources });
    await this.services.saveService(ctx.manager, service);
    await ctx.publish(
      'service.resized',
      { serviceId: service.id, accountId: service.tenantId, planId: data.planId, resources: data.resources },
      { subject: service.id },
    );
  }

  /**
   * The service, locked and serialized with its build and release, if the command is for it and newer than the
   * last one of its kind; undefined when the command is stale.
   */
  private async admit(
    ctx: EventContext,
    data: Command,
    kind: CommandKind,
  ): Promise<ServiceRecord | undefined> {
    if (data.accountId !== ctx.tenantId) {
      throw new PermanentEventError(`accountId ${data.accountId} is not the event's tenant ${ctx.tenantId}`);
    }
    await this.services.serialize(ctx.manager, data.serviceId);
    const service = await this.services.lock(ctx.manager, data.serviceId);
    if (!service || service.tenantId !== ctx.tenantId) {
      throw new PermanentEventError(`no service ${data.serviceId} of tenant ${ctx.tenantId}`);
    }
    if (!(await this.commands.advance(ctx.manager, ctx.tenantId, service.id, kind, data.sequence))) {
      this.logger.debug(`${ctx.envelope.type} #${data.sequence} for ${service.id} is older than one applied`);
      return undefined;
    }
    return service;
  }

  private skip(ctx: EventContext, data: Command, service: ServiceRecord | undefined): void {
    if (service) {
      this.logger.debug(`${ctx.envelope.type} #${data.sequence}: service ${service.id} is ${service.state}`);
    }
  }
}

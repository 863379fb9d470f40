import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgressService } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The order's VPS is being built: the order is provisioning and names its service. */
@Controller()
export class ProvisioningStartedListener {
  constructor(private readonly progress: OrderProgressService) {}

  @OnEvent('provisioning.started', ORDERS)
  async handle(
    @Payload() data: EventData<'provisioning.started'>,
    @Ctx() ctx: EventContext<'provisioning.started'>,
  ): Promise<void> {
    await this.progress.provisioningStarted(ctx, data);
  }
}

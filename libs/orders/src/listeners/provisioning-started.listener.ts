import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

@Controller()
export class ProvisioningStartedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('provisioning.started', ORDERS)
  async handle(
    @Payload() data: EventData<'provisioning.started'>,
    @Ctx() ctx: EventContext<'provisioning.started'>,
  ) {
    if (await this.progress.apply(ctx, data.orderId, 'provisioning.started', `node ${data.node}`)) {
      await this.progress.setService(ctx, data.orderId, data.serviceId);
    }
  }
}

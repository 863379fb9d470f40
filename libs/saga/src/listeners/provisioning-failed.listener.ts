import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderSagaService } from '../order-saga.service.js';
import { SAGA } from '../saga.domain.js';

@Controller()
export class ProvisioningFailedListener {
  constructor(private readonly saga: OrderSagaService) {}

  @OnEvent('provisioning.failed', SAGA)
  handle(
    @Payload() data: EventData<'provisioning.failed'>,
    @Ctx() ctx: EventContext<'provisioning.failed'>,
  ): Promise<void> {
    return this.saga.advance(ctx, data.orderId, data);
  }
}

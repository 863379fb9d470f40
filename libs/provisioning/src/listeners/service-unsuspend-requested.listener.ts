import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PROVISIONING } from '../provisioning.domain.js';
import { ServiceLifecycleService } from '../service-lifecycle.service.js';

@Controller()
export class ServiceUnsuspendRequestedListener {
  constructor(private readonly lifecycle: ServiceLifecycleService) {}

  @OnEvent('service.unsuspend_requested', PROVISIONING)
  async handle(
    @Payload() data: EventData<'service.unsuspend_requested'>,
    @Ctx() ctx: EventContext<'service.unsuspend_requested'>,
  ): Promise<void> {
    await this.lifecycle.unsuspend(ctx, data);
  }
}

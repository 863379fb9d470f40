import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PROVISIONING } from '../provisioning.domain.js';
import { ServiceLifecycleService } from '../service-lifecycle.service.js';

@Controller()
export class ServiceSuspendRequestedListener {
  constructor(private readonly lifecycle: ServiceLifecycleService) {}

  @OnEvent('service.suspend_requested', PROVISIONING)
  async handle(
    @Payload() data: EventData<'service.suspend_requested'>,
    @Ctx() ctx: EventContext<'service.suspend_requested'>,
  ): Promise<void> {
    await this.lifecycle.suspend(ctx, data);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PROVISIONING } from '../provisioning.domain.js';
import { ServiceActionRunnerService } from '../service-action-runner.service.js';

@Controller()
export class ServiceActionRequestedListener {
  constructor(private readonly runner: ServiceActionRunnerService) {}

  @OnEvent('service.action_requested', PROVISIONING)
  async handle(
    @Payload() data: EventData<'service.action_requested'>,
    @Ctx() ctx: EventContext<'service.action_requested'>,
  ): Promise<void> {
    await this.runner.run(ctx, ctx.tenantId, data);
  }
}

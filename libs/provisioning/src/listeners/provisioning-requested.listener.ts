import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BuildRequestService } from '../build-request.service.js';
import { PROVISIONING } from '../provisioning.domain.js';

@Controller()
export class ProvisioningRequestedListener {
  constructor(private readonly builds: BuildRequestService) {}

  @OnEvent('provisioning.requested', PROVISIONING)
  async handle(
    @Payload() data: EventData<'provisioning.requested'>,
    @Ctx() ctx: EventContext<'provisioning.requested'>,
  ): Promise<void> {
    await this.builds.request(ctx, data);
  }
}

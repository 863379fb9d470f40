import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PROVISIONING } from '../provisioning.domain.js';
import { ReleaseService } from '../release.service.js';

@Controller()
export class ProvisioningReleaseRequestedListener {
  constructor(private readonly releases: ReleaseService) {}

  @OnEvent('provisioning.release_requested', PROVISIONING)
  async handle(
    @Payload() data: EventData<'provisioning.release_requested'>,
    @Ctx() ctx: EventContext<'provisioning.release_requested'>,
  ): Promise<void> {
    await this.releases.release(ctx, ctx.tenantId, data);
  }
}

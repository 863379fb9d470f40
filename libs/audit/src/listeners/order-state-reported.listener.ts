import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { AUDIT } from '../audit.domain.js';
import { ReplaysService } from '../replays.service.js';

/** Orders answered a replay with the state it stores. */
@Controller()
export class OrderStateReportedListener {
  constructor(private readonly replays: ReplaysService) {}

  @OnEvent('order.state_reported', AUDIT)
  async handle(
    @Payload() data: EventData<'order.state_reported'>,
    @Ctx() ctx: EventContext<'order.state_reported'>,
  ): Promise<void> {
    await this.replays.complete(ctx, data);
  }
}

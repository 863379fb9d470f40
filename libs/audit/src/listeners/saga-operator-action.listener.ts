import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { AUDIT } from '../audit.domain.js';
import { OperatorTrailService } from '../operator-trail.service.js';

/** An operator acted on a saga: the act joins the operators' trail beside redrives, replays and offset resets. */
@Controller()
export class SagaOperatorActionListener {
  constructor(private readonly trail: OperatorTrailService) {}

  @OnEvent('saga.operator_action', AUDIT)
  async handle(
    @Payload() data: EventData<'saga.operator_action'>,
    @Ctx() ctx: EventContext<'saga.operator_action'>,
  ): Promise<void> {
    await this.trail.sagaActed(ctx, data);
  }
}

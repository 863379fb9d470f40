import { Injectable, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { AUDIT } from '../audit.domain.js';
import { type OperatorCommandType, OperatorTrailService } from '../operator-trail.service.js';

export interface OperatorTrailListener<T extends OperatorCommandType> {
  handle(data: EventData<T>, ctx: EventContext<T>): Promise<void>;
}

/**
 * The base of a listener that adds an operator's back-office command to the trail. The same event types also come
 * from billing's renewals and the saga, with no operator: those cost a look at the payload and no transaction.
 */
export function operatorTrailListener<T extends OperatorCommandType>(
  type: T,
): Type<OperatorTrailListener<T>> {
  @Injectable()
  class RecordOperatorCommand implements OperatorTrailListener<T> {
    constructor(private readonly trail: OperatorTrailService) {}

    @OnEvent(type, AUDIT, { transaction: 'on-demand' })
    async handle(@Payload() data: EventData<T>, @Ctx() ctx: EventContext<T>): Promise<void> {
      await this.trail.commanded(ctx, data);
    }
  }
  return RecordOperatorCommand;
}

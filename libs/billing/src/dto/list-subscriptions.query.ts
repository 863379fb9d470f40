import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';
import type { SubscriptionStatus } from '../entities/subscription.entity.js';

/** A pending subscription (order not delivered yet) is bookkeeping, not something a customer has. */
export const LISTED_STATUSES = ['active', 'suspended', 'terminated'] as const;

export class ListSubscriptionsQuery extends PageQuery {
  @ApiProperty({ required: false, enum: LISTED_STATUSES })
  @IsOptional()
  @IsIn(LISTED_STATUSES)
  status?: Exclude<SubscriptionStatus, 'pending'>;
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@app/platform';
import { ListSubscriptionsQuery } from '../dto/list-subscriptions.query.js';
import { PlanChangeDto } from '../dto/plan-change.dto.js';
import { PlanChangeService, type PlanChangeView } from './plan-change.service.js';
import type { SubscriptionPage, SubscriptionView } from './subscription.view.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** A customer's subscriptions, addressed by service id (one subscription per service). */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly planChanges: PlanChangeService,
  ) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListSubscriptionsQuery,
  ): Promise<SubscriptionPage> {
    return this.subscriptions.list(principal, query);
  }

  @Get(':serviceId')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('serviceId', ParseUUIDPipe) serviceId: string,
  ): Promise<SubscriptionView> {
    return this.subscriptions.get(principal, serviceId);
  }

  @Post(':serviceId/plan-change')
  @ApiOperation({
    summary:
      'Moves the service to another plan: an upgrade is invoiced prorated, a downgrade credited prorated',
  })
  changePlan(
    @CurrentPrincipal() principal: Principal,
    @Param('serviceId', ParseUUIDPipe) serviceId: string,
    @Body() dto: PlanChangeDto,
  ): Promise<PlanChangeView> {
    return this.planChanges.request(principal, serviceId, dto.planId);
  }
}
